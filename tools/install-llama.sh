#!/usr/bin/env bash
# Install llama-cpp-python, compiled from source the first time (about ten minutes on two
# cores; pip caches the wheel, later installs take seconds). Shows the compiler's progress
# instead of a silent wait; the full log is kept in .venv/llama-build.log.
#
# Built for this machine's processor (llama.cpp's default), but without llama.cpp's AMX
# kernels: on Intel Xeon processors that have AMX (Sapphire Rapids and newer) they crash at
# the first decode (segfault in ggml_backend_amx_mul_mat, ggml-org/llama.cpp#20824, no fix
# upstream). Undefining the macro that guards them keeps every other instruction set
# (AVX-512 included). The .deb builds its own portable copy (packaging/build-deb.sh).
set -euo pipefail
python=$1
constraints=$2
log=.venv/llama-build.log
export CMAKE_ARGS="${CMAKE_ARGS:-} -DCMAKE_C_FLAGS=-U__AMX_INT8__ -DCMAKE_CXX_FLAGS=-U__AMX_INT8__"

install() {
    "$python" -m pip install -v -c "$constraints" "$@" llama-cpp-python >"$log" 2>&1 &
    local pid=$! last="" step
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
}

has_amx() {
    "$python" -c 'import llama_cpp, sys; sys.exit("AMX_INT8 = 1" not in llama_cpp.llama_print_system_info().decode())'
}

echo "==> llama-cpp-python (compilé depuis les sources la première fois : ~10 min sur 2 cœurs)"
install
if has_amx; then
    # A wheel pip had cached from a build with AMX: dropped from the cache, compiled again.
    echo "    copie en cache compilée avec AMX (plante sur ce processeur) : nouvelle compilation"
    "$python" -m pip cache remove 'llama_cpp_python*' >>"$log" 2>&1 || true
    install --force-reinstall --no-deps
    if has_amx; then
        echo "!! llama-cpp-python est encore compilé avec AMX ; voir $log" >&2
        exit 1
    fi
fi
