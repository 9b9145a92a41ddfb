"""Every reader bounded: files made to exhaust a reader end with one French line, in the
reader's child process, within its time limit, and cost the caller no memory (security.md,
guarantee 17)."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest

from hospidesk.documents.sources import TIMEOUT_SECONDS, read_document
from hospidesk.errors import UsageError
from tests.documents.bombs import deep_html, msg_stream_bomb, odt_nested_tables

BOMBS = {
    "boite.msg": (msg_stream_bomb, "Message Outlook "),
    "tableaux.odt": (odt_nested_tables, None),
    "profond.html": (deep_html, None),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_ends_in_one_line_or_in_text_of_its_size(tmp_path: Path, name: str) -> None:
    make, refusal = BOMBS[name]
    path = tmp_path / name
    data = make()
    path.write_bytes(data)
    process = psutil.Process()
    before = process.memory_info().rss
    try:
        text = read_document(path).text
    except UsageError as exc:
        assert "\n" not in exc.message and name in exc.message
        assert refusal is None or exc.message.startswith(refusal)
        # Too long to read, too big for the reader's memory, or refused by the format's own
        # reader (an Outlook directory that loops is a damaged file). A deep HTML nesting
        # reads as no text at all (its words are past the parser's depth limit): said as
        # such, never as an empty file.
        assert "trop complexe" in exc.message or "endommagé" in exc.message
        assert "source est vide" not in exc.message
    else:
        assert refusal is None, "the bomb was read"
        assert len(text) <= 8 * len(data)  # each word once, not once per level
    assert process.memory_info().rss - before < 64 * 1024 * 1024  # the child paid, not us
    assert TIMEOUT_SECONDS <= 5


def test_nested_tables_say_each_cell_once(tmp_path: Path) -> None:
    path = tmp_path / "tableaux.odt"
    path.write_bytes(odt_nested_tables(depth=12, text="unique"))
    text = read_document(path).text
    assert text.count("unique") == 13  # 12 tables' cells and the innermost paragraph


def test_a_huge_file_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    path = tmp_path / "enorme.pdf"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB for the file system, nothing on disk
    process = psutil.Process()
    before = process.memory_info().rss
    with pytest.raises(UsageError, match=r"trop volumineux : enorme\.pdf \(10 Mo au maximum\)"):
        read_document(path)
    assert process.memory_info().rss - before < 16 * 1024 * 1024


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_or_a_device_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        if path.exists():
            with pytest.raises(UsageError, match="pas un fichier ordinaire"):
                read_document(path)
