#!/usr/bin/env bash
# Runs every test (unit, property, integration against the real nix-store, browser) and the
# format check (.editorconfig's conventions), and ends with one line "N passed, N failed"; a
# format violation counts as one failure.
set -uo pipefail
cd "$(dirname "$0")"
results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet build QiTech.Os.slnx -c Release --nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet test QiTech.Os.slnx -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" "$@"
status=$?
format_failed=0
if ! dotnet format QiTech.Os.slnx --verify-no-changes --no-restore; then
  echo "dotnet format: the code does not follow .editorconfig (run 'dotnet format QiTech.Os.slnx')" >&2
  format_failed=1
  status=1
fi
passed=0; failed=$format_failed
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  p=$(grep -o 'passed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*'); passed=$((passed + ${p:-0}))
  x=$(grep -o 'failed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*'); failed=$((failed + ${x:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
