"""The machine policy: ``policy.toml`` in the site directory, set by IT.

Every key is declared here; an unknown key or a bad value stops the app with the key and the
reason, rather than running with a partly understood policy.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hospidesk.errors import HospiDeskError
from hospidesk.paths import POLICY_FILE, Paths
from hospidesk.validation import describe


class PolicyError(HospiDeskError):
    exit_code = 6


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PacksPolicy(_Strict):
    allow_unsigned: bool = False
    """Whether users may import packs that nobody signed (for personal use)."""
    unsigned_for: tuple[str, ...] = ()
    """Who may, when allowed: OS user names, or ``@group`` for an OS group; empty = everyone."""

    def unsigned_allowed_for(self, user: str, groups: frozenset[str]) -> bool:
        if not self.allow_unsigned:
            return False
        if not self.unsigned_for:
            return True
        return any(
            (entry[1:] in groups) if entry.startswith("@") else entry == user
            for entry in self.unsigned_for
        )


def current_user() -> tuple[str, frozenset[str]]:
    """The OS user and their groups (names), for the policy's per-user rules."""
    user = getpass.getuser()
    groups: set[str] = set()
    try:
        import grp

        for gid in os.getgroups():
            try:
                groups.add(grp.getgrgid(gid).gr_name)
            except KeyError:
                continue
    except ImportError:  # Windows: groups come from the directory, not handled here yet
        pass
    return user, frozenset(groups)


class LockedSetting(_Strict):
    key: str
    value: str
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known_key(self) -> LockedSetting:
        from hospidesk.settings import SPEC_BY_KEY, check_value

        if self.key not in SPEC_BY_KEY:
            raise ValueError(f"paramètre inconnu : {self.key}")
        check_value(SPEC_BY_KEY[self.key], self.value)
        return self


class Policy(_Strict):
    packs: PacksPolicy = PacksPolicy()
    locked: tuple[LockedSetting, ...] = ()
    """Settings IT fixes, with the reason shown to the user."""

    def locks(self) -> dict[str, LockedSetting]:
        return {lock.key: lock for lock in self.locked}


def load_policy(paths: Paths) -> Policy:
    file = paths.site.path / POLICY_FILE
    if not file.exists():
        return Policy()
    label = f"Politique de la DSI invalide ({file})"
    try:
        data: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{label} : fichier illisible ({exc.strerror}).") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{label} : {exc}.") from None
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(describe(exc, data, label)) from None
