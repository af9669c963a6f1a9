#!/usr/bin/env bash
# Smoke-tests a packaged proctor (scripts/package-linux.sh) the way a CI machine without Swift
# uses it:
#
#   scripts/check-package.sh [ARCHIVE]
#
# ARCHIVE defaults to the newest dist/proctor-*-linux-*.tar.gz. The script checks the archive
# against its .sha256 file, unpacks it into an empty temporary folder and, from a second empty
# folder with an emptied environment (env -i PATH=/usr/bin:/bin), runs the packaged executable:
# `proctor events`, `proctor check` and `proctor run` (against the built-in receiver, with a JUnit
# report) of a scenario copied out of the archive with the schemas it references, and
# `proctor emit` piped into `proctor schema validate` with a schema from the archive. It fails when the executable needs a
# Swift shared library or any of these commands fails. `.ci/run` runs it after packaging.
set -euo pipefail
cd "$(dirname "$0")/.."

archive=${1:-}
if [ -z "$archive" ]; then
  archive=$(ls -t dist/proctor-*-linux-*.tar.gz 2> /dev/null | head -1 || true)
  if [ -z "$archive" ]; then
    echo "error: no dist/proctor-*-linux-*.tar.gz; run scripts/package-linux.sh first, or pass the archive" >&2
    exit 2
  fi
fi
if [ ! -f "$archive" ]; then
  echo "error: $archive is not a file" >&2
  exit 2
fi
archive=$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "== check-package: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }

step "checksum of $(basename "$archive")"
[ -f "$archive.sha256" ] || fail "no $archive.sha256 beside the archive"
(cd "$(dirname "$archive")" && sha256sum -c "$(basename "$archive").sha256") || fail "checksum mismatch"

step "unpacking into an empty folder"
mkdir "$work/unpacked" "$work/run"
tar -xzf "$archive" -C "$work/unpacked"
folders=("$work"/unpacked/*)
[ "${#folders[@]}" -eq 1 ] && [ -d "${folders[0]}" ] || fail "the archive should hold exactly one folder"
package=${folders[0]}
for entry in proctor README.md BUILD-INFO Scenarios/testlify-candidate-completes.yaml Schemas/testlify; do
  [ -e "$package/$entry" ] || fail "the archive has no $(basename "$package")/$entry"
done
proctor=$package/proctor
[ -x "$proctor" ] || fail "$proctor is not executable"

step "shared libraries"
libraries=$(ldd "$proctor") || fail "ldd cannot read $proctor"
echo "$libraries" | sed 's/^/   /'
if grep -Eq 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime|not found' <<< "$libraries"; then
  fail "the executable needs a Swift library or a library that is missing"
fi

# Every command runs from an empty folder, with nothing from this environment (no PROCTOR_*,
# no toolchain on PATH), so it cannot lean on the repository or the build.
bare() { (cd "$work/run" && env -i PATH=/usr/bin:/bin "$@"); }

step "proctor events"
events=$(bare "$proctor" events) || fail "proctor events exited $?"
grep -q testlify <<< "$events" || fail "proctor events does not list testlify:
$events"

step "proctor check and run of a shipped scenario, against the built-in receiver"
# The scenarios point at contracts in ../Schemas/: copied out together, they still resolve.
cp -R "$package/Scenarios" "$package/Schemas" "$work/run/"
scenario=Scenarios/testlify-candidate-completes.yaml
bare "$proctor" check "$scenario" || fail "proctor check $scenario exited $?"
output=$(bare "$proctor" run "$scenario" --time-scale 0.001 --report junit=reports/proctor.xml 2>&1) \
  || fail "proctor run exited $?:
$output"
echo "$output" | sed 's/^/   /'
grep -q '^PASS' <<< "$output" || fail "proctor run did not end with PASS"
grep -q '<testsuites' "$work/run/reports/proctor.xml" || fail "no JUnit report in reports/proctor.xml"

step "proctor emit | proctor schema validate, with a shipped schema"
bare bash -c "set -o pipefail; '$proctor' emit testlify candidate.completed \
  | '$proctor' schema validate Schemas/testlify/candidate.completed.schema.json -" \
  || fail "the emitted candidate.completed does not validate against the shipped schema"

step "OK: $(basename "$archive") ($(du -h "$archive" | cut -f1)) runs without Swift; $(head -1 "$package/BUILD-INFO")"
