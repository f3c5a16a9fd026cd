#!/usr/bin/env bash
# Installs the Debian packages the real-database tests need (PostgreSQL 15, MariaDB 10.11) when missing.
# The tests start and stop their own server processes (tests/BulkSafety.IntegrationTests and CompatibilityTests, see docs/real-databases.md);
# nothing here starts a service. Every program the fixtures run is checked, not just one per package.
set -euo pipefail
pg=/usr/lib/postgresql/15
need=()
for tool in initdb pg_ctl pg_basebackup; do
  [ -x "$pg/bin/$tool" ] || { need+=(postgresql); break; }
done
# pg_walinspect (the WAL meter's record breakdown) ships in postgresql-15 itself on Debian 12.
[ -f "$pg/lib/pg_walinspect.so" ] || need+=(postgresql)
{ command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } || need+=(mariadb-server)
command -v mariadb-install-db >/dev/null 2>&1 || need+=(mariadb-server)
for tool in mariadb mariadb-admin; do
  command -v "$tool" >/dev/null 2>&1 || { need+=(mariadb-client); break; }
done
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${need[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
