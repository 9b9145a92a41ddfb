"""A start of the app or of a command, the usage rules, and the user's settings."""

from __future__ import annotations

import contextlib

from hospidesk import __version__
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.fsutil import atomic_write_text
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.governance.rules import Rules, RulesAcceptance, rules_in_force
from hospidesk.policy import policy_digest
from hospidesk.service.records import purge_history
from hospidesk.service.workspace import Workspace


def open_session(ws: Workspace, interface: str) -> None:
    """Record a start, and what the start noticed: an ignored override, a new policy.

    Drafts past the policy's retention are purged here too.
    """
    ws.audit.append(
        AuditEvent(AuditKind.START, details={"interface": interface, "version": __version__})
    )
    if ws.paths.site.override_ignored:
        ws.audit.append(
            AuditEvent(
                AuditKind.OVERRIDE_IGNORED,
                details={
                    "variable": "HOSPIDESK_SITE_DIR",
                    "ignored": ws.paths.site.override_ignored,
                    "site": str(ws.paths.site.path),
                },
            )
        )
    with contextlib.suppress(HospiDeskError):  # a locked history is said when it is used
        purge_history(ws)
    digest = policy_digest(ws.paths)
    seen = ws.paths.data / "policy-seen.txt"
    previous = seen.read_text().strip() if seen.exists() else None
    if digest != previous:
        ws.audit.append(AuditEvent(AuditKind.POLICY_CHANGED, details={"policy_sha256": digest}))
        seen.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(seen, digest or "")


def rules(ws: Workspace) -> Rules:
    """The usage rules in force: IT's own text, or the shipped one."""
    return rules_in_force(ws.policy, ws.paths.site.path)


def rules_accepted(ws: Workspace) -> bool:
    return RulesAcceptance(ws.paths.rules_file).accepted(rules(ws).version)


def accept_rules(ws: Workspace) -> None:
    current = rules(ws)
    RulesAcceptance(ws.paths.rules_file).accept(current.version)
    ws.audit.append(AuditEvent(AuditKind.RULES_ACCEPTED, details={"version": current.version}))


def require_rules(ws: Workspace) -> None:
    """Refuse to draft until this user accepted the rules in force."""
    if not rules_accepted(ws):
        raise UsageError(
            "Acceptez d'abord la charte d'utilisation (version "
            f"{rules(ws).version}) : « hospidesk rules show » pour la lire, puis "
            "« hospidesk rules accept »."
        )


def change_setting(ws: Workspace, key: str, value: str) -> None:
    """Change one setting (refused when IT locked it); the audit says which, not the value."""
    ws.settings.set(key, value)
    ws.audit.append(AuditEvent(AuditKind.SETTINGS_CHANGED, details={"key": key}))
