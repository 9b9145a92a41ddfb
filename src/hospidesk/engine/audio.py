"""Audio files as dictaphones and phones write them, read as 16 kHz mono samples for
speech-to-text, in the speech worker's process (a damaged file never reaches the window).

.wav, .flac, .ogg/.opus and .mp3 are decoded by libsndfile (``soundfile``; LGPL library,
BSD binding); .m4a (AAC, phones' voice memos) by the workstation's own ``ffmpeg`` program
when IT installed it, through a pipe (nothing written). The proprietary dictaphone formats
(.dss, .ds2) are refused with how to convert them. The file is read block by block: a long
dictation never sits whole in memory.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hospidesk.children import child_env
from hospidesk.engine.audio_files import (
    BLOCK_SECONDS,
    MAX_SECONDS,
    RATE,
    AudioError,
    check_audio_file,
    damaged,
)


def duration_seconds(path: Path) -> float | None:
    """The file's duration when its header says it (None for .m4a, known at the end)."""
    if path.suffix.lower() == ".m4a":
        return None
    import soundfile  # the dictation extra, in the worker only

    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError):
        raise damaged(path) from None
    return info.frames / info.samplerate if info.samplerate else None


def read_16k(path: Path, max_seconds: float = MAX_SECONDS) -> Iterator[np.ndarray]:
    """The file's sound as 16 kHz mono float32 blocks, in order."""
    check_audio_file(path)
    blocks = _ffmpeg_blocks(path) if path.suffix.lower() == ".m4a" else _sndfile_blocks(path)
    heard = 0
    for block in blocks:
        heard += len(block)
        if heard > max_seconds * RATE:
            raise AudioError(
                f"Dictée trop longue : « {path.name} » dépasse {max_seconds / 60:.0f} minutes ; "
                "coupez-la en plusieurs fichiers."
            )
        yield block


def _sndfile_blocks(path: Path) -> Iterator[np.ndarray]:
    import soundfile  # the dictation extra, in the worker only

    try:
        with soundfile.SoundFile(str(path)) as sound:
            resampler = Resampler(sound.samplerate)
            while True:
                raw = sound.read(BLOCK_SECONDS * sound.samplerate, dtype="float32", always_2d=True)
                if not len(raw):
                    break
                yield resampler.feed(raw.mean(axis=1))
            yield resampler.feed(np.zeros(0, np.float32), final=True)
    except (soundfile.LibsndfileError, RuntimeError):
        raise damaged(path) from None


def _ffmpeg_blocks(path: Path) -> Iterator[np.ndarray]:
    """ffmpeg decodes and resamples to 16 kHz mono PCM on its standard output."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg is not None  # check_audio_file said so
    # an MP4/M4A container read from this file only (no playlist, no other protocol)
    args = [ffmpeg, "-nostdin", "-v", "quiet", "-protocol_whitelist", "file", "-f", "mov",
            "-i", f"file:{path.resolve()}", "-vn", "-ac", "1", "-ar", str(RATE),
            "-f", "s16le", "pipe:1"]  # fmt: skip
    with subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=child_env()
    ) as proc:
        assert proc.stdout is not None
        while chunk := proc.stdout.read(BLOCK_SECONDS * RATE * 2):
            yield np.frombuffer(chunk[: len(chunk) // 2 * 2], "<i2").astype(np.float32) / 32768
        if proc.wait() != 0:
            raise damaged(path)


class Resampler:
    """Streaming conversion to 16 kHz: a windowed-sinc low-pass (no aliasing from the
    higher frequencies of a 44.1 or 48 kHz recording), then linear interpolation; blocks
    join without a seam (the filter's history is carried from one block to the next)."""

    def __init__(self, rate: int) -> None:
        self.ratio = rate / RATE
        self.taps = _lowpass(RATE / 2 / rate * 0.92) if rate > RATE else np.ones(1, np.float32)
        self.half = len(self.taps) // 2
        self.raw = np.zeros(self.half, np.float32)  # the signal is silent before it starts
        self.start = -self.half  # input index of raw[0]
        self.produced = 0  # output samples given so far
        self.received = 0  # input samples received so far

    def feed(self, block: np.ndarray, final: bool = False) -> np.ndarray:
        self.received += len(block)
        parts = [self.raw, block.astype(np.float32)]
        if final:  # silence after the end, for the filter's last outputs
            parts.append(np.zeros(self.half + 2, np.float32))
        self.raw = np.concatenate(parts)
        if len(self.raw) < len(self.taps):  # not yet enough for one filtered sample
            return np.zeros(0, np.float32)
        filtered = np.convolve(self.raw, self.taps, mode="valid")  # at inputs first + k
        first = self.start + self.half
        if final:  # up to the last input sample
            end = math.floor((self.received - 1) / self.ratio) + 1 if self.received else 0
        else:  # an output at t needs the filtered inputs floor(t) and floor(t) + 1
            end = math.floor((first + len(filtered) - 2) / self.ratio) + 1
        end = max(end, self.produced)
        positions = np.arange(self.produced, end) * self.ratio - first
        out: np.ndarray = np.interp(positions, np.arange(len(filtered)), filtered).astype(
            np.float32
        )
        self.produced = end
        keep = max(0, math.floor(end * self.ratio) - self.half - self.start)
        self.raw = self.raw[keep:]
        self.start += keep
        return out


def _lowpass(cutoff: float, taps: int = 63) -> np.ndarray:
    """Windowed-sinc low-pass at ``cutoff`` (a fraction of the input rate), unit gain."""
    n = np.arange(taps) - taps // 2
    kernel = np.sinc(2 * cutoff * n) * np.blackman(taps)
    unit: np.ndarray = (kernel / kernel.sum()).astype(np.float32)
    return unit
