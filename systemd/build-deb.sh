#!/usr/bin/env bash
# Builds the edgelam Debian package from a publish folder.
#
#   systemd/build-deb.sh DIST_DIR OUT_DIR
#
# DIST_DIR is what `./build.sh publish --rid RID` wrote (dist/RID): edgelam, libonnxruntime.so, and optionally
# libonnxruntime_providers_shared.so (ONNX Runtime loads it for the CUDA/TensorRT providers), onnxruntime.VERSION,
# edgelam.json, boards/*.json, systemd/. Unit files not in DIST_DIR/systemd are taken from
# this script's folder. Environment: EDGELAM_VERSION (default 0.1.0), EDGELAM_DEB_ARCH (default from the
# folder name: linux-x64 → amd64, linux-arm64 → arm64). Prints the path of the .deb on its last line.
set -euo pipefail

die() { printf 'build-deb.sh: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: build-deb.sh DIST_DIR OUT_DIR"
dist="$(cd "$1" 2>/dev/null && pwd)" || die "DIST_DIR $1 does not exist"
mkdir -p "$2"; out="$(cd "$2" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is required (apt-get install dpkg)"

version="${EDGELAM_VERSION:-0.1.0}"
case "${EDGELAM_DEB_ARCH:-$(basename "$dist")}" in
  amd64|linux-x64) arch=amd64 ;;
  arm64|linux-arm64) arch=arm64 ;;
  *) die "cannot tell the architecture from $(basename "$dist"); set EDGELAM_DEB_ARCH=amd64|arm64" ;;
esac

for f in edgelam libonnxruntime.so; do
  [ -f "$dist/$f" ] || die "$dist/$f is missing; run ./build.sh publish first"
done

# unit_file NAME -> DIST_DIR/systemd/NAME when published, else this folder's copy
unit_file() {
  if [ -f "$dist/systemd/$1" ]; then echo "$dist/systemd/$1"
  elif [ -f "$here/$1" ]; then echo "$here/$1"
  else die "systemd/$1 is missing"; fi
}

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/edgelam_${version}_${arch}"
umask 022

install -d -m 0755 "$root/usr/lib/edgelam" "$root/usr/bin" "$root/etc/edgelam/conf.d" \
  "$root/lib/systemd/system" "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" \
  "$root/usr/lib/udev/rules.d" "$root/usr/share/doc/edgelam" "$root/DEBIAN"

install -m 0755 "$dist/edgelam" "$root/usr/lib/edgelam/edgelam"
install -m 0644 "$dist/libonnxruntime.so" "$root/usr/lib/edgelam/libonnxruntime.so"
[ -f "$dist/libonnxruntime_providers_shared.so" ] \
  && install -m 0644 "$dist/libonnxruntime_providers_shared.so" "$root/usr/lib/edgelam/libonnxruntime_providers_shared.so"
[ -f "$dist/onnxruntime.VERSION" ] && install -m 0644 "$dist/onnxruntime.VERSION" "$root/usr/lib/edgelam/onnxruntime.VERSION"
if compgen -G "$dist/boards/*.json" >/dev/null; then
  install -d -m 0755 "$root/usr/lib/edgelam/boards"
  install -m 0644 "$dist"/boards/*.json "$root/usr/lib/edgelam/boards/"
fi
ln -s ../lib/edgelam/edgelam "$root/usr/bin/edgelam"

config="$dist/edgelam.json"; [ -f "$config" ] || config="$(unit_file edgelam.json)"
install -m 0644 "$config" "$root/etc/edgelam/edgelam.json"
install -m 0644 "$(unit_file edgelam.service)" "$root/lib/systemd/system/edgelam.service"
install -m 0644 "$(unit_file edgelam.sysusers)" "$root/usr/lib/sysusers.d/edgelam.conf"
install -m 0644 "$(unit_file edgelam.tmpfiles)" "$root/usr/lib/tmpfiles.d/edgelam.conf"
install -m 0644 "$(unit_file 60-edgelam.rules)" "$root/usr/lib/udev/rules.d/60-edgelam.rules"
install -m 0644 "$(unit_file mosquitto-edgelam.conf.example)" "$root/usr/share/doc/edgelam/mosquitto-edgelam.conf.example"
for example in mosquitto.conf.example mosquitto.acl.example edgelam-nodes.json.example; do
  install -m 0644 "$(unit_file "$example")" "$root/usr/share/doc/edgelam/$example"
done
for doc in "$dist/systemd/operations.md" "$here/../docs/operations.md"; do
  if [ -f "$doc" ]; then install -m 0644 "$doc" "$root/usr/share/doc/edgelam/operations.md"; break; fi
done
cat > "$root/usr/share/doc/edgelam/copyright" <<'COPYRIGHT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: edgelam

Files: usr/lib/edgelam/libonnxruntime*.so
Copyright: Microsoft Corporation
License: MIT
COPYRIGHT
chmod 0644 "$root/usr/share/doc/edgelam/copyright"

installed_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: edgelam
Version: $version
Architecture: $arch
Maintainer: EdgeLam Engineering <eng@edgelam.dev>
Installed-Size: $installed_kb
Depends: libc6 (>= 2.31), libstdc++6, libgcc-s1, libmosquitto1 (>= 2.0), systemd | adduser
Recommends: systemd
Suggests: mosquitto
Section: net
Priority: optional
Homepage: https://edgelam.dev
Description: EdgeLam gateway: sensors and split transformer inference over MQTT
 Reads sensors, runs the lower layers of a transformer with ONNX Runtime and
 ships activations over MQTT to peers that run the rest. Runs as the systemd
 service edgelam.service (not enabled on installation).
CONTROL
echo "/etc/edgelam/edgelam.json" > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Creates the edgelam user and groups and the state directory. Enables and starts nothing.
set -e
if [ "$1" = configure ]; then
  if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers /usr/lib/sysusers.d/edgelam.conf
  else
    getent group gpio >/dev/null || addgroup --system gpio
    getent group i2c >/dev/null || addgroup --system i2c
    getent passwd edgelam >/dev/null || adduser --system --group --home /var/lib/edgelam --no-create-home \
      --shell /usr/sbin/nologin --gecos "EdgeLam gateway" edgelam
    adduser edgelam gpio >/dev/null; adduser edgelam i2c >/dev/null
  fi
  if command -v systemd-tmpfiles >/dev/null 2>&1; then
    systemd-tmpfiles --create /usr/lib/tmpfiles.d/edgelam.conf || true
  else
    install -d -m 0750 -o edgelam -g edgelam /var/lib/edgelam /var/lib/edgelam/models
  fi
  if command -v udevadm >/dev/null 2>&1; then udevadm control --reload-rules >/dev/null 2>&1 || true; fi
  if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
  echo "edgelam installed; configure /etc/edgelam/edgelam.json, check with 'edgelam doctor', then: systemctl enable --now edgelam"
fi
exit 0
POSTINST

cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop edgelam.service >/dev/null 2>&1 || true
  systemctl disable edgelam.service >/dev/null 2>&1 || true
fi
exit 0
PRERM

cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# The edgelam user stays (Debian policy: never remove accounts); purge removes state.
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
if [ "$1" = purge ]; then
  rm -rf /var/lib/edgelam
  rmdir --ignore-fail-on-non-empty /etc/edgelam/conf.d /etc/edgelam 2>/dev/null || true
fi
exit 0
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

deb="$out/edgelam_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
