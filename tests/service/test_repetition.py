"""The loop guard (service/repetition.py)."""

from __future__ import annotations

from hospidesk.service.repetition import LoopGuard


def test_the_loop_guard_stops_at_the_third_repeat_and_keeps_one() -> None:
    guard = LoopGuard()
    line = "Nous restons à votre disposition.\n"
    assert not guard.looping("Madame,\n" + line * 2)
    assert guard.looping("Madame,\n" + line * 3)
    assert LoopGuard.cut("Madame,\n" + line * 3 + "Nous") == "Madame,\n" + line.strip()
    assert not guard.looping("Oui.\nOui.\nOui.\n")  # too short to be a loop
    sentence = "Le service reste ouvert. "
    assert guard.looping("Bonjour. " + sentence * 3)
