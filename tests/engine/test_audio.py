"""Audio files as dictaphones and phones write them, read as 16 kHz mono: every accepted
format decoded, the proprietary and unknown ones refused with what to do, damaged, empty,
too big or too long files refused in words; the resampler joins its blocks without a seam
and keeps no frequency above 8 kHz."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from hospidesk.engine import audio_files
from hospidesk.engine.audio import Resampler, read_16k
from hospidesk.engine.audio_files import RATE, AudioError, check_audio_file
from tests.speech import SENTENCE, needs_espeak, say


def read(path: Path, **kwargs: float) -> np.ndarray:
    return np.concatenate(list(read_16k(path, **kwargs)))


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize(
    ("suffix", "fmt", "subtype"),
    [
        (".flac", "FLAC", "PCM_16"),
        (".ogg", "OGG", "VORBIS"),
        (".opus", "OGG", "OPUS"),
        (".mp3", "MP3", "MPEG_LAYER_III"),
    ],
)
def test_every_format_a_phone_or_dictaphone_writes_is_read(
    tmp_path: Path, suffix: str, fmt: str, subtype: str
) -> None:
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    reference = read(wav)
    samples, rate = soundfile.read(wav, dtype="float32")
    if subtype == "OPUS":  # Opus is coded at 8, 12, 16, 24 or 48 kHz only
        rate, samples = (
            48_000,
            np.interp(
                np.arange(len(samples) * 48_000 // rate) * rate / 48_000,
                np.arange(len(samples)),
                samples,
            ).astype(np.float32),
        )
    other = tmp_path / f"dictee{suffix}"
    soundfile.write(other, samples, rate, format=fmt, subtype=subtype)
    decoded = read(other)
    # the same duration (lossy coders add a few milliseconds of padding)
    assert abs(len(decoded) - len(reference)) < 0.1 * RATE
    assert np.sqrt(np.mean(decoded**2)) == pytest.approx(np.sqrt(np.mean(reference**2)), rel=0.3)


@pytest.mark.espeak
@needs_espeak
def test_a_wav_file_keeps_its_duration_at_16_khz(tmp_path: Path) -> None:
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    info = soundfile.info(wav)
    assert info.samplerate == 22050  # espeak-ng's rate: the file is resampled
    assert abs(len(read(wav)) - info.frames * RATE / info.samplerate) <= 1


@pytest.mark.parametrize("suffix", [".dss", ".ds2", ".DSS"])
def test_dictaphone_formats_say_how_to_convert(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"dictee{suffix}"
    path.write_bytes(b"\x03ds2" + bytes(1000))
    with pytest.raises(AudioError, match=r"format propriétaire des dictaphones.*\.wav ou \.mp3"):
        check_audio_file(path)


def test_refusals_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = tmp_path / "dictee.aac"
    unknown.write_bytes(b"x")
    with pytest.raises(AudioError, match=r"non pris en charge.*\.wav, \.mp3"):
        check_audio_file(unknown)
    with pytest.raises(AudioError, match="introuvable"):
        check_audio_file(tmp_path / "absente.wav")
    empty = tmp_path / "vide.wav"
    empty.touch()
    with pytest.raises(AudioError, match="vide"):
        check_audio_file(empty)
    big = tmp_path / "enorme.wav"
    with big.open("wb") as handle:
        handle.truncate(audio_files.MAX_BYTES + 1)  # sparse: nothing written
    with pytest.raises(AudioError, match=r"trop volumineux.*500 Mo"):
        check_audio_file(big)
    monkeypatch.setattr(audio_files.shutil, "which", lambda name: None)
    phone = tmp_path / "memo.m4a"
    phone.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(100))
    with pytest.raises(AudioError, match="FFmpeg"):
        check_audio_file(phone)


def test_a_damaged_file_is_refused_and_names_itself(tmp_path: Path) -> None:
    damaged = tmp_path / "abime.wav"
    damaged.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt " + os.urandom(200))
    with pytest.raises(AudioError, match=r"illisible ou abîmé : « abime\.wav »"):
        read(damaged)


def test_a_dictation_past_the_limit_is_refused(tmp_path: Path) -> None:
    long = tmp_path / "longue.wav"
    soundfile.write(long, np.zeros(RATE * 130, np.float32), RATE)
    with pytest.raises(AudioError, match="dépasse 2 minutes"):
        read(long, max_seconds=120)


@pytest.mark.skipif(
    audio_files.shutil.which("ffmpeg") is None, reason="ffmpeg is not installed here"
)
@pytest.mark.espeak
@needs_espeak
def test_an_m4a_memo_is_read_through_ffmpeg(tmp_path: Path) -> None:
    import subprocess

    wav = say(SENTENCE, tmp_path / "dictee.wav")
    memo = tmp_path / "memo.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), str(memo)], check=True)
    assert abs(len(read(memo)) - len(read(wav))) < 0.1 * RATE
    # a playlist named .m4a is not followed (file protocol, MP4 demuxer only): refused
    playlist = tmp_path / "liste.m4a"
    playlist.write_text("#EXTM3U\nhttp://127.0.0.1:9/a.aac\n", encoding="utf-8")
    with pytest.raises(AudioError, match="illisible ou abîmé"):
        read(playlist)


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
def test_blocks_join_without_a_seam(rate: int) -> None:
    t = np.arange(rate * 2) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    resampler = Resampler(rate)
    step = rate // 3 + 7  # blocks that do not divide the signal evenly
    out = np.concatenate(
        [resampler.feed(tone[i : i + step]) for i in range(0, len(tone), step)]
        + [resampler.feed(np.zeros(0, np.float32), final=True)]
    )
    assert abs(len(out) - 2 * RATE) <= 1
    expected = 0.5 * np.sin(2 * np.pi * 440 * np.arange(len(out)) / RATE)
    assert np.max(np.abs(out[100:-100] - expected[100:-100])) < 0.01


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
def test_nothing_above_8_khz_folds_into_the_voice(rate: int) -> None:
    t = np.arange(rate) / rate
    high = (0.5 * np.sin(2 * np.pi * 10_000 * t)).astype(np.float32)
    resampler = Resampler(rate)
    out = np.concatenate([resampler.feed(high), resampler.feed(high[:0], final=True)])
    assert np.sqrt(np.mean(out[200:-200] ** 2)) < 0.01  # was 0.35 (RMS of the tone)


def test_blocks_shorter_than_the_filter_give_only_real_samples() -> None:
    resampler = Resampler(48_000)
    out = [resampler.feed(np.full(10, 0.5, np.float32)) for _ in range(3)]
    out.append(resampler.feed(np.zeros(0, np.float32), final=True))
    assert sum(len(o) for o in out) == 10  # 30 samples at 48 kHz: 10 at 16 kHz
    empty = Resampler(44_100)
    assert len(empty.feed(np.zeros(0, np.float32), final=True)) == 0
