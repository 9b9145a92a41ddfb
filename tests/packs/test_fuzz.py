"""Fuzzing the manifest parser and the pack-file reader: only clean refusals, never a crash."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospidesk.errors import UsageError
from hospidesk.packs.archive import read_pack_bytes
from hospidesk.packs.loader import PackError, parse_manifest, parse_task
from tests.packs.forge import NEXT, forge, pack_files

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.text(max_size=10), max_size=3),
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "job",
        "version",
        "authors",
        "min_app_version",
        "licence",
        "description",
        "template",
        "instructions",
        "request",
        "fields",
        "source",
        "generation",
        "subject",
        "x",
    ]
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return f'"{text}"'


@SETTINGS
@given(st.binary(max_size=2000))
def test_manifest_parser_on_random_bytes(raw: bytes) -> None:
    try:
        parse_manifest(raw, "pack.toml")
    except PackError as exc:
        assert exc.message.startswith("pack.toml")


@SETTINGS
@given(st.dictionaries(KEYS, SCALARS, max_size=10))
def test_manifest_and_task_parsers_on_random_tables(table: dict[str, object]) -> None:
    raw = "\n".join(f"{k} = {toml_value(v)}" for k, v in table.items()).encode()
    for parse in (
        lambda: parse_manifest(raw, "pack.toml"),
        lambda: parse_task(raw, "tasks/t.toml", "p"),
    ):
        try:
            parse()
        except PackError as exc:
            assert exc.message and "\n" not in exc.message


@SETTINGS
@given(st.binary(max_size=4000))
def test_pack_reader_on_random_bytes(raw: bytes) -> None:
    try:
        read_pack_bytes(raw)
    except UsageError as exc:
        assert exc.message


VALID = forge(pack_files(NEXT), None)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ),
    st.integers(0, len(VALID)),
)
def test_pack_reader_on_mutated_packs(flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    try:
        contents = read_pack_bytes(bytes(data[: max(cut, 22)]))
    except UsageError as exc:
        assert exc.message
        return
    # Accepted: then every file is exactly what the statement lists.
    listed = {f.path: f.sha256 for f in contents.statement.files}
    assert set(listed) == set(contents.files)


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=6))
def test_pack_reader_on_random_member_names(names: list[str]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            try:
                archive.writestr(name, b"x")
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile cannot write
                continue
    try:
        read_pack_bytes(out.getvalue())
    except UsageError as exc:
        assert exc.message
