#!/usr/bin/env bash
# Runs an aarch64 Linux program (the linux-arm64 edgelam) on an x86-64 host under qemu-user. docs/arm64.md
#
#   tools/qemu-arm64.sh PROGRAM [ARGS...]
#   tools/qemu-arm64.sh --check          exit 0 when programs can run here, else 77 with the reason on stderr
#
# - qemu-aarch64 -L SYSROOT alone hangs inside glibc's loader; the guest also needs LD_LIBRARY_PATH pointing at the
#   sysroot's lib folder (and at the multiarch folder holding Debian's arm64 packages such as libmosquitto1:arm64).
# - ONNX Runtime's arm64 library probes the CPU by parsing /proc/cpuinfo; qemu-user passes the host's x86 file through
#   and the library then crashes while loading. This script bind-mounts an ARM-format cpuinfo (Cortex-A72, one entry
#   per host CPU) over /proc/cpuinfo in a private mount namespace of this one command (unshare -m): as root, or
#   else inside an unprivileged user namespace (unshare -r) where the kernel allows those.
#
# Exit status: the program's; 77 when it cannot run here (qemu-user, the sysroot or a mount namespace missing), with
# the reason on stderr. On an aarch64 host the program runs directly. Environment: EDGELAM_ARM64_SYSROOT (default
# /usr/aarch64-linux-gnu, from libc6-dev-arm64-cross). `./build.sh setup` installs what this needs.
set -euo pipefail

cannot() { printf 'qemu-arm64.sh: cannot run here: %s\n' "$*" >&2; exit 77; }

[ $# -ge 1 ] || { echo "usage: tools/qemu-arm64.sh PROGRAM [ARGS...] | --check" >&2; exit 2; }
if [ "$(uname -m)" = aarch64 ]; then
  [ "$1" = --check ] && exit 0
  exec "$@"
fi

sysroot="${EDGELAM_ARM64_SYSROOT:-/usr/aarch64-linux-gnu}"
command -v qemu-aarch64 >/dev/null 2>&1 || cannot "qemu-aarch64 not found (apt-get install qemu-user, or ./build.sh setup)"
[ -d "$sysroot/lib" ] || cannot "no arm64 sysroot at $sysroot (apt-get install libc6-dev-arm64-cross, or ./build.sh setup)"
command -v unshare >/dev/null 2>&1 || cannot "unshare (util-linux) not found"
# A private mount namespace: as root directly, else inside a user namespace mapping this user to root.
namespace=(unshare -m --propagation private)
if [ "$(id -u)" -ne 0 ]; then
  namespace=(unshare -r -m --propagation private)
  "${namespace[@]}" true 2>/dev/null \
    || cannot "an ARM /proc/cpuinfo for ONNX Runtime's CPU probe needs a private mount namespace: run as root, or allow unprivileged user namespaces"
fi
[ "$1" = --check ] && exit 0

# One "processor" entry per possible host CPU (the guest sees the host's CPU count through /sys).
last_cpu="$(sed -E 's/.*[-,]//' /sys/devices/system/cpu/possible 2>/dev/null || true)"
[[ "$last_cpu" =~ ^[0-9]+$ ]] || last_cpu=$(($(getconf _NPROCESSORS_CONF) - 1))
cpuinfo="$(mktemp "${TMPDIR:-/tmp}/edgelam-arm64-cpuinfo.XXXXXX")"
trap 'rm -f "$cpuinfo"' EXIT
for ((cpu = 0; cpu <= last_cpu; cpu++)); do
  cat <<CPU
processor	: $cpu
BogoMIPS	: 108.00
Features	: fp asimd evtstrm crc32 cpuid
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x0
CPU part	: 0xd08
CPU revision	: 3

CPU
done > "$cpuinfo"

# The guest loader searches the sysroot first, then Debian's multiarch folders (packages installed as :arm64).
guest_libs="$sysroot/lib:/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu"
status=0
"${namespace[@]}" -- /bin/sh -c 'mount --bind "$1" /proc/cpuinfo && shift && exec "$@"' sh "$cpuinfo" \
  qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$guest_libs" "$@" || status=$?
exit "$status"
