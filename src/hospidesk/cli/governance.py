"""``hospidesk rules``, ``audit`` and ``stats``: the usage rules, the audit trail, and the
measured benefit's anonymous aggregates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hospidesk.cli.output import Commands, actions, err
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.fsutil import atomic_write_text, check_writable_target
from hospidesk.governance.audit import AuditTrail
from hospidesk.governance.forward import compare, forwarded_messages
from hospidesk.packs.loader import all_tasks
from hospidesk.service.evaluation import merge_exports
from hospidesk.service.session import accept_rules, rules, rules_accepted
from hospidesk.service.usage import stats_export
from hospidesk.service.workspace import Workspace


class AuditFailure(HospiDeskError):
    exit_code = 7


def register(sub: Commands) -> None:
    rules_parser = sub.add_parser("rules", help="charte d'utilisation : lire, accepter")
    rules_sub = actions(rules_parser)
    rules_sub.add_parser("show", help="afficher la charte").set_defaults(handler=show_rules)
    rules_sub.add_parser("accept", help="accepter la charte").set_defaults(handler=accept)

    audit = sub.add_parser("audit", help="journal d'audit : vérifier, exporter")
    audit_sub = actions(audit)
    verify = audit_sub.add_parser("verify", help="vérifier l'intégrité du journal")
    verify.add_argument(
        "--against",
        metavar="FICHIER",
        help="export du journal du système (syslog, journald, observateur d'événements) "
        "auquel comparer le journal local",
    )
    verify.set_defaults(handler=verify_audit)
    export = audit_sub.add_parser("export", help="exporter le journal (JSON lines)")
    export.add_argument("--out", required=True, metavar="FICHIER")
    export.set_defaults(handler=export_audit)

    stats = sub.add_parser("stats", help="mesure des gains (agrégats sans contenu)")
    stats.add_argument("--format", choices=("csv", "json"), default="csv")
    stats.add_argument("--out", metavar="FICHIER", help="sinon, sur la sortie standard")
    stats.set_defaults(handler=export_stats)
    stats_sub = stats.add_subparsers(dest="stats_action", metavar="[merge]")
    merge = stats_sub.add_parser(
        "merge", help="réunir les exports de nombreux postes en un rapport par métier"
    )
    merge.add_argument("exports", nargs="+", metavar="FICHIER|DOSSIER")
    merge.add_argument("--out", required=True, metavar="RAPPORT.html")
    merge.add_argument(
        "--csv", metavar="TABLE.csv", help="la table réunie, par métier × tâche × semaine"
    )
    merge.set_defaults(handler=merge_stats)


def show_rules(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    current = rules(ws)
    print(current.text.rstrip())
    state = "acceptée" if rules_accepted(ws) else "pas encore acceptée (hospidesk rules accept)"
    err(f"Version {current.version} : {state}.")
    return 0


def accept(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    accept_rules(ws)
    err(f"Charte d'utilisation (version {rules(ws).version}) acceptée.")
    return 0


def verify_audit(args: argparse.Namespace) -> int:
    trail = Workspace.open().audit
    result = trail.verify()
    if not result.ok:
        raise AuditFailure(f"Journal d'audit altéré : {result.problem}.")
    print(
        f"Journal d'audit intègre : {result.records} enregistrements, "
        f"{result.checkpoints} points de contrôle signés."
    )
    if args.against:
        compare_forwarded(trail, Path(args.against).expanduser())
    return 0


def compare_forwarded(trail: AuditTrail, export: Path) -> None:
    try:
        text = export.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(
            f"Export du journal du système illisible : {export} ({exc.strerror})."
        ) from None
    forwarded = forwarded_messages(text.splitlines())
    if not forwarded:
        raise UsageError(
            f"Aucun message de HospiDesk dans {export} : est-ce bien l'export du journal du "
            "système de ce poste (identifiant de la politique [audit]) ?"
        )
    result = compare(trail.records(), forwarded, trail.user)
    if result.divergence:
        raise AuditFailure(
            f"Journal d'audit réécrit : {result.divergence.problem} (premier écart, "
            f"{len(forwarded)} messages transmis lus)."
        )
    print(
        f"Conforme au journal du système : {result.compared} enregistrements identiques, "
        f"{result.not_forwarded} non transmis."
    )


def export_audit(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    out = Path(args.out).expanduser()
    check_writable_target(out)
    lines = ws.audit.export(out)
    err(f"Journal d'audit exporté ({lines} lignes JSON) : {out}")
    return 0


def merge_stats(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    tasks = {t.ref: t.pack.manifest.job for t in all_tasks(ws.packs)}
    result = merge_exports(
        [Path(p).expanduser() for p in args.exports],
        Path(args.out).expanduser(),
        tasks,
        Path(args.csv).expanduser() if args.csv else None,
    )
    for name, reason in result.skipped:
        err(f"Fichier écarté : {name} — {reason}")
    err(
        f"{result.files} export(s) réunis : {result.groups} groupes métier × tâche × semaine, "
        f"dont {result.suppressed} groupe(s) supprimé(s) sur les postes. Rapport : {result.out}"
    )
    if result.csv_out is not None:
        err(f"Table réunie : {result.csv_out}")
    return 0


def export_stats(args: argparse.Namespace) -> int:
    export = stats_export(Workspace.open(), args.format)
    tries = (
        f"{export.example_uses} essai(s) d'exemples, comptés à part (hors groupes)."
        if export.example_uses
        else ""
    )
    if not args.out:
        sys.stdout.write(export.text)
        if tries:
            err(tries)
        return 0
    out = Path(args.out).expanduser()
    check_writable_target(out)
    atomic_write_text(out, export.text, mode=0o644)
    err(
        f"Mesures exportées : {export.groups} groupes (tâche × semaine), dont "
        f"{export.suppressed} masqués (moins de {export.threshold} usages) : {out}"
    )
    if tries:
        err(tries)
    return 0
