"""MLLP against python-hl7's own server on 127.0.0.1: a message larger than 64 KiB goes
whole, an acknowledgement split across writes is read whole, and an engine that is down or
silent gives a French message, never a hang."""

from __future__ import annotations

import socket

import pytest

from hospidesk.dpi.mllp import Endpoint, TransportError, exchange, frame
from tests.dpi.eai import Behaviour, running_eai

MESSAGE = (
    "MSH|^~\\&|HOSPIDESK|CHU|EAI|CHU|20261206120000||MDM^T02^MDM_T02|MSG-1|P|2.6\r"
    "EVN||20261206120000\r"
)


def test_a_large_message_goes_whole_and_its_acknowledgement_comes_back() -> None:
    big = MESSAGE + "NTE|1||" + "A" * 3_000_000 + "\r"
    with running_eai() as eai:
        answer = exchange(Endpoint(eai.host, eai.port, timeout=30), big.encode())
    assert eai.received == [big]
    assert b"MSA|AA|MSG-1" in answer and not answer.startswith(b"\x0b")


def test_an_acknowledgement_in_two_pieces_is_read_whole() -> None:
    with running_eai(Behaviour(split=True)) as eai:
        answer = exchange(Endpoint(eai.host, eai.port, timeout=10), MESSAGE.encode())
    assert answer.endswith(b"MSA|AA|MSG-1")


def test_a_silent_engine_is_a_french_timeout_not_a_hang() -> None:
    with (
        running_eai(Behaviour(silent=True)) as eai,
        pytest.raises(TransportError, match="Pas d'accusé de réception"),
    ):
        exchange(Endpoint(eai.host, eai.port, timeout=0.5), MESSAGE.encode())
    assert len(eai.received) == 1


def test_an_engine_that_is_down_is_said_in_french() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransportError, match="ne répond pas : connexion refusée"):
        exchange(Endpoint("127.0.0.1", port, timeout=5), MESSAGE.encode())


def test_a_message_holding_a_block_character_is_refused() -> None:
    with pytest.raises(ValueError):
        frame(b"MSH|\x1c\x0d")
