"""The worker's llama.cpp, through its C API (engine/native.py, engine/sampling.py), with the
real demo model. Nothing here asserts what the model writes: only what holds for any output
(a grammar's JSON, a forbidden end, the tokens held, a stop)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from hospidesk.engine import native, sampling
from hospidesk.engine.protocol import GenerationOptions
from hospidesk.engine.sampling import Completion, GrammarError, Sampling, json_grammar

pytestmark = pytest.mark.model

MESSAGES = [
    {"role": "system", "content": "Tu es l'assistant du secrétariat. Réponds en français."},
    {"role": "user", "content": "Rédige une phrase pour M. Lefèvre, né le 03/02/1951 : « été »."},
]


@pytest.fixture(scope="module")
def model(demo_model: Path) -> Iterator[native.Model]:
    loaded = native.Model(str(demo_model), native.Settings(n_ctx=1024, n_threads=2, n_batch=64))
    yield loaded
    loaded.close()


def held_by_llama_cpp(model: native.Model) -> int:
    """How many positions llama.cpp's memory holds (not our list of them)."""
    memory = model.api.llama_get_memory(model.ctx)
    return int(model.api.llama_memory_seq_pos_max(memory, 0)) + 1


def test_the_worker_imports_no_numpy_jinja2_or_diskcache(demo_model: Path) -> None:
    script = (
        "import sys\n"
        "from hospidesk.engine import native, sampling, worker\n"
        f"m = native.Model({str(demo_model)!r}, native.Settings(512, 1, 64))\n"
        "m.chat_tokens([{'role': 'user', 'content': 'Bonjour'}])\n"
        'sampling.json_grammar(\'{"type": "string"}\')\n'
        "heavy = [n for n in ('numpy', 'jinja2', 'diskcache') if n in sys.modules]\n"
        "import llama_cpp\n"  # the whole package still imports after, with the same C API
        "print(heavy, hasattr(llama_cpp, 'Llama'), llama_cpp.llama_cpp is native.binding())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["[]", "True", "True"]


def test_version_is_the_installed_one() -> None:
    assert native.version() == metadata.version("llama_cpp_python")


def test_chat_tokens_are_llama_cpp_pythons_rendering_of_the_gguf_template(
    model: native.Model,
) -> None:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    assert model.template is not None
    specials = model.specials
    reference = Jinja2ChatFormatter(model.template, specials["eos_token"], specials["bos_token"])
    # The app's prompts always start with the task's instructions (a system message): the
    # template's default system message, when there is none, is not llama.cpp's to add.
    for messages in (MESSAGES, [*MESSAGES, {"role": "assistant", "content": "Oui."}, MESSAGES[1]]):
        text = reference(messages=messages).prompt
        assert model.chat_tokens(messages) == model.tokenize(text)


def test_pieces_give_back_the_text_byte_for_byte(model: native.Model) -> None:
    text = "Madame, l'été à l'hôpital : 37,5 °C — ça va."
    tokens = model.tokenize(text)
    assert b"".join(model.piece(t) for t in tokens).decode("utf-8").strip() == text


def test_read_keeps_what_is_held_and_reads_the_rest(model: native.Model) -> None:
    tokens = model.chat_tokens(MESSAGES)
    model.read(tokens[:10])
    seen: list[int] = []
    model.read(tokens, progress=seen.append)
    assert model.held == tokens
    assert held_by_llama_cpp(model) == len(tokens)
    assert seen[-1] == len(tokens) and seen[0] == min(10 + 64, len(tokens))  # batches of 64
    other = model.tokenize("Un autre texte")
    model.read(tokens[:5] + other)
    assert model.held == tokens[:5] + other
    assert held_by_llama_cpp(model) == 5 + len(other)


def test_a_stop_leaves_only_whole_batches(model: native.Model) -> None:
    tokens = model.chat_tokens([{"role": "user", "content": "mot " * 150}])
    model.keep(0)
    asked_after_first_batch = 0

    def stop() -> bool:
        nonlocal asked_after_first_batch
        if model.held:
            asked_after_first_batch += 1
        # past the check between batches: llama.cpp asks during the second batch's graph
        return asked_after_first_batch > 5

    with pytest.raises(native.Stopped):
        model.read(tokens, stop)
    assert asked_after_first_batch > 5
    assert 0 < len(model.held) < len(tokens)
    assert len(model.held) % 64 == 0
    assert model.held == tokens[: len(model.held)]
    assert held_by_llama_cpp(model) == len(model.held)


def test_a_read_in_smaller_batches_keeps_each_one_when_stopped(model: native.Model) -> None:
    tokens = model.chat_tokens([{"role": "user", "content": "mot " * 150}])
    model.keep(0)
    batches: list[int] = []

    def stop() -> bool:  # true once two batches are read: the third is never begun
        return len(batches) >= 2

    with pytest.raises(native.Stopped):
        model.read(tokens, stop, progress=batches.append, batch=16)
    assert batches == [16, 32]
    assert model.held == tokens[:32]
    assert held_by_llama_cpp(model) == 32
    model.read(tokens)  # the rest, on from what was kept
    assert model.held == tokens
    assert held_by_llama_cpp(model) == len(tokens)


def test_a_saved_state_brings_back_its_tokens(model: native.Model, tmp_path: Path) -> None:
    first = model.chat_tokens(MESSAGES)
    model.keep(0)
    model.read(first)
    saved = tmp_path / "etat.kv"
    assert model.save_state(saved)
    assert 0 < saved.stat().st_size <= model.state_size() + 4 * len(first) + 64
    model.read(model.tokenize("Tout autre chose, plus long que le début commun."))
    model.load_state(saved, first)
    assert model.held == first
    assert held_by_llama_cpp(model) == len(first)
    with pytest.raises(RuntimeError):  # the file holds other tokens
        model.load_state(saved, [*first[:-1], first[-1] + 1])
    assert model.held == []
    assert held_by_llama_cpp(model) == 0
    saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(RuntimeError):  # cut short
        model.load_state(saved, first)
    assert model.held == []
    assert held_by_llama_cpp(model) == 0


def test_a_forbidden_end_writes_max_tokens(model: native.Model) -> None:
    tokens = model.chat_tokens(MESSAGES)
    completion = Completion(model, tokens, Sampling(GenerationOptions(24), banned=model.ends()))
    assert isinstance("".join(completion), str)
    assert completion.finish_reason == "length"
    assert completion.generated == 24
    assert model.held[: len(tokens)] == tokens
    assert len(model.held) == len(tokens) + 24


def test_a_grammar_gives_json_of_the_schema(model: native.Model) -> None:
    schema = {
        "type": "object",
        "properties": {"urgence": {"enum": ["oui", "non"]}, "service": {"enum": ["cardio"]}},
        "required": ["urgence", "service"],
    }
    grammar = json_grammar(json.dumps(schema))
    for temperature in (0.0, 0.8):
        completion = Completion(
            model,
            model.chat_tokens(MESSAGES),
            Sampling(GenerationOptions(200, temperature, seed=3), grammar=grammar),
        )
        answer = json.loads("".join(completion))
        assert completion.finish_reason == "stop"
        assert answer["urgence"] in {"oui", "non"}
        assert answer["service"] == "cardio"


def test_a_refused_token_is_drawn_again_among_the_likeliest_or_the_whole_vocabulary(
    model: native.Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A letter no model begins its answer with: the first token drawn is refused. Among the
    1,024 likeliest, or, when only the likeliest one is looked at (the refused one), among
    the whole vocabulary: the text follows the grammar either way."""
    grammar = 'root ::= "Жирафе " [0-9] [0-9]'
    for among in (sampling.REDRAW_AMONG, 1):
        monkeypatch.setattr(sampling, "REDRAW_AMONG", among)
        options = GenerationOptions(32, temperature=0.0)
        completion = Completion(model, model.chat_tokens(MESSAGES), Sampling(options, grammar))
        assert re.fullmatch("Жирафе [0-9]{2}", "".join(completion))
        assert completion.redrawn >= 1
        if among == 1:
            assert completion.widened == completion.redrawn


def test_bad_schemas_and_grammars_are_refused_clearly(model: native.Model) -> None:
    with pytest.raises(GrammarError):
        json_grammar("{ pas du JSON")
    completion = Completion(
        model, model.chat_tokens(MESSAGES), Sampling(GenerationOptions(16), grammar="root ::= (")
    )
    with pytest.raises(GrammarError):
        list(completion)


def test_too_long_prompts_are_refused_before_reading(model: native.Model) -> None:
    model.keep(0)
    tokens = model.tokenize("mot " * 1100)
    assert len(tokens) >= model.n_ctx
    with pytest.raises(native.TooLong):
        Completion(model, tokens, Sampling(GenerationOptions(8)))
    with pytest.raises(native.TooLong):
        model.read(tokens)
    assert model.held == []


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "modele.gguf"
    fake.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError):
        native.Model(str(fake), native.Settings(512, 1, 64))


def test_a_prompt_read_to_its_end_is_sampled_without_reading_again(
    model: native.Model, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tokens = model.chat_tokens(MESSAGES)
    decoded: list[int] = []
    decode = model.decode

    def counted(batch: list[int], *args: object) -> None:
        decoded.append(len(batch))
        decode(batch)

    monkeypatch.setattr(model, "decode", counted)
    model.keep(0)  # the module's model may hold these tokens from another test, logits stale
    model.read(tokens)  # as a read-ahead does
    decoded.clear()
    assert (
        "".join(Completion(model, tokens, Sampling(GenerationOptions(1), banned=model.ends())))
        != ""
    )
    assert decoded == [1]  # the answer's token only: the prompt's logits were there

    saved = tmp_path / "etat.kv"  # a restored state: its logits are not trusted
    model.keep(len(tokens))  # the prompt alone, without the answer's token
    assert model.save_state(saved)
    model.load_state(saved, tokens)
    decoded.clear()
    list(Completion(model, tokens, Sampling(GenerationOptions(1), banned=model.ends())))
    assert decoded == [1, 1]  # the prompt's last token again, then the answer's


def test_every_end_token_is_forbidden_when_asked(model: native.Model) -> None:
    ends = model.ends()
    assert {int(model.api.llama_vocab_eos(model.vocab))} <= ends
    assert all(model.is_end(token) for token in ends)
    assert not any(model.is_end(token) for token in range(model.n_vocab) if token not in ends)


def test_a_schema_the_converter_cannot_take_is_a_grammar_error() -> None:
    for schema in ('{"type": "strin"}', '{"$ref": "#/nulle-part"}', "[1, 2]", "null"):
        with pytest.raises(GrammarError):
            json_grammar(schema)


def test_a_state_llama_cpp_refuses_is_forgotten_and_read_again(
    model: native.Model, tmp_path: Path
) -> None:
    from hospidesk.engine.prefix_cache import PrefixCache
    from hospidesk.engine.prompts import PromptReader

    cache = PrefixCache(tmp_path, "modèle|test", 1 << 30)
    reader = PromptReader(model, cache)
    instructions = {"role": "system", "content": "Consignes de la tâche, mot à mot. " * 8}
    messages = [instructions, MESSAGES[1]]
    fixed = reader.prepare(messages)[1]
    assert reader.usable(fixed)
    cache.put(fixed, lambda path: path.write_bytes(b"pas un etat de llama.cpp" * 10) > 0)
    assert cache.has(fixed)
    model.keep(0)
    assert reader.prepare(messages)[2] == "new"  # refused: read again, to be saved anew
    assert not cache.has(fixed)
    assert list(tmp_path.glob("*.kv")) == []
    assert model.held == []


def test_the_warm_up_goes_past_a_task_whose_template_fails(
    model: native.Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospidesk.engine import protocol as p
    from hospidesk.engine.chat_format import TemplateError
    from hospidesk.engine.prefix_cache import PrefixCache
    from hospidesk.engine.prompts import PromptReader
    from hospidesk.engine.warmup import WarmUp

    class Worker:
        def __init__(self) -> None:
            self.sent: list[object] = []

        def send(self, event: object) -> None:
            self.sent.append(event)

        def asked(self) -> bool:
            return False

    def fails(_messages: object) -> list[int]:
        raise TemplateError("modèle de conversation invalide")

    worker = Worker()
    warm = WarmUp(worker)  # type: ignore[arg-type]
    warm.use(PromptReader(model, PrefixCache(tmp_path, "x", 1 << 30)))
    monkeypatch.setattr(model, "chat_tokens", fails)
    prompt = (p.Message("system", "Consignes."), p.Message("user", ""))
    warm.replace(p.Warm(prompts=(prompt,), disk_share=0.75))
    warm.step()
    assert worker.sent == [p.Warming(1, 1, finished=True)]
