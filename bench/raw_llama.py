"""The baseline: the same prompts through a plain llama-cpp-python script, no HospiDesk.

Usage (from bench/run.py): raw_llama.py MODEL THREADS N_CTX MAX_TOKENS
Loads the model once, then reads one case per line on stdin (a JSON list [system, user]) and
answers each with one JSON line: seconds to the first token, total seconds, tokens generated
and prompt tokens. One case at a time, so that bench/run.py can interleave this path with the
engine and llama-bench round by round.
"""

from __future__ import annotations

import json
import sys
import time

from llama_cpp import Llama


def main() -> int:
    path, threads, n_ctx, max_tokens = sys.argv[1], *map(int, sys.argv[2:5])
    llm = Llama(
        model_path=path,
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=512,
        n_gpu_layers=0,
        use_mmap=True,
        flash_attn=True,  # the same settings as the engine (engine/worker.py)
        verbose=False,
    )
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        system, user = json.loads(line)
        llm.reset()
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        start = time.monotonic()
        first = None
        count = 0
        for chunk in llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=0.0,
            top_p=0.9,  # the engine's sampling (engine/protocol.py, Generate)
            repeat_penalty=1.1,
            seed=7,
            stream=True,
        ):
            if chunk["choices"][0].get("delta", {}).get("content"):  # type: ignore[index, union-attr]
                if first is None:
                    first = time.monotonic() - start
                count += 1
        result = {
            "first": first,
            "total": time.monotonic() - start,
            "tokens": count,
            "prompt": int(llm.n_tokens) - count,
        }
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
