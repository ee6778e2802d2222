#!/usr/bin/env bash
# Debian 13 (trixie) in a chroot, for the suites that need what Debian 13 ships: MediaWiki 1.43
# LTS on PHP 8.4, its PHPUnit, and WordPress 6.8. Created once with debootstrap and cached at
# $AUTHBRIDGE_TRIXIE_CHROOT (default /var/cache/authbridge/trixie); later runs only install
# packages added to scripts/trixie-packages.txt and make sure the bind mounts are there.
#
# The chroot shares the network (its PHP reaches PostgreSQL, MariaDB and the API on 127.0.0.1),
# /tmp (the harness's throwaway wikis) and this checkout at the same absolute path, so a path
# means the same thing inside and outside. Needs root (or sudo).
#
#   scripts/trixie-chroot.sh            create or update, then mount
#   scripts/trixie-chroot.sh --path     print the chroot's directory
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="${AUTHBRIDGE_TRIXIE_CHROOT:-/var/cache/authbridge/trixie}"
if [ "${1:-}" = "--path" ]; then echo "$dir"; exit 0; fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
as_root() { "${sudo_cmd[@]}" "$@"; }

mapfile -t wanted < <(grep -v '^\s*#' "$here/trixie-packages.txt" | grep -v '^\s*$')

if [ ! -x "$dir/usr/bin/apt-get" ] || [ ! -f "$dir/.authbridge-bootstrapped" ]; then
  command -v debootstrap >/dev/null || { echo "trixie-chroot: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  echo "trixie-chroot: creating Debian 13 in $dir (debootstrap, about 30 s)"
  as_root rm -rf "$dir.partial"
  as_root mkdir -p "$dir.partial"
  as_root debootstrap --variant=minbase trixie "$dir.partial" >/dev/null
  as_root touch "$dir.partial/.authbridge-bootstrapped"
  as_root rm -rf "$dir"
  as_root mv "$dir.partial" "$dir"
fi

mount_bind() { # SOURCE TARGET-INSIDE-CHROOT
  local target="$dir$2"
  as_root mkdir -p "$target"
  mountpoint -q "$target" || as_root mount --bind "$1" "$target"
}
mount_bind /proc /proc
mount_bind /dev /dev
mount_bind /tmp /tmp
mount_bind "$root" "$root"
# The host's name resolution, so apt reaches Debian's mirror and PHP resolves localhost
as_root cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
as_root cp /etc/hosts "$dir/etc/hosts"

missing=()
for pkg in "${wanted[@]}"; do
  as_root chroot "$dir" dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "trixie-chroot: installing ${missing[*]}"
  # No daemons start inside the chroot (MariaDB and PostgreSQL run on the host).
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$dir/usr/sbin/policy-rc.d" >/dev/null
  as_root chmod 755 "$dir/usr/sbin/policy-rc.d"
  as_root chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "trixie-chroot: ok ($dir, $(as_root chroot "$dir" php -r 'echo "PHP ", PHP_VERSION;'))"
