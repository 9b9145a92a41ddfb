"""llama-cpp-python's OpenAI-compatible server, with every request body logged (for tests).

Usage: logged_llama_server.py MODEL PORT LOG [API_KEY]
Serves MODEL as « smollm2-demo » on 127.0.0.1:PORT and appends each request's method, path
and body to LOG (one JSON object per line), so that a test can read what left the client.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uvicorn
from llama_cpp.server.app import create_app
from llama_cpp.server.settings import ModelSettings, ServerSettings
from starlette.requests import Request


def main() -> int:
    model, port, log = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    api_key = sys.argv[4] if len(sys.argv) > 4 else None
    server = ServerSettings(host="127.0.0.1", port=port, api_key=api_key, interrupt_requests=False)
    app = create_app(
        server_settings=server,
        model_settings=[
            ModelSettings(
                model=model,
                model_alias="smollm2-demo",
                n_ctx=4096,
                n_threads=2,
                flash_attn=True,
                verbose=False,
            )
        ],
    )

    @app.middleware("http")
    async def log_bodies(request: Request, call_next):  # type: ignore[no-untyped-def]
        body = await request.body()
        with log.open("a", encoding="utf-8") as out:
            entry = {"method": request.method, "path": request.url.path}
            entry["body"] = body.decode("utf-8", "replace")
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return await call_next(request)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
