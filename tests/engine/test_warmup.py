"""The real engine reads long prompts with progress and stops reading when cancelled; it
warms task instructions ahead while idle, gives way at once to a generation and goes on
after it, within its disk share."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message, Prefilled, Warming
from hospidesk.engine.verify import open_verified, verify_file
from hospidesk.errors import Cancelled
from hospidesk.service.workspace import Workspace
from tests.conftest import TEST_SEED, Env

pytestmark = pytest.mark.model
RULES = "Tu rédiges des courriers administratifs. " * 60  # ~ 500 tokens of instructions
TEXT = "Le patient est convoqué le 3 mars à 9 h, bâtiment B, deuxième étage. " * 60


@pytest.fixture
def engine(hd_env: Env, demo_model: Path, tmp_path: Path) -> Iterator[EngineClient]:
    ws = Workspace.open()
    model = verify_file(demo_model, ws.catalog)
    client = EngineClient()
    client.load(open_verified(model), 4096, 2, 0, cache_dir=tmp_path / "prefixes")
    yield client
    client.close()


class Warmings:
    def __init__(self) -> None:
        self.events: list[Warming] = []
        self.finished = threading.Event()

    def __call__(self, event: Warming) -> None:
        self.events.append(event)
        if event.finished:
            self.finished.set()


def written_and_read(
    engine: EngineClient, messages: tuple[Message, ...], options: GenerationOptions
) -> tuple[str, list[tuple[int, int]]]:
    """The answer, and the reading progress said before it: (tokens read, tokens to read)."""
    seen: list[tuple[int, int]] = []
    text = "".join(engine.generate(messages, options, reading=lambda d, t: seen.append((d, t))))
    return text, seen


def test_a_long_prompt_reports_its_reading_then_writes(engine: EngineClient) -> None:
    messages = (Message("system", RULES), Message("user", TEXT))
    options = GenerationOptions(4, temperature=0.0, seed=TEST_SEED)
    text, seen = written_and_read(engine, messages, options)
    assert text and engine.last_done is not None
    totals = {total for _, total in seen}
    assert len(totals) == 1 and seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and len(seen) >= 3
    assert seen[-1][1] == engine.last_done.prompt_tokens  # the whole prompt, then the answer
    # the same prompt again: held in the context, nothing to read, nothing reported
    _, again = written_and_read(engine, messages, options)
    assert again == []


def test_a_cancel_stops_the_reading_before_any_text(engine: EngineClient) -> None:
    stop = threading.Event()
    messages = (Message("system", "Autres règles. " + RULES), Message("user", TEXT))

    def reading(done: int, total: int) -> None:
        if done > 0:
            stop.set()  # after the first batch: the rest is never read

    pieces: list[str] = []
    with pytest.raises(Cancelled):
        for piece in engine.generate(
            messages, GenerationOptions(50, temperature=0.0), stop=stop, reading=reading
        ):
            pieces.append(piece)
    assert pieces == []
    # the engine answers the next request normally
    hello = (messages[0], Message("user", "Bonjour"))
    assert "".join(engine.generate(hello, GenerationOptions(3)))


def test_warm_up_gives_way_to_a_generation_and_finishes_after_it(
    engine: EngineClient, tmp_path: Path
) -> None:
    warmings = Warmings()
    engine.on_warming = warmings
    prompts = [(Message("system", f"Tâche {n}. {RULES}"), Message("user", "")) for n in range(4)]
    engine.warm(prompts)
    # asked at once, while the first prompt is being read: served as if the engine were idle
    messages = (Message("system", "Tâche 3. " + RULES), Message("user", "Bonjour."))
    "".join(engine.generate(messages, GenerationOptions(3, temperature=0.0, seed=TEST_SEED)))
    assert engine.last_done is not None and engine.last_done.prefix == "new"
    assert warmings.finished.wait(120)
    assert [e.done for e in warmings.events] == [1, 2, 3, 4] and warmings.events[-1].reason == ""
    files = list((tmp_path / "prefixes").rglob("*.kv"))
    assert len(files) == 4  # task 3's own state was written by its generation, once
    # a task warmed ahead starts from its state on disk
    first = (Message("system", "Tâche 0. " + RULES), Message("user", "Autre texte."))
    "".join(engine.generate(first, GenerationOptions(3, temperature=0.0, seed=TEST_SEED)))
    assert engine.last_done is not None and engine.last_done.prefix == "disk"
    # the same list again: everything is there, nothing is read
    warmings.finished.clear()
    warmings.events.clear()
    engine.warm(prompts)
    assert warmings.finished.wait(60) and len(list((tmp_path / "prefixes").rglob("*.kv"))) == 4


def test_warm_up_stops_at_its_disk_share(engine: EngineClient) -> None:
    warmings = Warmings()
    engine.on_warming = warmings
    prompts = [(Message("system", f"Tâche {n}. {RULES}"), Message("user", "")) for n in range(3)]
    engine.warm(prompts, disk_share=1e-6)
    assert warmings.finished.wait(120)
    assert warmings.events[-1] == Warming(0, 3, finished=True, reason="budget")


def test_a_prompt_read_ahead_is_not_read_again(engine: EngineClient) -> None:
    ended: list[Prefilled] = []
    done = threading.Event()
    engine.on_prefilled = lambda event: (ended.append(event), done.set())
    messages = (Message("system", "Règles du jour. " + RULES), Message("user", TEXT))
    engine.prefill(messages)
    assert done.wait(120)
    assert ended[-1].held == ended[-1].total == engine.count(messages)
    options = GenerationOptions(3, temperature=0.0, seed=TEST_SEED)
    _, seen = written_and_read(engine, messages, options)
    assert seen == []  # held: nothing left to read before the first word
    assert engine.last_done is not None and engine.last_done.prefix == "kv"
    # the user adds a line: only the new words are read
    done.clear()
    longer = (messages[0], Message("user", TEXT + " Merci de confirmer votre venue."))
    engine.prefill(longer)
    assert done.wait(120) and ended[-1].held == ended[-1].total


def test_a_click_stops_the_read_ahead_at_once(engine: EngineClient) -> None:
    ended: list[Prefilled] = []
    engine.on_prefilled = ended.append
    messages = (Message("system", "Règles de nuit. " + RULES), Message("user", TEXT))
    engine.prefill(messages)
    other = (Message("system", "Autre chose."), Message("user", "Bonjour."))
    "".join(engine.generate(other, GenerationOptions(2, temperature=0.0, seed=TEST_SEED)))
    assert ended and ended[0].held < ended[0].total  # stopped before its end


def test_a_click_on_the_prompt_read_ahead_keeps_the_batch_being_read(
    engine: EngineClient,
) -> None:
    ended: list[Prefilled] = []
    engine.on_prefilled = ended.append
    reading = threading.Event()  # the read-ahead has read its first batch, and goes on
    engine.on_prefilling = lambda event: reading.set()
    options = GenerationOptions(2, temperature=0.0, seed=TEST_SEED)
    # the window's click counts the draft's prompt first when the form has a source, then
    # writes: a task that reads fields from the source first writes another prompt (the
    # extraction's, the one read ahead); a count never stops a read-ahead
    for counted, rules in ((True, "Règles du matin. "), (False, "Règles du midi. ")):
        messages = (Message("system", rules + RULES), Message("user", TEXT))
        reading.clear()
        engine.prefill(messages)  # a text pasted: read at once
        assert reading.wait(60)  # « Générer » clicked while the first batches are read
        if counted:
            draft = (Message("system", "Courrier. " + RULES), Message("user", TEXT))
            assert engine.count(draft) > engine.count(messages[1:])
        _, seen = written_and_read(engine, messages, options)
        read_ahead = ended[-1]
        assert 0 < read_ahead.held < read_ahead.total  # the batch in flight was kept
        assert seen[0] == (0, read_ahead.total - read_ahead.held)  # the click read the rest
    # clicked, then stopped at once: the read-ahead stops at once too, nothing is written
    other = (Message("system", "Règles de l'après-midi. " + RULES), Message("user", TEXT))
    reading.clear()
    engine.prefill(other)
    assert reading.wait(60)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        "".join(engine.generate(other, options, stop=stop))
    assert len(ended) == 3 and ended[-1].held < ended[-1].total


def test_the_warm_up_waits_after_a_read_ahead_and_goes_on_after_the_click(
    engine: EngineClient,
) -> None:
    warmings = Warmings()
    engine.on_warming = warmings
    messages = (Message("system", "Règles du soir. " + RULES), Message("user", "Bonjour."))
    engine.prefill(messages)
    engine.warm([(Message("system", f"Tâche {n}. {RULES}"), Message("user", "")) for n in range(2)])
    assert not warmings.finished.wait(3)  # the user is about to click: their prompt stays
    assert warmings.events == []
    "".join(engine.generate(messages, GenerationOptions(2, temperature=0.0, seed=TEST_SEED)))
    assert warmings.finished.wait(120) and warmings.events[-1].done == 2
