#!/usr/bin/env bash
# chroot-check.sh — the package on Debian arm64, emulated: installs the .deb in a Debian arm64 root made with
# debootstrap, and runs the gateway there under qemu-user-static until /q/health/live answers; a device on a port
# that is not a terminal forces jSerialComm to load its native library (the same for JNA, through the doctor's clock
# check, and Chronicle's native helpers through the buffer). A command, not part of CI: it takes many minutes.
#
#   sudo deploy-arm/chroot-check.sh [--deb FILE] [--root DIR] [--suite bookworm] [--mirror URL] [--port N]
#
# Needs: root; debootstrap and qemu-user-static (apt-get install debootstrap qemu-user-static); binfmt_misc mounted
# (mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc) with qemu-aarch64 registered (the package does this
# where systemd-binfmt runs; otherwise: cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register).
# The root is kept (default /var/tmp/bedside-arm64) and reused by the next run.
#
# What it does NOT prove: the speed or memory of a real Raspberry Pi (qemu translates every instruction; the JIT's
# aarch64 code runs emulated), a real serial adapter (USB, the kernel's drivers and udev are the host's; no byte
# crosses a real UART), systemd (no PID 1 systemd in a chroot: the unit, its sandbox and the watchdog are not
# exercised), GPIO, and Raspberry Pi OS's own kernel and firmware.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEB="$(ls "$HERE"/target/bedside_*_all.deb 2>/dev/null | head -n 1 || true)"
ROOT=/var/tmp/bedside-arm64
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
PORT=18080

while [ $# -gt 0 ]; do
  case "$1" in
    --deb) DEB="$2"; shift 2 ;;
    --root) ROOT="$2"; shift 2 ;;
    --suite) SUITE="$2"; shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chroot-check: unexpected argument '$1'" >&2; exit 64 ;;
  esac
done

say() { echo "chroot-check: $*"; }
die() { echo "chroot-check: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
[ -n "$DEB" ] && [ -f "$DEB" ] || die "no package: build it with ./mvnw -B -pl deploy-arm -am package -DskipTests, or pass --deb FILE"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
[ -x /usr/bin/qemu-aarch64-static ] || die "qemu-user-static is missing: apt-get install qemu-user-static"
[ -e /proc/sys/fs/binfmt_misc/status ] || die "binfmt_misc is not mounted: mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu-aarch64 is not registered with binfmt_misc: cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register"

say "host $(uname -m), kernel $(uname -r); package $(basename "$DEB")"
if [ ! -x "$ROOT/usr/bin/java" ]; then
  say "debootstrap $SUITE arm64 into $ROOT (with openjdk-17-jre-headless; many minutes under emulation)..."
  debootstrap --arch=arm64 --variant=minbase --include=openjdk-17-jre-headless,curl,ca-certificates,adduser \
    "$SUITE" "$ROOT" "$MIRROR"
else
  say "reusing the arm64 root $ROOT"
fi

MOUNTS=()
cleanup() {
  set +e
  [ -n "${GATEWAY_PID:-}" ] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null
  for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount -l "${MOUNTS[$i]}"; done
}
trap cleanup EXIT
# The root must be a mount point of its own: the JVM finds a directory's file system (the buffer's free-space guard)
# in /proc/self/mounts, which shows the mounts below the chroot's root only.
mount --bind "$ROOT" "$ROOT"
MOUNTS+=("$ROOT")
for m in proc dev dev/pts; do
  case "$m" in
    proc) mount -t proc proc "$ROOT/proc" ;;
    *) mount --bind "/$m" "$ROOT/$m" ;;
  esac
  MOUNTS+=("$ROOT/$m")
done

in_root() { chroot "$ROOT" "$@"; }
say "in the root: $(in_root uname -m), $(in_root java -version 2>&1 | head -n 1)"

cp "$DEB" "$ROOT/tmp/bedside.deb"
say "dpkg -i (postinst: the bedside user, its groups, the buffer's directory)..."
in_root env DEBIAN_FRONTEND=noninteractive dpkg --force-confold -i /tmp/bedside.deb
in_root id bedside
in_root ls -ld /var/lib/bedside /var/cache/bedside /etc/bedside

# A device on a port that is not a terminal: the pipeline loads jSerialComm's native library to open it, fails, and
# says so; nothing else about the device matters here.
cat >"$ROOT/etc/bedside/gateway.yaml" <<YAML
gateway:
  id: arm64-check
  data-dir: /var/lib/bedside
  devices:
    arm-check:
      driver: masimo-ascii
      port: /dev/null
  uplink:
    base-url: http://127.0.0.1:9/fhir
quarkus:
  http:
    port: $PORT
YAML

say "bedside check-config (JNA-free, the configuration parser on aarch64)..."
in_root runuser -u bedside -- bedside check-config /etc/bedside/gateway.yaml

say "starting the gateway as the unit does (java @/opt/bedside/jvm.options ... quarkus-run.jar), as user bedside..."
START=$SECONDS
chroot "$ROOT" runuser -u bedside -- /usr/bin/java @/opt/bedside/jvm.options \
  -Dquarkus.config.locations=/etc/bedside/gateway.yaml -jar /opt/bedside/app/quarkus-run.jar \
  >"$ROOT/tmp/gateway.log" 2>&1 &
GATEWAY_PID=$!
until in_root curl -sf "http://127.0.0.1:$PORT/q/health/live" >/dev/null 2>&1; do
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -n 40 "$ROOT/tmp/gateway.log"; die "the gateway exited"; }
  [ $((SECONDS - START)) -lt 900 ] || { tail -n 40 "$ROOT/tmp/gateway.log"; die "no /q/health/live within 900 s"; }
  sleep 2
done
say "/q/health/live answered after $((SECONDS - START)) s: $(in_root curl -s "http://127.0.0.1:$PORT/q/health/live" | tr -d '\n ')"
# The device's pipeline tried the port (it retries with back-off); its health says what jSerialComm answered.
sleep 5
say "the device's health: $(in_root curl -s "http://127.0.0.1:$PORT/q/health/ready" | tr -d '\n' | grep -o '"name": *"device arm-check"[^}]*' || true)"
say "native libraries unpacked under /var/cache/bedside:"
find "$ROOT/var/cache/bedside" -name '*.so' | while read -r so; do
  echo "  ${so#"$ROOT"}: $(command -v file >/dev/null && file -b "$so" | cut -d, -f1-2)"
done
say "buffer files: $(in_root find /var/lib/bedside -name '*.cq4' | wc -l) Chronicle queue file(s)"
if grep -E "UnsatisfiedLinkError|NoClassDefFoundError|Could not (load|initialize)" "$ROOT/tmp/gateway.log"; then
  die "a native library failed to load (above)"
fi
kill -TERM "$GATEWAY_PID"
set +e; wait "$GATEWAY_PID"; CODE=$?; set -e
GATEWAY_PID=
say "SIGTERM: exit code $CODE (143 is a clean stop; the unit's SuccessExitStatus=143)"

say "bedside doctor (its clock check calls adjtimex through JNA; the serial check opens /dev/null with jSerialComm)..."
in_root runuser -u bedside -- bedside doctor --listen 1 || true
say "done: the package installs and the gateway runs on arm64 (emulated); see the header for what this does not prove"
