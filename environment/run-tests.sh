#!/usr/bin/env bash
# Runs every test of the repository after setting the machine up. Prints "tests: N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash environment/setup.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test Notebooks.sln -c Release 2>&1 | tee "$log" || status=$?

# One closing line over every test assembly (dotnet test prints one summary per assembly).
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
if [ "$status" -ne 0 ]; then
  echo "run-tests: dotnet test exited with status $status (a failing test, or a project that did not build: see above)" >&2
fi
exit "$status"
