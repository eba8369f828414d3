#!/usr/bin/env bash
# Runs every test (unit, property, integration against the real nix-store, browser) and the
# format check (.editorconfig's conventions), and ends with one line "N passed, N failed, N
# skipped"; a format violation counts as one failure. Installs the Debian packages the tests
# need (.ci/packages.txt) when run as root; otherwise names the command that does.
set -uo pipefail
cd "$(dirname "$0")"

# The Debian packages the tests need (.ci/packages.txt): installed when missing, as root;
# otherwise the one command that installs them is printed.
packages=$(sed -e 's/#.*//' .ci/packages.txt | tr -s ' \t' '\n' | grep -v '^$')
missing=()
for package in $packages; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" = installed ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the tests need Debian packages that are not installed; run:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "==> installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "apt-get could not install ${missing[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet build QiTech.Os.slnx -c Release --nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
if [ $# -gt 0 ]; then
  dotnet test QiTech.Os.slnx -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results" "$@"
  status=$?
else
  # The VM suite (one machine's life under TCG, half an hour) runs after the rest and alone:
  # beside the other tests its guests would share two cores with them.
  dotnet test QiTech.Os.slnx -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results" --filter "FullyQualifiedName!~QiTech.Os.Tests.Vm."
  status=$?
  dotnet test tests/QiTech.Os.Tests/QiTech.Os.Tests.csproj -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results" --filter "FullyQualifiedName~QiTech.Os.Tests.Vm."
  vm_status=$?
  [ "$vm_status" -eq 0 ] || status=$vm_status
fi
format_failed=0
if ! dotnet format QiTech.Os.slnx --verify-no-changes --no-restore; then
  echo "dotnet format: the code does not follow .editorconfig (run 'dotnet format QiTech.Os.slnx')" >&2
  format_failed=1
  status=1
fi
passed=0; failed=$format_failed; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  p=$(grep -o 'passed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*'); passed=$((passed + ${p:-0}))
  x=$(grep -o 'failed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*'); failed=$((failed + ${x:-0}))
  # A skipped test is counted in total but not in executed.
  t=$(grep -o ' total="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*'); e=$(grep -o ' executed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*')
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
