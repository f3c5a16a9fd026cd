#!/usr/bin/env bash
# Runs every test of the solution, real-database tests included, and ends with "N passed, N failed[, N skipped]".
# The integration tests start their own PostgreSQL 15 and MariaDB 10.11 as plain processes on 127.0.0.1;
# this script only makes sure the Debian packages are installed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-db-servers.sh || { echo "could not install the database servers"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
dotnet test BulkSafety.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one "Passed!/Failed!  - Failed: a, Passed: b, Skipped: c, Total: d" line per test assembly.
read -r passed failed skipped < <(grep -E '(Passed|Failed)!  - Failed:' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 } END { printf "%d %d %d\n", passed, failed, skipped }')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failed test (build or test-host failure): counted as one failure"
  failed=1
fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$status" -eq 0 ]
