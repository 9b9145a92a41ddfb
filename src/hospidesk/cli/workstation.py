"""``hospidesk paths``, ``settings`` and ``doctor``: where things are, the user's settings,
and what IT checks first."""

from __future__ import annotations

import argparse
import json
import sys

from hospidesk.cli.output import Commands, actions, err
from hospidesk.paths import shipped_packs_dir
from hospidesk.service.diagnostics import run_checks
from hospidesk.service.onboarding import set_setting
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    paths = sub.add_parser("paths", help="emplacement des fichiers")
    paths.add_argument("--json", action="store_true")
    paths.set_defaults(handler=show_paths)

    sub.add_parser("doctor", help="vérifier l'installation").set_defaults(handler=doctor)

    settings = sub.add_parser("settings", help="paramètres (établissement, signataire, moteur)")
    settings_sub = actions(settings)
    settings_sub.add_parser("show", help="afficher les paramètres").set_defaults(
        handler=show_settings
    )
    change = settings_sub.add_parser("set", help="modifier un paramètre")
    change.add_argument("key", metavar="CLÉ")
    change.add_argument("value", metavar="VALEUR")
    change.set_defaults(handler=set_setting_command)


def show_paths(args: argparse.Namespace) -> int:
    p = Workspace.open().paths
    items = {
        "data": p.data,
        "config": p.config,
        "cache": p.cache,
        "log": p.log,
        "settings": p.settings_file,
        "history": p.history_db,
        "audit": p.audit_file,
        "user_models": p.user_models_dir,
        "user_packs": p.user_packs_dir,
        "site": p.site.path,
        "site_catalog": p.site_catalog,
        "site_models": p.site_models_dir,
        "letterhead": p.site_letterhead,
        "letterheads": p.site_letterheads_dir,
        "trusted_keys": p.trusted_keys_dir,
        "shipped_packs": shipped_packs_dir(),
    }
    if args.json:
        payload: dict[str, object] = {k: str(v) for k, v in items.items()}
        payload["site_override_ignored"] = p.site.override_ignored
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for key, value in items.items():
        print(f"{key:<15} {value}")
    if p.site.override_ignored:
        err(f"HOSPIDESK_SITE_DIR ignoré (poste géré par la DSI) : {p.site.override_ignored}")
    return 0


def show_settings(args: argparse.Namespace) -> int:
    settings = Workspace.open().settings
    for spec, value in settings.items():
        shown = value if value else "(non renseigné)"
        lock = settings.locks.get(spec.key)
        note = f"  [verrouillé par la DSI : {lock.reason}]" if lock else ""
        print(f"{spec.key:<26} {shown:<40} {spec.label}{note}")
    return 0


def set_setting_command(args: argparse.Namespace) -> int:
    set_setting(Workspace.open(), args.key, args.value)
    err(f"Paramètre enregistré : {args.key}")
    return 0


def doctor(args: argparse.Namespace) -> int:
    checks = run_checks(Workspace.open())
    for check in checks:
        mark = "OK " if check.ok else "!! "
        print(f"{mark} {check.label} : {check.detail}")
    sys.stdout.flush()
    return 1 if any(c.blocking and not c.ok for c in checks) else 0
