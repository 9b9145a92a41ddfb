"""Models of the 1B, 3B and 8B classes for speed measurements, with random weights.

Usage: synthetic_models.py FOLDER [1b 3b 8b]

llama.cpp's speed depends on a model's shapes and weight format, not on the weights' values.
No 1B, 3B or 8B model can be downloaded on the development machine, so this writes GGUF
files with the exact shapes of Llama 3.2 1B, Llama 3.2 3B and Llama 3.1 8B (layers, widths,
heads, grouped-query attention, a 128,256-token vocabulary), every matrix in Q4_K (the size
class of the usual Q4_K_M downloads), norms in F32, and random quantized blocks. They load
and run in llama.cpp like the real ones (llama-bench feeds random tokens anyway); their text
is noise. Bench-only: written under bench/.build/, never shipped, never given to the app.

The GGUF writer is gguf-py from the llama.cpp source that llama-cpp-python vendors
(bench/build-llama-bench.sh downloads it), so the format is the one the engine reads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
VENDORED = sorted((HERE / ".build").glob("src-*/vendor/llama.cpp/gguf-py"))


@dataclass(frozen=True)
class Shape:
    name: str
    layers: int
    width: int
    ffn: int
    heads: int
    kv_heads: int
    tied: bool  # output projection shares the token embeddings (1B and 3B)
    vocab: int = 128256
    context: int = 131072


SHAPES = {
    "1b": Shape(
        "llama-3.2-1b-shape", layers=16, width=2048, ffn=8192, heads=32, kv_heads=8, tied=True
    ),
    "3b": Shape(
        "llama-3.2-3b-shape", layers=28, width=3072, ffn=8192, heads=24, kv_heads=8, tied=True
    ),
    "8b": Shape(
        "llama-3.1-8b-shape", layers=32, width=4096, ffn=14336, heads=32, kv_heads=8, tied=False
    ),
}
BLOCK_VALUES, BLOCK_BYTES = 256, 144  # Q4_K: d, dmin (fp16), 12 scale bytes, 128 nibble bytes


def q4k_pool(max_bytes: int, rng: np.random.Generator) -> np.ndarray:
    """Random Q4_K blocks with small, finite block scales (so activations stay finite)."""
    blocks = rng.integers(0, 256, size=(max_bytes // BLOCK_BYTES, BLOCK_BYTES), dtype=np.uint8)
    blocks[:, 0:2] = np.frombuffer(np.float16(0.002).tobytes(), dtype=np.uint8)
    blocks[:, 2:4] = np.frombuffer(np.float16(0.001).tobytes(), dtype=np.uint8)
    return blocks.reshape(-1)


def write(shape: Shape, path: Path) -> None:
    sys.path.insert(0, str(VENDORED[-1]))
    import gguf

    head = shape.width // shape.heads
    kv = head * shape.kv_heads
    matrices = {"token_embd.weight": (shape.vocab, shape.width)}  # (rows, input width)
    if not shape.tied:
        matrices["output.weight"] = (shape.vocab, shape.width)
    for n in range(shape.layers):
        matrices |= {
            f"blk.{n}.attn_q.weight": (shape.width, shape.width),
            f"blk.{n}.attn_k.weight": (kv, shape.width),
            f"blk.{n}.attn_v.weight": (kv, shape.width),
            f"blk.{n}.attn_output.weight": (shape.width, shape.width),
            f"blk.{n}.ffn_gate.weight": (shape.ffn, shape.width),
            f"blk.{n}.ffn_up.weight": (shape.ffn, shape.width),
            f"blk.{n}.ffn_down.weight": (shape.width, shape.ffn),
        }
    largest = max(rows * cols for rows, cols in matrices.values()) // BLOCK_VALUES * BLOCK_BYTES
    pool = q4k_pool(largest, np.random.default_rng(7))

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(shape.name)
    writer.add_context_length(shape.context)
    writer.add_embedding_length(shape.width)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.ffn)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(head)
    writer.add_rope_freq_base(500000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(shape.vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_K_S)
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    types += [gguf.TokenType.BYTE] * 256
    tokens += [f"t{n}" for n in range(shape.vocab - len(tokens))]
    types += [gguf.TokenType.NORMAL] * (shape.vocab - len(types))
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([-float(n) for n in range(shape.vocab)])
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)

    ones = np.ones(shape.width, dtype=np.float32)
    writer.add_tensor("output_norm.weight", ones)
    for n in range(shape.layers):
        writer.add_tensor(f"blk.{n}.attn_norm.weight", ones)
        writer.add_tensor(f"blk.{n}.ffn_norm.weight", ones)
    for name, (rows, cols) in matrices.items():
        row_bytes = cols // BLOCK_VALUES * BLOCK_BYTES
        data = pool[: rows * row_bytes].reshape(rows, row_bytes)
        writer.add_tensor(name, data, raw_dtype=gguf.GGMLQuantizationType.Q4_K)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> int:
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    if not VENDORED:
        raise SystemExit("run bench/build-llama-bench.sh first (it fetches llama.cpp's source)")
    for key in sys.argv[2:] or list(SHAPES):
        path = folder / f"{SHAPES[key].name}-q4_k.gguf"
        if not path.exists():
            partial = path.with_suffix(".partial")
            write(SHAPES[key], partial)
            partial.replace(path)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
