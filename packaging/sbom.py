"""Complete the CycloneDX SBOM of the Python packages with what else the build ships.

Usage: sbom.py PYTHON_SBOM.json MODEL.gguf APP_FOLDER > sbom.cdx.json

cyclonedx-py lists the locked Python packages (with their hashes); this adds the Python
runtime, llama.cpp (the version llama-cpp-python vendors), Qt (inside PySide6), the embedded
model with its sha256, and the packs and catalog, and makes the document reproducible: the
serial number is derived from the content and the timestamp from SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import sys
import uuid
from pathlib import Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    sbom = json.loads(Path(sys.argv[1]).read_text())
    model, app = Path(sys.argv[2]), Path(sys.argv[3])
    import llama_cpp
    from PySide6 import QtCore

    extra = [
        {"type": "application", "name": "CPython", "version": platform.python_version()},
        {
            "type": "library",
            "name": "llama.cpp",
            "version": f"vendored by llama-cpp-python {llama_cpp.__version__}",
            "properties": [
                {"name": "build", "value": "GGML_NATIVE=OFF: x86-64 with AVX2, FMA, F16C"}
            ],
        },
        {"type": "framework", "name": "Qt", "version": QtCore.qVersion()},
        {
            "type": "machine-learning-model",
            "name": model.name,
            "description": "embedded default model (SmolLM2-135M-Instruct Q4_1, Apache-2.0)",
            "hashes": [{"alg": "SHA-256", "content": sha256(model)}],
        },
        {
            "type": "data",
            "name": "catalog.toml",
            "hashes": [
                {
                    "alg": "SHA-256",
                    "content": sha256(app / "_internal/hospidesk/_shipped/models/catalog.toml"),
                }
            ],
        },
    ]
    for item in extra:
        item["bom-ref"] = f"hospidesk-extra:{item['name']}"
    sbom["components"] = sbom.get("components", []) + extra
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    metadata = sbom.setdefault("metadata", {})
    metadata["timestamp"] = datetime.datetime.fromtimestamp(epoch, datetime.UTC).isoformat()
    metadata["component"] = {"type": "application", "name": "hospidesk", "bom-ref": "hospidesk"}
    sbom.pop("serialNumber", None)
    body = json.dumps(sbom, sort_keys=True).encode()
    sbom["serialNumber"] = f"urn:uuid:{uuid.UUID(hashlib.sha256(body).hexdigest()[:32])}"
    json.dump(sbom, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
