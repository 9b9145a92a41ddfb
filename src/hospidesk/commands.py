"""What each CLI command prints. The work itself is in service.py and the core packages."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

from hospidesk.errors import Cancelled, HospiDeskError, UsageError
from hospidesk.packs.model import OutputKind, identifiers_in
from hospidesk.service import DraftRequest, Extraction, PreparedDraft, Workspace


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_window() -> int:
    from hospidesk.ui.app import run

    return run()


def _parse_fields(raw: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field attend NOM=VALEUR, reçu : « {item} ».")
        fields[name.strip()] = value.replace("\\n", "\n")
    return fields


def cmd_draft(args: argparse.Namespace) -> int:
    from hospidesk.documents.sources import read_source_bytes
    from hospidesk.engine.client import EngineClient
    from hospidesk.fsutil import check_writable_target

    started = time.monotonic()
    ws = Workspace.open()
    ws.require_rules()
    ws.open_session("cli")
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        if out.suffix.lower() != ".docx":
            raise UsageError(f"Le fichier de sortie doit se terminer par .docx : {out}")
        check_writable_target(out)
    if args.max_tokens is not None and not 0 < args.max_tokens <= 8192:
        raise UsageError("--max-tokens doit être compris entre 1 et 8192.")

    source_text = source_file = None
    if args.source == "-":
        source_text = read_source_bytes(sys.stdin.buffer.read(), "entrée standard")
    elif args.source:
        source_file = Path(args.source).expanduser()

    request = DraftRequest(
        args.task, _parse_fields(args.field), source_text, source_file, args.model, args.server
    )
    prepared = ws.prepare(request)
    found = identifiers_in(prepared.task.task, prepared.values, prepared.source)
    remote = prepared.remote
    if remote is not None:
        err(f"Rédaction par le serveur « {remote.server.name} » (modèle {remote.model}).")
    if found and remote is not None and ws.policy.servers.pseudonymise:
        err(
            f"Le texte contient des identifiants de patient : {found}. Ils sont remplacés par "
            "des pseudonymes avant l'envoi au serveur et remis dans le brouillon sur ce poste."
        )
    elif found:
        where = "sont envoyés au serveur de l'hôpital" if remote else "restent sur ce poste"
        err(
            f"Le texte contient des identifiants de patient : {found}. Ils {where} et ne sont "
            "écrits dans aucun journal."
        )
    missing = ws.settings.missing_details()
    if out is not None and missing:
        err(
            "Attention : coordonnées non renseignées (" + ", ".join(missing) + ") ; "
            "voir « hospidesk settings »."
        )

    structured = prepared.task.task.output.kind is OutputKind.STRUCTURED
    chunks: list[str] = []
    engine = EngineClient()
    try:
        if prepared.to_extract:
            err("Lecture des informations du texte source…")
            prepared, extraction = ws.extract(prepared, engine)
            _show_extraction(prepared, extraction)
        if structured:
            err("Rédaction de la synthèse structurée…")
        generation = ws.generate(prepared, engine, seed=args.seed, max_tokens=args.max_tokens)
        for text in generation:
            chunks.append(text)
            if not structured:
                sys.stdout.write(text)
                sys.stdout.flush()
        prepared = prepared.written_by(generation.served)
    except KeyboardInterrupt:
        engine.cancel()
        ws.cancel_remote()
        engine.close(grace=0.3)
        sys.stdout.write("\n")
        raise Cancelled("Génération interrompue : aucun fichier n'a été écrit.") from None
    except HospiDeskError:
        if chunks:  # a server that failed mid-stream: what came is kept in the history
            sys.stdout.write("\n")
            partial = "".join(chunks)
            with contextlib.suppress(HospiDeskError):
                ws.remember(prepared, partial, partial, "interrompu")
                err("Texte partiel conservé dans l'historique (hospidesk history list).")
        raise
    finally:
        engine.close()
        ws.close()
    if prepared.served is not None and prepared.served.notice:
        err(prepared.served.notice)
    body = ws.finish(prepared, "".join(chunks))
    sys.stdout.write(body if structured else "\n")
    sys.stdout.flush()
    if out is not None:
        ws.export(prepared, body, out)
        err(f"Document enregistré : {out}")
    try:
        ws.remember(prepared, "".join(chunks), body, "exporté" if out else "brouillon")
    except HospiDeskError as exc:
        err(f"Brouillon non conservé dans l'historique : {exc.message}")
    try:
        ws.record_use(
            prepared.task,
            prepared.serving.model,
            "exporté" if out else "affiché",
            time.monotonic() - started,
            body,
            body,
            args.helped,
            args.minutes_saved,
        )
    except HospiDeskError as exc:
        err(f"Mesure d'usage non enregistrée : {exc.message}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from hospidesk.governance.metrics import aggregate, to_csv, to_json

    ws = Workspace.open()
    store = ws.metrics()
    try:
        uses = store.uses()
    finally:
        store.close()
    threshold = ws.policy.metrics.min_group_size
    rows = aggregate(uses, threshold)
    text = to_json(rows, threshold) + "\n" if args.format == "json" else to_csv(rows)
    if args.out:
        from hospidesk.fsutil import atomic_write_text, check_writable_target

        out = Path(args.out).expanduser()
        check_writable_target(out)
        atomic_write_text(out, text, mode=0o644)
        suppressed = sum(1 for row in rows if row.suppressed)
        err(
            f"Mesures exportées : {len(rows)} groupes (tâche × semaine), dont {suppressed} "
            f"masqués (moins de {threshold} usages) : {out}"
        )
    else:
        sys.stdout.write(text)
    return 0


def _show_extraction(prepared: PreparedDraft, extraction: Extraction) -> None:
    labels = {f.name: f.label for f in prepared.task.task.fields}
    if extraction.values:
        err("Valeurs lues dans le texte source (à vérifier) :")
        for name, value in extraction.values.items():
            err(f"  {labels[name]} : {value}")
    for name, reason in extraction.rejected.items():
        err(f"  {labels[name]} : valeur lue écartée ({reason.rstrip('.')}).")


def cmd_tasks(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    tasks = ws.tasks()
    if args.role:
        tasks = [t for t in tasks if args.role in (t.pack.manifest.job, t.pack.id)]
    for problem in ws.pack_problems:
        err(problem)
    if args.json:
        payload = [
            {
                "ref": t.ref,
                "pack": t.pack.id,
                "pack_version": t.pack.manifest.version,
                "job": t.pack.manifest.job,
                "title": t.task.title,
                "description": t.task.description,
                "source": t.task.source.mode.value,
                "fields": [
                    {
                        "name": f.name,
                        "label": f.label,
                        "type": f.type.value,
                        "required": f.required,
                        "default": f.default,
                        "choices": list(f.choices),
                    }
                    for f in t.task.fields
                ],
            }
            for t in tasks
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    current = None
    for t in tasks:
        if t.pack.id != current:
            current = t.pack.id
            print(f"\n{t.pack.manifest.title} ({t.pack.id} {t.pack.manifest.version})")
        print(f"  {t.ref:<48} {t.task.title}")
    if not tasks:
        err("Aucune tâche disponible.")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from hospidesk.models_cli import models_list, models_verify

    ws = Workspace.open()
    if args.action == "list":
        return models_list(ws, args.json)
    return models_verify(ws, Path(args.path).expanduser() if args.path else None)


def cmd_packs(args: argparse.Namespace) -> int:
    from hospidesk.packs_cli import run

    return run(args)


def cmd_paths(args: argparse.Namespace) -> int:
    from hospidesk.paths import shipped_packs_dir

    ws = Workspace.open()
    p = ws.paths
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


def cmd_settings(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    if args.action == "set":
        ws.change_setting(args.key, args.value)
        err(f"Paramètre enregistré : {args.key}")
        return 0
    for spec, value in ws.settings.items():
        shown = value if value else "(non renseigné)"
        lock = ws.settings.locks.get(spec.key)
        note = f"  [verrouillé par la DSI : {lock.reason}]" if lock else ""
        print(f"{spec.key:<26} {shown:<40} {spec.label}{note}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    rules = ws.rules()
    if args.action == "accept":
        ws.accept_rules()
        err(f"Charte d'utilisation (version {rules.version}) acceptée.")
        return 0
    print(rules.text.rstrip())
    state = "acceptée" if ws.rules_accepted() else "pas encore acceptée (hospidesk rules accept)"
    err(f"Version {rules.version} : {state}.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    if args.action == "export":
        out = Path(args.out).expanduser()
        from hospidesk.fsutil import check_writable_target

        check_writable_target(out)
        lines = ws.audit.export(out)
        err(f"Journal d'audit exporté ({lines} lignes JSON) : {out}")
        return 0
    result = ws.audit.verify()
    if not result.ok:
        raise AuditFailure(f"Journal d'audit altéré : {result.problem}.")
    print(
        f"Journal d'audit intègre : {result.records} enregistrements, "
        f"{result.checkpoints} points de contrôle signés."
    )
    return 0


class AuditFailure(HospiDeskError):
    exit_code = 7


def cmd_servers(args: argparse.Namespace) -> int:
    from hospidesk.servers_cli import run

    return run(args)


def cmd_history(args: argparse.Namespace) -> int:
    from hospidesk.history_cli import run

    return run(args)


def cmd_doctor(args: argparse.Namespace) -> int:
    from hospidesk.doctor import run_doctor

    return run_doctor(Workspace.open())
