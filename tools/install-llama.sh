#!/usr/bin/env bash
# Install llama-cpp-python, compiled from source the first time (about ten minutes on two
# cores; pip caches the wheel, later installs take seconds). Shows the compiler's progress
# instead of a silent wait; the full log is kept in .venv/llama-build.log.
set -euo pipefail
python=$1
constraints=$2
log=.venv/llama-build.log
echo "==> llama-cpp-python (compilé depuis les sources la première fois : ~10 min sur 2 cœurs)"
"$python" -m pip install -v -c "$constraints" llama-cpp-python >"$log" 2>&1 &
pid=$!
last=""
while kill -0 "$pid" 2>/dev/null; do
    step=$(grep -oE '\[[0-9]+/[0-9]+\]' "$log" | tail -1 || true)
    if [[ -n "$step" && "$step" != "$last" ]]; then
        printf '    compilation de llama.cpp %s\n' "$step"
        last=$step
    fi
    sleep 5
done
if ! wait "$pid"; then
    echo "!! Échec de l'installation de llama-cpp-python ; fin du journal ($log) :" >&2
    tail -40 "$log" >&2
    exit 1
fi
grep -E '^(Successfully installed|Using cached|Created wheel)' "$log" | sed 's/^/    /' || true
