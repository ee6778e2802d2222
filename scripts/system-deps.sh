#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt that are missing, and starts
# PostgreSQL and Redis when they are installed but stopped. Needs root (or sudo).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t wanted < <(grep -v '^\s*#' "$here/debian-packages.txt" | grep -v '^\s*$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "system-deps: starting PostgreSQL"
  "${sudo_cmd[@]}" pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
# The PostgreSQL suites connect as root to database test (trust authentication on loopback).
if command -v psql >/dev/null && ! psql -h 127.0.0.1 -U root -d test -Atc 'select 1' >/dev/null 2>&1; then
  echo "system-deps: creating PostgreSQL role root and database test"
  "${sudo_cmd[@]}" runuser -u postgres -- psql -qc 'create role root superuser login' 2>/dev/null || true
  "${sudo_cmd[@]}" runuser -u postgres -- createdb -O root test 2>/dev/null || true
fi
# The user-source suites install scratch WordPress databases on MariaDB (root over 127.0.0.1).
if command -v mariadbd >/dev/null && ! mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
  echo "system-deps: starting MariaDB"
  "${sudo_cmd[@]}" mkdir -p /run/mysqld && "${sudo_cmd[@]}" chown mysql:mysql /run/mysqld 2>/dev/null || true
  "${sudo_cmd[@]}" start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 30); do mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "system-deps: starting Redis"
  "${sudo_cmd[@]}" redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
fi
echo "system-deps: ok"
