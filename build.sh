#!/usr/bin/env bash
# EdgeLam Gateway build entry point. Every verb prints what it does and fails with a clear message.
#
#   ./build.sh setup     install native pieces (apt packages, arm64 cross toolchain; ONNX Runtime comes from NuGet: Microsoft.ML.OnnxRuntime)
#   ./build.sh build     build everything (JIT, net10.0); afterwards ./edgelam runs the CLI
#   ./build.sh test      setup + build + NativeAOT publish (x64, arm64) + every test; prints "N passed, N failed"
#   ./build.sh publish [--rid linux-x64|linux-arm64]   NativeAOT binary into dist/<rid>/
#   ./build.sh demo [--requests N] [--slow-peer-at N] [--static]   broker + gateway + 2 orchestrated peers on the built-in model
#   ./build.sh deb [--rid linux-x64|linux-arm64]       Debian package from dist/<rid>
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

# ---- pinned native inputs ------------------------------------------------------------------------
# ONNX Runtime is the NuGet package Microsoft.ML.OnnxRuntime (version pinned in Directory.Packages.props); its
# libonnxruntime.so for the RID lands beside the NativeAOT binary.
ORT_VERSION="$(sed -n 's/.*Include="Microsoft.ML.OnnxRuntime" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)"
APT_PACKAGES=(mosquitto mosquitto-clients libmosquitto1 libgpiod2)

NATIVE="$ROOT/native"
CONFIG="${CONFIGURATION:-Release}"
APP_TFM="net10.0"
# NativeAOT publish: net10.0 (size-optimized LINQ: ~10 MB) where the feed has the net10.0 ILCompiler packs; otherwise
# net9.0, whose packs every feed we know has (~17 MB). EDGELAM_AOT_TFM forces one.
AOT_TFM="${EDGELAM_AOT_TFM:-net10.0}"
AOT_FALLBACK_TFM="net9.0"
# The largest net10.0 edgelam binary publish accepts, in bytes (docs/arm64.md lists the measured sizes).
MAX_BINARY_BYTES="${EDGELAM_MAX_BINARY_BYTES:-17000000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say()  { printf '==> %s\n' "$*"; }
die()  { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }
run()  { printf '    $ %s\n' "$*"; "$@"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then run "$@"
  elif command -v sudo >/dev/null 2>&1; then run sudo "$@"
  else die "'$*' needs root and sudo is not installed; run it as root"; fi
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2)"; }

# ---- setup ---------------------------------------------------------------------------------------
setup_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "apt packages present: ${APT_PACKAGES[*]}"; return; fi
  say "installing apt packages: ${missing[*]}"
  need apt-get "Debian/Ubuntu package manager"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
  # The Debian mosquitto package enables a system broker on :1883; EdgeLam starts its own broker per
  # run with a generated configuration, so the system one is left as the administrator set it.
}

cmd_setup() {
  need dotnet ".NET SDK 10 (see global.json)"
  setup_apt
  setup_cross
  say "setup complete"
}

setup_if_needed() {
  if ! ldconfig -p | grep -q libmosquitto.so.1; then
    cmd_setup
  fi
}

# ---- linux-arm64: cross toolchain and qemu-user (docs/arm64.md) ----------------
# On an x86-64 host NativeAOT cross-compiles linux-arm64 with clang/lld against Debian's arm64 cross sysroot, and
# qemu-user runs the result (tools/qemu-arm64.sh). On an arm64 host the native toolchain does both.
CROSS_APT_PACKAGES=(clang lld llvm binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross zlib1g-dev:arm64
  qemu-user libmosquitto1:arm64)

cross_missing() {
  local p
  for p in "${CROSS_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

setup_cross() {
  if [ "$(uname -m)" != "x86_64" ]; then say "cross toolchain: not needed on $(uname -m)"; return; fi
  need dpkg-query "Debian/Ubuntu package database"
  local missing; mapfile -t missing < <(cross_missing)
  if [ ${#missing[@]} -eq 0 ]; then say "linux-arm64 cross toolchain and qemu-user present"; return; fi
  say "installing the linux-arm64 cross toolchain and qemu-user: ${missing[*]}"
  need apt-get "Debian/Ubuntu package manager"
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then as_root dpkg --add-architecture arm64; fi
  as_root apt-get update -qq || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
}

# ---- build ---------------------------------------------------------------------------------------
cmd_build() {
  setup_if_needed
  say "building EdgeLam.Gateway.sln ($CONFIG, $APP_TFM)"
  run dotnet build EdgeLam.Gateway.sln -c "$CONFIG" -f "$APP_TFM" -nologo -v quiet -clp:ErrorsOnly \
    || die "build failed"
  say "the CLI runs as ./edgelam"
}

# ---- publish -------------------------------------------------------------------------------------
cmd_publish() {
  local rid="linux-x64"
  while [ $# -gt 0 ]; do
    case "$1" in
      --rid) rid="${2:?--rid needs a value}"; shift 2 ;;
      --rid=*) rid="${1#--rid=}"; shift ;;
      *) die "publish: unknown argument $1" ;;
    esac
  done
  case "$rid" in linux-x64|linux-arm64) ;; *) die "publish: --rid must be linux-x64 or linux-arm64" ;; esac
  setup_if_needed
  local out="$ROOT/dist/$rid"
  if [ "$rid" = "linux-arm64" ]; then setup_cross; fi
  rm -rf "$out"; mkdir -p "$out"
  local log tfm; log="$(mktemp)"; tfm="$AOT_TFM"
  say "publishing NativeAOT edgelam for $rid ($tfm) into dist/$rid"
  if ! publish_aot "$rid" "$tfm" "$out" "$log"; then
    if [ "$tfm" != "$AOT_FALLBACK_TFM" ] && grep -Eq "error NU110[1-3]" "$log"; then
      say "the NuGet feed lacks the $tfm NativeAOT packs:"
      grep -Eo "Unable to find package [^ ]+( with version [^.]*[^ ]*)?" "$log" | sort -u | sed 's/^/    /'
      tfm="$AOT_FALLBACK_TFM"
      say "publishing with $tfm instead (a larger binary: its LINQ has no size-optimized mode)"
      rm -rf "$out"; mkdir -p "$out"
      publish_aot "$rid" "$tfm" "$out" "$log" || { cat "$log"; rm -f "$log"; die "NativeAOT publish for $rid failed"; }
    else
      cat "$log"; rm -f "$log"; die "NativeAOT publish for $rid failed"
    fi
  fi
  if grep -Eq "warning (IL|CS)[0-9]+" "$log"; then
    grep -E "warning (IL|CS)[0-9]+" "$log" | sort -u; rm -f "$log"; die "publish produced trim/AOT warnings"
  fi
  rm -f "$log"
  rm -f "$out"/*.dbg "$out"/*.pdb
  [ -f "$out/libonnxruntime.so" ] || die "publish did not place libonnxruntime.so (Microsoft.ML.OnnxRuntime $ORT_VERSION, $rid) in dist/$rid"
  if compgen -G "$out/*.dll" >/dev/null; then die "publish left Windows files in dist/$rid: $(cd "$out" && echo *.dll)"; fi
  [ ! -e "$out/libSystem.IO.Ports.Native.so" ] || die "publish left libSystem.IO.Ports.Native.so in dist/$rid (EdgeLam opens no serial port)"
  local size; size="$(stat -c %s "$out/edgelam")"
  if [ "$tfm" = "$AOT_FALLBACK_TFM" ]; then
    say "size gate not applied to the $tfm fallback ($size bytes; it lacks the size-optimized LINQ)"
  elif [ "$size" -gt "$MAX_BINARY_BYTES" ]; then
    die "dist/$rid/edgelam is $size bytes, above the $MAX_BINARY_BYTES-byte gate (EDGELAM_MAX_BINARY_BYTES); see "Binary size" in docs/arm64.md"
  fi
  if [ -d systemd ]; then mkdir -p "$out/systemd"; cp -r systemd/. "$out/systemd/"; fi
  # Default configuration, board profiles (searched beside the executable) and the ORT version for `edgelam doctor`.
  [ -f systemd/edgelam.json ] && cp systemd/edgelam.json "$out/edgelam.json"
  if compgen -G "boards/*.json" >/dev/null; then mkdir -p "$out/boards"; cp boards/*.json "$out/boards/"; fi
  echo "$ORT_VERSION" > "$out/onnxruntime.VERSION"
  say "dist/$rid/edgelam: $size bytes (NativeAOT, $tfm; gate $MAX_BINARY_BYTES), libonnxruntime.so $ORT_VERSION beside it"
}

publish_aot() { # rid tfm out log
  # EdgeLamTargetFrameworks=tfm: restore the RID's packs for the published framework only (a feed may lack the other
  # framework's runtime pack for linux-arm64, e.g. 9.0.20 while it serves 9.0.23).
  dotnet publish src/EdgeLam.Gateway/EdgeLam.Gateway.csproj -c Release -f "$2" -r "$1" -o "$3" -nologo \
    -p:TreatWarningsAsErrors=true -p:EdgeLamAotTargetFramework="$2" -p:EdgeLamTargetFrameworks="$2" >"$4" 2>&1
}

# ---- test ----------------------------------------------------------------------------------------
cmd_test() {
  setup_if_needed
  cmd_build
  cmd_publish --rid linux-x64
  cmd_publish --rid linux-arm64
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  say "running tests (results in artifacts/test-results)"
  export EDGELAM_REPO_ROOT="$ROOT" EDGELAM_AOT_BINARY="$ROOT/dist/linux-x64/edgelam"
  # Run under qemu-user by tools/qemu-arm64.sh (tests/EdgeLam.Gateway.Tests/Cli/Arm64).
  export EDGELAM_ARM64_BINARY="$ROOT/dist/linux-arm64/edgelam"
  local rc=0
  dotnet test EdgeLam.Gateway.sln -c "$CONFIG" --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
    -- RunConfiguration.TestSessionTimeout=3000000 || rc=$?
  summarize_trx "$results"
  [ $rc -eq 0 ] || die "tests failed (dotnet test exit code $rc)"
}

summarize_trx() {
  local passed=0 failed=0 skipped=0 f p x t e
  for f in "$1"/*.trx; do
    [ -f "$f" ] || continue
    p=$(grep -o 'passed="[0-9]*"' "$f" | head -1 | tr -dc 0-9); passed=$((passed + ${p:-0}))
    x=$(grep -o ' failed="[0-9]*"' "$f" | head -1 | tr -dc 0-9); failed=$((failed + ${x:-0}))
    t=$(grep -o 'total="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
    e=$(grep -o 'executed="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
    skipped=$((skipped + ${t:-0} - ${e:-0}))
  done
  echo
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
}

# ---- demo / deb ----------------------------------------------------------------------------------
cmd_demo() {
  cmd_build
  [ -f "$ROOT/src/EdgeLam.Gateway/demo.sh" ] || die "demo: not available in this build"
  exec bash "$ROOT/src/EdgeLam.Gateway/demo.sh" "$@"
}

cmd_deb() {
  local rid="linux-x64"
  while [ $# -gt 0 ]; do
    case "$1" in
      --rid) rid="${2:?--rid needs a value}"; shift 2 ;;
      --rid=*) rid="${1#--rid=}"; shift ;;
      *) die "deb: unknown argument $1" ;;
    esac
  done
  case "$rid" in linux-x64|linux-arm64) ;; *) die "deb: --rid must be linux-x64 or linux-arm64" ;; esac
  [ -x "$ROOT/dist/$rid/edgelam" ] || cmd_publish --rid "$rid"
  [ -f "$ROOT/systemd/build-deb.sh" ] || die "deb: packaging script systemd/build-deb.sh is missing"
  bash "$ROOT/systemd/build-deb.sh" "$ROOT/dist/$rid" "$ROOT/dist"
}

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

verb="${1:-}"; [ $# -gt 0 ] && shift
case "$verb" in
  setup)   cmd_setup "$@" ;;
  build)   cmd_build "$@" ;;
  test)    cmd_test "$@" ;;
  publish) cmd_publish "$@" ;;
  demo)    cmd_demo "$@" ;;
  deb)     cmd_deb "$@" ;;
  ""|-h|--help|help) usage ;;
  *) usage; die "unknown verb '$verb'" ;;
esac
