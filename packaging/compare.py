"""Compare two builds of the package: which .deb members and which installed files differ.

Usage: compare.py DIR_ONE DIR_TWO > packaging/reproducibility.md
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

_BUILD_PATH = (
    "llama.cpp compiled in pip's random temporary folder, whose path `__FILE__` puts in the "
    "library (assertion messages)"
)
EXPLAINED = {
    "base_library.zip": "PyInstaller's archive of the standard library (.pyc with build paths)",
    "PYZ": "PyInstaller's archive of the application's modules",
    "hospidesk": "the PyInstaller executable (embeds the PYZ archive's table)",
    "libggml": _BUILD_PATH,
    "libllama": _BUILD_PATH,
    "libmtmd": _BUILD_PATH,
}


def files(root: Path) -> dict[str, str]:
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def extract(deb: Path, into: Path) -> None:
    subprocess.run(["dpkg-deb", "-R", str(deb), str(into)], check=True)


def main() -> int:
    one, two = Path(sys.argv[1]), Path(sys.argv[2])
    (deb_one,), (deb_two,) = sorted(one.glob("*.deb")), sorted(two.glob("*.deb"))
    same_deb = deb_one.read_bytes() == deb_two.read_bytes()
    lines = [
        "# Reproducibility of the package",
        "",
        "Two builds of the same commit on the same machine (`make package-compare`, same",
        "SOURCE_DATE_EPOCH); the second from nothing: a new build environment installed again",
        "from `requirements/lock.txt`, new PyInstaller work folders.",
        "",
        f"- `{deb_one.name}`: {'identical, byte for byte' if same_deb else 'different'} "
        f"(sha256 {hashlib.sha256(deb_one.read_bytes()).hexdigest()[:16]}… and "
        f"{hashlib.sha256(deb_two.read_bytes()).hexdigest()[:16]}…).",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a", Path(tmp) / "b"
        extract(deb_one, a)
        extract(deb_two, b)
        fa, fb = files(a), files(b)
    differing = sorted(k for k in fa.keys() & fb.keys() if fa[k] != fb[k])
    only = sorted(fa.keys() ^ fb.keys())
    lines.append(
        f"- Installed files: {len(fa)}; identical: {len(fa) - len(differing) - len(only)}; "
        f"different: {len(differing)}; present in one build only: {len(only)}."
    )
    if differing or only:
        lines += ["", "| file | why it differs |", "| --- | --- |"]
        for name in differing + only:
            why = next((v for k, v in EXPLAINED.items() if Path(name).name.startswith(k)), "")
            if name.endswith("md5sums"):
                why = "the checksums of the files above"
            lines.append(f"| `{name}` | {why or 'to investigate'} |")
    lines += [
        "",
        "Everything but llama.cpp comes from hash-pinned wheels, file times are",
        "SOURCE_DATE_EPOCH, and dpkg-deb writes owners as root and members in a fixed order.",
        "llama.cpp is compiled from the locked source for a portable CPU baseline in each build",
        "environment (packaging/build-deb.sh), inside a temporary folder with a random name that",
        "ends up in the libraries through `__FILE__`. To make them identical too: build the",
        "wheel once in a fixed folder (scikit-build-core's build-dir and `-ffile-prefix-map`),",
        "then install that wheel; another compiler version will still give other bytes.",
        "",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
