#!/usr/bin/env bash
# Builds a self-contained Linux proctor (release, Swift standard library and Foundation linked
# statically) and packages it for CI machines that have no Swift toolchain:
#
#   scripts/package-linux.sh [OUT_DIR]
#
# Writes OUT_DIR/proctor-VERSION-linux-ARCH.tar.gz (default OUT_DIR: dist) and its SHA-256 in
# OUT_DIR/proctor-VERSION-linux-ARCH.tar.gz.sha256 (`sha256sum -c` format). The archive holds one
# folder, proctor-VERSION-linux-ARCH/, with:
#
#   proctor     the executable; it reads no files of its own at run time (the vendors' reference
#               examples and the JSON Schema meta-schemas are embedded in it)
#   Scenarios/  the shipped scenarios, to run or copy
#   Schemas/    the vendors' payload schemas and the scenario schema (`proctor schema validate`)
#   README.md, BUILD-INFO (version, commit, Swift version, build date, the shared libraries the
#               executable still loads)
#
# VERSION is $PROCTOR_VERSION when set, else `git describe --tags --always --dirty`, else "dev".
# The build goes to .build-release (override with PROCTOR_SCRATCH_PATH), apart from the debug
# build in .build, so the two do not invalidate each other. The script fails when the executable
# needs a Swift shared library (libswift*.so, libFoundation*.so): then it would not run without a
# toolchain. See docs/ci.md.
set -euo pipefail
cd "$(dirname "$0")/.."

out_dir=${1:-dist}
scratch=${PROCTOR_SCRATCH_PATH:-.build-release}

if [ "$(uname -s)" != Linux ]; then
  echo "error: scripts/package-linux.sh builds a Linux binary and runs on Linux only (this is $(uname -s))" >&2
  exit 2
fi
for tool in swift tar sha256sum ldd; do
  if ! command -v "$tool" > /dev/null; then
    echo "error: scripts/package-linux.sh needs '$tool' on PATH" >&2
    exit 2
  fi
done

version=${PROCTOR_VERSION:-$(git describe --tags --always --dirty 2> /dev/null || echo dev)}
arch=$(uname -m)
name="proctor-${version}-linux-${arch}"

echo "== building proctor $version (release, --static-swift-stdlib) into $scratch"
start=$(date +%s)
swift build -c release --static-swift-stdlib --product proctor --scratch-path "$scratch"
build_seconds=$(( $(date +%s) - start ))
binary="$(swift build -c release --static-swift-stdlib --product proctor --scratch-path "$scratch" --show-bin-path)/proctor"
if [ ! -x "$binary" ]; then
  echo "error: the build did not produce $binary" >&2
  exit 1
fi

# What the executable still loads at run time: the C library and friends, never Swift's own.
libraries=$(ldd "$binary" | awk '{ print $1 }' | sort)
if swift_libs=$(grep -E '^lib(swift|Foundation|FoundationEssentials|FoundationInternationalization|_FoundationICU|dispatch|BlocksRuntime)' <<< "$libraries"); then
  echo "error: $binary still needs Swift shared libraries, so it would not run without a toolchain:" >&2
  echo "$swift_libs" >&2
  exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/proctor"
strip "$stage/$name/proctor" 2> /dev/null || echo "note: strip failed or is missing; the executable keeps its symbols" >&2
cp -R Scenarios Schemas README.md "$stage/$name/"
[ -f LICENSE ] && cp LICENSE "$stage/$name/"
{
  echo "version: $version"
  echo "commit: $(git rev-parse HEAD 2> /dev/null || echo unknown)"
  echo "swift: $(swift --version 2>&1 | head -1)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -sm)"
  echo "shared libraries (ldd):"
  sed 's/^/  /' <<< "$libraries"
} > "$stage/$name/BUILD-INFO"

mkdir -p "$out_dir"
archive="$out_dir/$name.tar.gz"
tar -C "$stage" -czf "$archive" --owner=0 --group=0 "$name"
(cd "$out_dir" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

size() { du -h "$1" | cut -f1; }
echo "== $archive ($(size "$archive")); executable $(size "$stage/$name/proctor") stripped, built in ${build_seconds}s"
echo "== shared libraries it loads:"
sed 's/^/   /' <<< "$libraries"
echo "$archive"
