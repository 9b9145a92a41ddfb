"""The parts of a dictation the model hears: cut at the longest pause between 12 and 30 s,
a silent part skipped; Whisper's mel filter bank."""

from __future__ import annotations

import numpy as np

from hospidesk.engine.audio_files import RATE
from hospidesk.engine.whisper import WINDOW, cut_point, log_mel, mel_filters, parts


def voice(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(
        np.float32
    )


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


def test_a_part_ends_in_the_longest_pause() -> None:
    audio = np.concatenate([voice(14), silence(0.3), voice(6), silence(1.2), voice(25)])
    cut = cut_point(audio)
    assert 20.3 * RATE < cut < 21.5 * RATE  # inside the 1.2 s pause, not the 0.3 s one


def test_without_a_pause_a_part_is_30_seconds() -> None:
    assert cut_point(voice(45)) == WINDOW


def test_parts_cover_the_audio_and_silence_is_skipped() -> None:
    audio = np.concatenate([voice(20), silence(1), silence(40), voice(10)])
    blocks = [audio[i : i + 10 * RATE] for i in range(0, len(audio), 10 * RATE)]
    found = list(parts(blocks))
    assert sum(len(p) for _, p, _ in found) == len(audio)
    assert [offset for offset, _, _ in found] == sorted(offset for offset, _, _ in found)
    voiced = [(offset / RATE, has) for offset, _, has in found]
    assert voiced[0] == (0.0, True)
    assert any(not has for _, has in voiced)  # the 40 s of silence
    assert voiced[-1][1]  # the last 10 s of voice
    assert all(len(p) <= WINDOW for _, p, _ in found)


def test_mel_features_have_whisper_shape() -> None:
    filters = mel_filters(80)
    assert filters.shape == (80, 201) and (filters >= 0).all()
    assert (filters.sum(axis=1) > 0).all()  # every band hears something
    features = log_mel(voice(3), filters)
    assert features.shape == (80, 3000)
    assert features.max() - features.min() <= 2.0 + 1e-6  # 8 log10 units over 4


def test_steady_noise_alone_has_no_voice() -> None:
    rng = np.random.default_rng(1)
    hiss = (0.02 * rng.standard_normal(10 * RATE)).astype(np.float32)  # about -34 dBFS
    assert not any(has for _, _, has in parts([hiss]))
    spoken = np.concatenate([hiss[: 2 * RATE], hiss[: 3 * RATE] + voice(3), hiss[: 2 * RATE]])
    assert [has for _, _, has in parts([spoken])] == [True]
