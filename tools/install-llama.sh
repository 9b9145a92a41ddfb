#!/usr/bin/env bash
# Install llama-cpp-python, compiled from source the first time (about ten minutes on two
# cores; pip caches the wheel, later installs take seconds). Shows the compiler's progress
# instead of a silent wait; the full log is kept in .venv/llama-build.log.
#
# Built as the .deb builds it (packaging/build-deb.sh): for any x86-64 processor with AVX2,
# FMA and F16C, not for this machine's own (llama-cpp-python's default, -march=native). The
# tests and the benches then run the llama.cpp that users run, and two faults of native
# builds on Intel Xeons stay out:
# - llama.cpp's AMX kernels crash at the first decode (segfault in ggml_backend_amx_mul_mat,
#   ggml-org/llama.cpp#20824, no fix upstream);
# - with AVX-512, flash attention on the CPU is slow for small batches and for generation
#   at depth: measured there, 27 tokens read at a depth of 890 in 0.36 s native against
#   0.17 s portable, generation at 45 t/s against 73 (a 917-token prompt: 3.05 s against
#   3.21 s).
set -euo pipefail
python=$1
constraints=$2
log=.venv/llama-build.log
export CMAKE_ARGS="${CMAKE_ARGS:-} -DGGML_NATIVE=OFF"

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

native() {  # what a portable build never reports
    "$python" -c 'import llama_cpp, re, sys
info = llama_cpp.llama_print_system_info().decode()
sys.exit(re.search(r"\b(AVX512|AMX_INT8) = 1", info) is None)'
}

echo "==> llama-cpp-python (compilé depuis les sources la première fois : ~10 min sur 2 cœurs)"
install
if native; then
    # pip keys its cached wheels by the source, not by the build flags: a wheel it had kept
    # from a native build is dropped from the cache and compiled again.
    echo "    copie en cache compilée pour ce seul processeur : nouvelle compilation (portable)"
    "$python" -m pip cache remove 'llama_cpp_python*' >>"$log" 2>&1 || true
    install --force-reinstall --no-deps
    if native; then
        echo "!! llama-cpp-python est encore compilé pour ce seul processeur ; voir $log" >&2
        exit 1
    fi
fi
