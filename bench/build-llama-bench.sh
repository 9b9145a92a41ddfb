#!/usr/bin/env bash
# Build llama.cpp's own `llama-bench` (or, with --server, `llama-server`) from the llama.cpp
# source that the installed llama-cpp-python vendors (same version, the same compiler flags as
# tools/install-llama.sh: portable, GGML_NATIVE=OFF), for bench/run.py and bench/server_load.py.
# Bench-only: the app never runs it. The binary is cached in bench/.build/ (ignored by git);
# the first build takes about ten minutes on two cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${1:-$here/../.venv/bin/python}
target=llama-bench
server=OFF
if [[ "${2:-}" == "--server" ]]; then  # llama.cpp's own server, for bench/server_load.py
    target=llama-server
    server=ON
fi
version=$("$python" -c 'import llama_cpp; print(llama_cpp.__version__)')
build=$here/.build/llama-cpp-python-$version-portable
binary=$build/bin/$target
if [[ -x "$binary" ]]; then
    echo "$binary"
    exit 0
fi
mkdir -p "$here/.build"
src=$here/.build/src-$version
if [[ ! -d "$src" ]]; then
    echo "==> llama-cpp-python $version: source distribution (PyPI)" >&2
    "$python" -m pip download --no-deps --no-binary :all: \
        "llama_cpp_python==$version" -d "$here/.build/sdist" >&2
    mkdir -p "$src"
    tar -xzf "$here/.build/sdist/llama_cpp_python-$version.tar.gz" -C "$src" --strip-components=1
fi
echo "==> $target from $src/vendor/llama.cpp (about ten minutes the first time)" >&2
cmake -S "$src/vendor/llama.cpp" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=$server \
    -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF >&2
cmake --build "$build" --target "$target" -j "$(nproc)" >&2
echo "$binary"
