"""The baseline: the same prompts through a plain llama-cpp-python script, no HospiDesk.

Usage (from bench/run.py): raw_llama.py MODEL THREADS N_CTX MAX_TOKENS < cases.json
Prints one JSON list: per case, seconds to the first token, total seconds, tokens generated
and prompt tokens.
"""

from __future__ import annotations

import json
import sys
import time

from llama_cpp import Llama


def main() -> int:
    path, threads, n_ctx, max_tokens = sys.argv[1], *map(int, sys.argv[2:5])
    cases = json.loads(sys.stdin.read())
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
    results = []
    for system, user in cases:
        llm.reset()
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        start = time.monotonic()
        first = None
        count = 0
        for chunk in llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=0.0,
            seed=7,
            stream=True,
        ):
            if chunk["choices"][0].get("delta", {}).get("content"):  # type: ignore[index, union-attr]
                if first is None:
                    first = time.monotonic() - start
                count += 1
        results.append(
            {
                "first": first,
                "total": time.monotonic() - start,
                "tokens": count,
                "prompt": int(llm.n_tokens) - count,
            }
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
