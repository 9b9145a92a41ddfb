"""Whisper speech-to-text on CTranslate2, in the speech worker's process.

The model (CTranslate2's Whisper format, int8 on the CPU) is given as the bytes that were
checked against the catalog: CTranslate2 loads from memory, so no file is read twice and a
file swapped after the check is never loaded. The audio is cut into parts of at most 30 s
(what Whisper hears at once) at the pauses the voice detection finds; a part without voice
is skipped; each part's text is one segment, with its time position. The previous part's
text and the pack's glossary (drug names, services, doctors' names) are given to the model
as its prompt, so that names are spelled as the hospital spells them.

Why not the faster-whisper package: it imports PyAV at start, whose wheels on PyPI carry
FFmpeg built with GPL parts (x264/x265), and huggingface_hub, a download client; this module
keeps its engine (CTranslate2) and its method, with the log-mel features in NumPy.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ctranslate2
import numpy as np
import tokenizers

from hospidesk.engine.audio_files import RATE
from hospidesk.errors import ModelError

N_FFT = 400
HOP = 160
WINDOW = 30 * RATE
"""What the model hears at once (30 s)."""
CUT_FROM = 12 * RATE
"""A part ends at the longest pause between 12 s and 30 s."""
FRAME = 480  # 30 ms: the voice detection's step
MIN_VOICE = 0.003
"""RMS under which a frame is silence whatever the recording (about -50 dBFS)."""
PROMPT_TOKENS = 223
REQUIRED = ("config.json", "model.bin", "tokenizer.json")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


def mel_filters(n_mels: int) -> np.ndarray:
    """The mel filter bank Whisper was trained with (Slaney's scale, area-normalised)."""
    f_sp = 200.0 / 3
    log_step = np.log(6.4) / 27.0

    def to_mel(hz: np.ndarray) -> np.ndarray:
        return np.where(
            hz >= 1000, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000) / log_step, hz / f_sp
        )

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return np.where(mel >= 15.0, 1000 * np.exp(log_step * (mel - 15.0)), mel * f_sp)

    fft_hz = np.linspace(0, RATE / 2, 1 + N_FFT // 2)
    edges = to_hz(np.linspace(to_mel(np.array(0.0)), to_mel(np.array(RATE / 2)), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2 : n_mels + 2] - edges[:n_mels]))[:, None]
    return weights.astype(np.float32)


def log_mel(audio: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """30 s of audio (padded with silence) as Whisper's log-mel features [n_mels, 3000]."""
    audio = np.pad(audio[:WINDOW], (0, max(0, WINDOW - len(audio))))
    padded = np.pad(audio, N_FFT // 2, mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    power = (np.abs(np.fft.rfft(frames * window, axis=-1)) ** 2).T[:, :-1]
    log = np.log10(np.maximum(filters @ power, 1e-10))
    log = np.maximum(log, log.max() - 8.0)
    features: np.ndarray = ((log + 4.0) / 4.0).astype(np.float32)
    return features


def frame_energy(audio: np.ndarray) -> np.ndarray:
    usable = len(audio) // FRAME * FRAME
    frames = audio[:usable].reshape(-1, FRAME)
    rms: np.ndarray = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return rms


def voice_frames(energy: np.ndarray) -> np.ndarray:
    """Frames with voice: above -50 dBFS and within 20 dB of the loud frames around them."""
    if not len(energy):
        return np.zeros(0, bool)
    loud = float(np.percentile(energy, 95))
    return energy > max(MIN_VOICE, loud * 0.1)


def has_voice(audio: np.ndarray) -> bool:
    """Some voice in a part: voiced frames, and loud frames well above the quiet ones (steady
    hiss alone, however loud, is not voice)."""
    energy = frame_energy(audio)
    if not len(energy) or voice_frames(energy).sum() < 5:
        return False
    return float(np.percentile(energy, 95)) > 3 * float(np.percentile(energy, 10))


def cut_point(audio: np.ndarray) -> int:
    """Where a part of at most 30 s ends: the middle of the longest pause after 12 s."""
    if len(audio) <= WINDOW:
        return len(audio)
    window = audio[:WINDOW]
    voiced = voice_frames(frame_energy(window))
    first = CUT_FROM // FRAME
    best, best_len, run_start = WINDOW, 0, None
    for index in range(first, len(voiced) + 1):
        silent = index < len(voiced) and not voiced[index]
        if silent and run_start is None:
            run_start = index
        elif not silent and run_start is not None:
            if index - run_start > best_len:
                best_len, best = index - run_start, (run_start + index) // 2 * FRAME
            run_start = None
    return best


def parts(blocks: Iterable[np.ndarray]) -> Iterator[tuple[int, np.ndarray, bool]]:
    """(first sample, samples, has voice) for each part of the stream, in order."""
    buffer = np.zeros(0, np.float32)
    offset = 0
    stream = iter(blocks)
    ended = False
    while not ended or len(buffer):
        while not ended and len(buffer) <= WINDOW:
            block = next(stream, None)
            if block is None:
                ended = True
            else:
                buffer = np.concatenate([buffer, block])
        if not len(buffer):
            break
        cut = cut_point(buffer) if len(buffer) > WINDOW else len(buffer)
        part = buffer[:cut]
        yield offset, part, has_voice(part)
        buffer = buffer[cut:]
        offset += cut


class Whisper:
    """One loaded Whisper model."""

    def __init__(self, files: dict[str, bytes], threads: int) -> None:
        missing = [name for name in REQUIRED if name not in files]
        if missing:
            raise ModelError(f"Modèle de dictée incomplet : {', '.join(missing)} manquant.")
        try:
            self.config = json.loads(files["config.json"])
            self.tokenizer = tokenizers.Tokenizer.from_str(files["tokenizer.json"].decode())
            # a glossary or a previous text is text: « <|endoftext|> » in it is no control token
            self.tokenizer.encode_special_tokens = True
            self.model = ctranslate2.models.Whisper(
                "hospidesk-speech", device="cpu", compute_type="int8",
                intra_threads=threads, files=files,
            )  # fmt: skip
        except (ValueError, RuntimeError, UnicodeDecodeError) as exc:
            raise ModelError(f"Modèle de dictée illisible ({exc}).") from None
        self.filters = mel_filters(self.model.n_mels)
        self.end_of_text = self._token("<|endoftext|>")

    def _token(self, text: str) -> int:
        token = self.tokenizer.token_to_id(text)
        if token is None:
            raise ModelError(f"Modèle de dictée inattendu : jeton {text} absent.")
        return int(token)

    def prompt(self, language: str, context: str) -> list[int]:
        tokens = [self._token("<|startoftranscript|>")]
        if self.model.is_multilingual:
            tokens += [self._token(f"<|{language}|>"), self._token("<|transcribe|>")]
        tokens.append(self._token("<|notimestamps|>"))
        if context.strip():
            previous = self.tokenizer.encode(" " + context.strip(), add_special_tokens=False).ids
            tokens = [self._token("<|startofprev|>"), *previous[-PROMPT_TOKENS:], *tokens]
        return tokens

    def transcribe(self, audio: np.ndarray, language: str, context: str) -> str:
        features = ctranslate2.StorageView.from_array(log_mel(audio, self.filters)[None])
        prompt = [self.prompt(language, context)]
        result = self.model.generate(
            features, prompt, beam_size=5, max_length=448, return_scores=True,
            return_no_speech_prob=True,
        )  # fmt: skip
        if result[0].no_speech_prob > 0.6 and result[0].scores[0] < -1.0:
            return ""  # Whisper's own rule: no speech there, whatever it would write
        text = self._text(result[0].sequences_ids[0])
        if _repetitive(text):  # a loop: once more, sampling, without the previous text
            prompt = [self.prompt(language, "")]
            result = self.model.generate(
                features, prompt, beam_size=1, sampling_topk=20, sampling_temperature=0.6
            )
            text = self._text(result[0].sequences_ids[0])
        return text

    def _text(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode([i for i in ids if i < self.end_of_text])).strip()


def _repetitive(text: str) -> bool:
    """Whisper's own test for a decoding loop: text that compresses more than 2.4 times."""
    data = text.encode("utf-8")
    return len(data) > 40 and len(data) / len(zlib.compress(data)) > 2.4


def transcribe(
    model: Whisper, blocks: Iterable[np.ndarray], language: str, glossary: str
) -> Iterator[Segment | float]:
    """Segments in order, and between them the position reached (seconds) for progress."""
    previous = ""
    for offset, audio, voiced in parts(blocks):
        start, end = offset / RATE, (offset + len(audio)) / RATE
        if voiced:
            text = model.transcribe(audio, language, f"{glossary} {previous}".strip())
            if text:
                previous = text
                yield Segment(start, end, text)
        yield end
