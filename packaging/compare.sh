#!/usr/bin/env bash
# make package-compare: build the package twice from the same commit and report what differs
# (packaging/reproducibility.md). The second build starts from nothing: a new build
# environment installed again from the lock files, new PyInstaller work folders.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
packaging/build-deb.sh "$tmp/one" >/dev/null
rm -rf build/package
packaging/build-deb.sh "$tmp/two" >/dev/null
python3 packaging/compare.py "$tmp/one" "$tmp/two" >packaging/reproducibility.md
cat packaging/reproducibility.md
