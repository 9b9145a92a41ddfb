"""The use cases shared by the CLI and the window: list tasks, prepare, generate and export.

Everything is checked before the model starts (task, fields, source, model, memory, output
folder), so a mistake costs the user no waiting. The engine is passed in: the CLI owns one
worker for one draft, the window keeps one alive.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import psutil

from hospidesk.documents.render import LetterContext, render_to_file, split_paragraphs
from hospidesk.documents.sources import read_source
from hospidesk.engine.catalog import MIB, Catalog, ModelEntry, load_catalog, locate
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Message
from hospidesk.engine.verify import HashCache, VerifiedModel, verify_file
from hospidesk.errors import EngineError, HospiDeskError, ModelError, UsageError
from hospidesk.fsutil import atomic_write_text, check_writable_target
from hospidesk.governance.audit import AuditEvent, AuditTrail, Digest
from hospidesk.governance.metrics import MetricsStore, Use, edit_ratio
from hospidesk.governance.rules import Rules, RulesAcceptance, rules_in_force
from hospidesk.packs.loader import Pack, PackTask, all_tasks, discover, find_task, newest
from hospidesk.packs.model import FieldType, OutputKind, SourceMode, TaskField, validate_value
from hospidesk.packs.prompt import build_messages
from hospidesk.packs.signing import TrustedKeys
from hospidesk.packs.store import PackStore
from hospidesk.packs.structured import (
    extraction_prompt,
    extraction_schema,
    output_schema,
    parse_json_object,
    structured_to_text,
)
from hospidesk.paths import Paths, get_paths, shipped_packs_dir
from hospidesk.policy import current_user, load_policy, policy_digest
from hospidesk.serving import Generation, RemoteTarget, Router, Served
from hospidesk.settings import Lock, Settings
from hospidesk.storage.history import DraftContent, DraftInfo, History
from hospidesk.storage.keys import KeyStore

DEFAULT_CONTEXT = 4096


class FieldErrors(UsageError):
    """Invalid field values: ``errors`` maps each field name to its French reason."""

    def __init__(self, task: PackTask, errors: dict[str, str]) -> None:
        labels = {f.name: f.label for f in task.task.fields}
        parts = [
            f"« {labels.get(name, name)} » : {reason.rstrip('.')}"
            for name, reason in errors.items()
        ]
        prefix = "Champ à corriger" if len(parts) == 1 else "Champs à corriger"
        super().__init__(f"{prefix} : " + " ; ".join(parts) + ".")
        self.errors = errors


@dataclass(frozen=True)
class DraftRequest:
    task_ref: str
    fields: Mapping[str, str]
    source_text: str | None = None
    source_file: Path | None = None
    model_id: str | None = None
    server: str | None = None
    """A server id of the machine policy, ``local`` for this workstation; None: the setting."""


@dataclass(frozen=True)
class PreparedDraft:
    task: PackTask
    values: Mapping[str, str]
    source: str | None
    model: VerifiedModel | None
    """The workstation's model; None only when a server writes and no local model may."""
    messages: tuple[Message, ...]
    typed: frozenset[str] = frozenset()
    """Fields the user filled in (extraction never overrides them)."""
    remote: RemoteTarget | None = None
    """The on-premises server chosen for this draft, if any."""
    served: Served | None = None
    """Who wrote the draft, once generated (see ``Workspace.generate``)."""

    @property
    def serving(self) -> Served:
        """Who wrote the draft, or who is expected to write it."""
        if self.served is not None:
            return self.served
        if self.remote is not None:
            return Served(f"serveur:{self.remote.server.id}", self.remote.model)
        assert self.model is not None
        return Served.local(self.model)

    def written_by(self, served: Served | None) -> PreparedDraft:
        return replace(self, served=served) if served is not None else self

    @property
    def identity_values(self) -> list[str]:
        """Values of the identity fields (names), for the privacy guard."""
        return [self.values.get(f.name, "") for f in self.task.task.fields if f.identity]

    @property
    def to_extract(self) -> list[TaskField]:
        if not self.source:
            return []
        return [f for f in self.task.task.extractable if f.name not in self.typed]


@dataclass(frozen=True)
class Extraction:
    """Values read from the source for the user to check, and those refused with why."""

    values: Mapping[str, str]
    rejected: Mapping[str, str]


@dataclass(frozen=True)
class EngineOptions:
    n_ctx: int
    n_threads: int
    n_gpu_layers: int


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or psutil.cpu_count() or 1


class Workspace:
    """Paths, settings, catalog and packs of one user, read once."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.policy = load_policy(paths)
        locks = {k: Lock(v.value, v.reason) for k, v in self.policy.locks().items()}
        if self.policy.metrics.require_feedback:
            locks["retours.demander"] = Lock(
                "oui", "la mesure des gains de l'établissement demande votre avis"
            )
        self.settings = Settings.load(paths.settings_file, locks)
        self.user, self.groups = current_user()
        self.audit = AuditTrail(paths.data, self.user)
        self._catalog: Catalog | None = None
        self._packs: list[Pack] | None = None
        self._managed: tuple[list[Pack], list[str]] | None = None
        self.pack_problems: list[str] = []
        self._router: Router | None = None

    @classmethod
    def open(cls) -> Workspace:
        return cls(get_paths())

    # governance

    def open_session(self, interface: str) -> None:
        """Record a start, and what the start noticed: an ignored override, a new policy."""
        from hospidesk import __version__

        self.audit.append(
            AuditEvent("start", details={"interface": interface, "version": __version__})
        )
        if self.paths.site.override_ignored:
            self.audit.append(
                AuditEvent(
                    "override_ignored",
                    details={
                        "variable": "HOSPIDESK_SITE_DIR",
                        "ignored": self.paths.site.override_ignored,
                        "site": str(self.paths.site.path),
                    },
                )
            )
        with contextlib.suppress(HospiDeskError):  # a locked history is said when it is used
            self.purge_history()
        digest = policy_digest(self.paths)
        seen = self.paths.data / "policy-seen.txt"
        previous = seen.read_text().strip() if seen.exists() else None
        if digest != previous:
            self.audit.append(AuditEvent("policy_changed", details={"policy_sha256": digest}))
            seen.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(seen, digest or "")

    def key_store(self) -> KeyStore:
        return KeyStore(self.paths.data, it_public=self.paths.site_recovery_key)

    def history(self) -> History:
        """The encrypted history (KeyUnavailable when its key cannot be had)."""
        return History(self.paths.history_db, self.key_store().load())

    def recover_history_key(self, passphrase: str, it_key: Path | None = None) -> None:
        """Put the history key back in the keyring (user's passphrase, or IT's key); audited."""
        if it_key is not None:
            self.key_store().recover_with_it_key(it_key, passphrase)
        else:
            self.key_store().recover(passphrase)
        by = "it-key" if it_key is not None else "passphrase"
        self.audit.append(AuditEvent("history_key_recovered", details={"by": by}))

    def delete_draft(self, history: History, info: DraftInfo) -> None:
        """Delete one kept draft; the audit says which task, never what it held."""
        history.delete(info.id)
        self.audit.append(AuditEvent("history_deleted", task=info.task_ref, details={"count": 1}))

    def purge_history(self) -> int:
        """Delete drafts older than the policy's retention; audited as a count."""
        if not self.paths.history_db.exists():
            return 0
        history = self.history()
        try:
            count = history.purge(self.policy.history.retention_days)
        finally:
            history.close()
        if count:
            self.audit.append(
                AuditEvent(
                    "history_purged",
                    details={"count": count, "retention_days": self.policy.history.retention_days},
                )
            )
        return count

    def remember(
        self,
        prepared: PreparedDraft,
        model_draft: str,
        text: str,
        status: str = "brouillon",
        draft_id: str | None = None,
    ) -> str:
        """Keep a draft in the encrypted history; returns its id (to update it later)."""
        history = self.history()
        try:
            return history.save(
                prepared.task.ref,
                prepared.task.pack.manifest.version,
                DraftContent(dict(prepared.values), prepared.source, model_draft, text),
                status,
                draft_id,
            )
        finally:
            history.close()

    def metrics(self) -> MetricsStore:
        return MetricsStore(self.paths.metrics_db)

    def record_use(
        self,
        task: PackTask,
        model_id: str,
        outcome: str,
        seconds: float | None,
        model_text: str,
        final_text: str,
        helped: str | None = None,
        minutes_saved: int | None = None,
    ) -> int:
        """One use in the metrics (no content: see governance.metrics); returns its id."""
        store = self.metrics()
        try:
            return store.record(
                Use(
                    task.pack.manifest.job,
                    task.ref,
                    task.pack.manifest.version,
                    model_id,
                    outcome,
                    date.today(),
                    None if seconds is None else round(seconds),
                    edit_ratio(model_text, final_text),
                    helped,
                    minutes_saved,
                )
            )
        finally:
            store.close()

    def rules(self) -> Rules:
        return rules_in_force(self.policy, self.paths.site.path)

    def rules_accepted(self) -> bool:
        return RulesAcceptance(self.paths.rules_file).accepted(self.rules().version)

    def accept_rules(self) -> None:
        rules = self.rules()
        RulesAcceptance(self.paths.rules_file).accept(rules.version)
        self.audit.append(AuditEvent("rules_accepted", details={"version": rules.version}))

    def require_rules(self) -> None:
        if not self.rules_accepted():
            raise UsageError(
                "Acceptez d'abord la charte d'utilisation (version "
                f"{self.rules().version}) : « hospidesk rules show » pour la lire, puis "
                "« hospidesk rules accept »."
            )

    def change_setting(self, key: str, value: str) -> None:
        self.settings.set(key, value)
        self.audit.append(AuditEvent("settings_changed", details={"key": key}))

    def visible_jobs(self) -> frozenset[str]:
        return self.policy.roles.visible_jobs(self.user, self.groups)

    def job_visible(self, job: str) -> bool:
        jobs = self.visible_jobs()
        return "*" in jobs or job in jobs

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog(self.paths)
        return self._catalog

    def pack_store(self) -> PackStore:
        trusted = TrustedKeys.load(self.paths.trusted_keys_dir)
        return PackStore(self.paths.user_packs_dir, trusted, self.policy)

    def managed_packs(self) -> list[Pack]:
        """Packs that ship with the app or that IT put in the site directory (read once)."""
        if self._managed is None:
            self._managed = discover([shipped_packs_dir(), self.paths.site_packs_dir])
        return list(self._managed[0])

    @property
    def packs(self) -> list[Pack]:
        """The usable packs: managed ones and verified user imports, newest version of each."""
        if self._packs is None:
            packs = self.managed_packs()
            self.pack_problems = list(self._managed[1]) if self._managed else []
            for item in self.pack_store().installed():
                if item.pack is not None and item.active:
                    packs.append(item.pack)
                elif item.problem:
                    self.pack_problems.append(item.problem)
                    self.audit.append(
                        AuditEvent(
                            "pack_disabled",
                            details={"pack": item.folder.name, "reason": item.problem},
                        )
                    )
            self._packs = newest(packs)
        return self._packs

    def tasks(self) -> list[PackTask]:
        """The tasks this user may use (the policy may hide some jobs)."""
        return [t for t in all_tasks(self.packs) if self.job_visible(t.pack.manifest.job)]

    def task(self, ref: str) -> PackTask:
        item = find_task(self.packs, ref)
        if not self.job_visible(item.pack.manifest.job):
            raise UsageError(
                f"La tâche {ref} n'est pas ouverte à votre profil (politique de la DSI)."
            )
        return item

    # models

    def model_entry(self, model_id: str | None) -> ModelEntry:
        """The model asked for, or the one in the settings, or the default; if allowed."""
        chosen = model_id or self.settings.get("moteur.modele").strip() or None
        entry = self.catalog.by_id(chosen) if chosen else self.allowed_default()
        if not self.policy.models.allows(entry.id, entry.sha256):
            raise ModelError(
                f"Modèle « {entry.id} » non autorisé par la politique de la DSI sur ce poste."
            )
        return entry

    def allowed_default(self) -> ModelEntry:
        default = self.catalog.default()
        if self.policy.models.allows(default.id, default.sha256):
            return default
        for item in self.catalog.entries:
            if self.policy.models.allows(item.entry.id, item.entry.sha256):
                return item.entry
        raise ModelError("Aucun modèle du catalogue n'est autorisé par la politique de la DSI.")

    @property
    def router(self) -> Router:
        if self._router is None:
            self._router = Router(self.policy.servers, self.paths.site.path, self.audit.append)
        return self._router

    def remote_target(self, server_id: str | None, model: str | None = None) -> RemoteTarget | None:
        """The server asked for (or in the settings) if the policy lists it; None: local."""
        chosen = server_id if server_id is not None else self.settings.get("moteur.serveur")
        chosen = chosen.strip()
        if chosen in ("", "local"):
            return None
        server = self.policy.servers.by_id(chosen)
        if server is None:
            listed = ", ".join(s.id for s in self.policy.servers.allowed) or "aucun"
            raise ModelError(
                f"Serveur « {chosen} » non autorisé par la politique de la DSI "
                f"(serveurs autorisés : {listed})."
            )
        if model is not None and model not in server.models:
            raise ModelError(
                f"Modèle « {model} » non proposé par le serveur « {server.name} » "
                f"(modèles : {', '.join(server.models)})."
            )
        return RemoteTarget(server, model or server.models[0])

    def fallback_model(self) -> VerifiedModel | None:
        """The local model a server's draft falls back to, if the policy allows and it fits."""
        if not self.policy.servers.fallback_local:
            return None
        try:
            entry = self.model_entry(None)
            model = self.verify_model(entry)
            self.check_memory(entry)
        except HospiDeskError:
            return None
        return model

    def close(self) -> None:
        """Close the connections to servers (the local engine belongs to its caller)."""
        if self._router is not None:
            self._router.close()
            self._router = None

    def cancel_remote(self) -> None:
        """Stop a server's stream (thread-safe), as ``EngineClient.cancel`` does locally."""
        if self._router is not None:
            self._router.cancel()

    def verify_model(self, entry: ModelEntry) -> VerifiedModel:
        path = locate(entry, self.paths)
        if path is None:
            raise ModelError(
                f"Modèle « {entry.id} » introuvable : placez {entry.file} dans "
                f"{self.paths.site_models_dir} ou {self.paths.user_models_dir}."
            )
        return verify_file(path, self.catalog, HashCache(self.paths.verified_models_file), entry)

    def check_memory(self, entry: ModelEntry) -> None:
        available = psutil.virtual_memory().available
        if entry.ram_mb * MIB > available:
            raise ModelError(
                f"Mémoire insuffisante pour le modèle « {entry.id} » : il faut environ "
                f"{entry.ram_mb / 1024:.1f} Go, {available / 1024**3:.1f} Go sont disponibles. "
                "Fermez des applications ou choisissez un modèle plus petit."
            )

    def engine_options(self, entry: ModelEntry, gpu_offload: bool) -> EngineOptions:
        threads = self.settings.get_int("moteur.threads") or physical_cores()
        layers = self.settings.get_int("moteur.couches_gpu")
        if layers < 0:
            layers = -1 if gpu_offload else 0
        wanted = self.settings.get_int("moteur.contexte") or DEFAULT_CONTEXT
        return EngineOptions(min(wanted, entry.context_length), threads, layers)

    # drafting

    def prepare(self, request: DraftRequest, model: VerifiedModel | None = None) -> PreparedDraft:
        """Every check that needs no model: task, fields, source, model file and memory.

        ``model``: an already verified model (the window verifies it once, off its thread).
        """
        item = self.task(request.task_ref)
        task = item.task
        known = {f.name for f in task.fields}
        unknown = [name for name in request.fields if name not in known]
        if unknown:
            names = ", ".join(sorted(known)) or "aucun"
            raise UsageError(
                f"Champ inconnu pour la tâche {item.ref} : « {unknown[0]} ». Champs : {names}."
            )
        values = {f.name: request.fields.get(f.name, f.default) for f in task.fields}
        source = request.source_text
        if request.source_file is not None:
            suffix = request.source_file.suffix.lower().lstrip(".") or "txt"
            if suffix not in task.source.types:
                accepted = ", ".join(f".{t}" for t in task.source.types)
                raise UsageError(
                    f"La tâche {item.ref} n'accepte pas les fichiers .{suffix} "
                    f"(formats acceptés : {accepted})."
                )
            source = read_source(request.source_file)
        if source is not None and not source.strip():
            raise UsageError("Le texte source est vide.")
        if task.source.mode is SourceMode.REQUIRED and not source:
            raise UsageError(
                f"La tâche {item.ref} a besoin d'un texte source ({task.source.label}) : "
                "utilisez --source FICHIER (ou - pour l'entrée standard)."
            )
        if task.source.mode is SourceMode.NONE and source:
            raise UsageError(f"La tâche {item.ref} ne prend pas de texte source.")
        if source and len(source) > task.source.max_chars:
            raise UsageError(
                f"Texte source trop long : {len(source)} caractères "
                f"(maximum {task.source.max_chars} pour cette tâche)."
            )

        # A required field the model will look for in the source is checked after extraction.
        deferred = {f.name for f in task.extractable if source and f.name not in request.fields}
        errors = {
            f.name: reason
            for f in task.fields
            if (reason := validate_value(f, values[f.name])) is not None
            and not (f.name in deferred and not values[f.name].strip())
        }
        if errors:
            raise FieldErrors(item, errors)

        remote = self.remote_target(request.server, request.model_id if request.server else None)
        if remote is not None:
            model = model or self.fallback_model()
        elif model is None:
            entry = self.model_entry(request.model_id)
            model = self.verify_model(entry)
            self.check_memory(entry)
        messages = build_messages(task, values, source)
        return PreparedDraft(
            item, values, source, model, messages, frozenset(request.fields), remote
        )

    def ensure_loaded(self, model: VerifiedModel, engine: EngineClient) -> None:
        """Start the engine and load ``model`` unless it already holds it."""
        ready = engine.start()
        if engine.loaded is None or engine.loaded.sha256 != model.entry.sha256:
            options = self.engine_options(model.entry, ready.gpu_offload)
            loaded = engine.load(
                model,
                options.n_ctx,
                options.n_threads,
                options.n_gpu_layers,
                cache_dir=self.paths.prefix_cache_dir,
            )
            self.audit.append(
                AuditEvent(
                    "model_loaded",
                    model_sha256=model.entry.sha256,
                    details={
                        "model": model.entry.id,
                        "backend": "local",
                        "threads": loaded.n_threads,
                        "gpu_layers": loaded.n_gpu_layers,
                        "seconds": round(loaded.seconds, 2),
                    },
                )
            )

    def extract(
        self, prepared: PreparedDraft, engine: EngineClient
    ) -> tuple[PreparedDraft, Extraction]:
        """Fill the fields the task reads from the source, by grammar-constrained JSON."""
        fields = prepared.to_extract
        if not fields:
            return prepared, Extraction({}, {})
        messages = (
            Message("system", extraction_prompt(fields)),
            Message("user", f'Texte :\n"""\n{prepared.source}\n"""\n\nExtrais les informations.'),
        )
        schema = json.dumps(extraction_schema(fields), ensure_ascii=False)
        budget = min(400, 40 + 60 * len(fields))  # bounded by the schema's maxLength anyway
        raw = "".join(
            self._generation(
                prepared, engine, messages, max_tokens=budget, temperature=0.0, json_schema=schema
            )
        )
        try:
            data = parse_json_object(raw)
        except ValueError:
            data = {}
        accepted: dict[str, str] = {}
        rejected: dict[str, str] = {}
        for f in fields:
            value = str(data.get(f.name, "")).strip()
            if not value:
                continue
            reason = validate_value(f, value)
            if reason is None:
                accepted[f.name] = value
            else:
                rejected[f.name] = reason
        values = {**prepared.values, **accepted}
        task = prepared.task
        errors = {
            f.name: "introuvable dans le texte source, à saisir"
            if f.name in {x.name for x in fields}
            else reason
            for f in task.task.fields
            if (reason := validate_value(f, values[f.name])) is not None
        }
        if errors:
            raise FieldErrors(task, errors)
        updated = replace(
            prepared,
            values=values,
            messages=build_messages(task.task, values, prepared.source),
        )
        return updated, Extraction(accepted, rejected)

    def generate(
        self,
        prepared: PreparedDraft,
        engine: EngineClient,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> Generation:
        """Stream the model's output (JSON for a structured task: see ``finish``).

        The draft's server when it has one (and is up), else the local model, loaded in
        ``engine`` first if it holds another one. The result's ``served`` says which.
        """
        task = prepared.task.task
        schema = None
        if task.output.kind is OutputKind.STRUCTURED:
            schema = json.dumps(output_schema(task.output.sections), ensure_ascii=False)
        return self._generation(
            prepared,
            engine,
            prepared.messages,
            max_tokens=max_tokens or task.generation.max_tokens,
            temperature=task.generation.temperature,
            seed=seed,
            json_schema=schema,
        )

    def _generation(
        self,
        prepared: PreparedDraft,
        engine: EngineClient,
        messages: tuple[Message, ...],
        **options: object,
    ) -> Generation:
        model = prepared.model

        def ensure_local() -> None:
            assert model is not None
            self.ensure_loaded(model, engine)

        return Generation(
            lambda generation: self.router.run(
                generation,
                prepared.remote,
                model,
                engine,
                ensure_local,
                messages,
                prepared.identity_values,
                **options,
            )
        )

    def finish(self, prepared: PreparedDraft, raw: str) -> str:
        """The draft the user reviews (a structured output as text); the run is audited."""
        output = prepared.task.task.output
        if output.kind is OutputKind.TEXT:
            # Small models sometimes echo the quotes that delimit the source in the prompt.
            kept = [line for line in raw.split("\n") if line.strip() != '"""']
            body = "\n".join(kept).strip("\n")
        else:
            try:
                data = parse_json_object(raw)
            except ValueError:
                raise EngineError(
                    "Le modèle n'a pas produit une synthèse exploitable : relancez la génération."
                ) from None
            body = structured_to_text(data, output.sections)
        served = prepared.serving
        self.audit.append(
            AuditEvent(
                "task_run",
                task=prepared.task.ref,
                model_sha256=served.sha256,
                inputs=self._input_digests(prepared),
                output=self.audit.digest("brouillon", body),
                details={
                    "pack_version": prepared.task.pack.manifest.version,
                    "backend": served.backend,
                    "model": served.model,
                },
            )
        )
        return body

    def _input_digests(self, prepared: PreparedDraft) -> tuple[Digest, ...]:
        fields = json.dumps(dict(prepared.values), sort_keys=True, ensure_ascii=False)
        digests = [self.audit.digest("champs", fields)]
        if prepared.source:
            digests.append(self.audit.digest("source", prepared.source))
        return tuple(digests)

    def letter_context(
        self, prepared: PreparedDraft, body: str, today: date | None = None
    ) -> LetterContext:
        task = prepared.task.task
        s = self.settings
        objet = prepared.values.get("objet", "").strip() or task.subject
        return LetterContext(
            etablissement={
                "nom": s.shown("etablissement.nom"),
                "service": s.shown("etablissement.service"),
                "adresse": s.shown("etablissement.adresse"),
                "telephone": s.shown("etablissement.telephone"),
                "ville": s.shown("etablissement.ville"),
            },
            signataire={
                "nom": s.shown("signataire.nom"),
                "fonction": s.shown("signataire.fonction"),
            },
            champs=dict(prepared.values),
            multiline=frozenset(f.name for f in task.fields if f.type is FieldType.LONG_TEXT),
            objet=objet,
            body=body,
            today=today or date.today(),
        )

    def export(self, prepared: PreparedDraft, body: str, out: Path) -> None:
        """Write the .docx atomically; refuse an empty body rather than an empty letter."""
        if not split_paragraphs(body):
            raise EngineError(
                "Le modèle n'a produit aucun texte : rien n'a été enregistré. Relancez la "
                "génération ou complétez les informations."
            )
        check_writable_target(out)
        render_to_file(prepared.task.template_path, self.letter_context(prepared, body), out)
        self.audit.append(
            AuditEvent(
                "export",
                task=prepared.task.ref,
                model_sha256=prepared.serving.sha256,
                inputs=(self.audit.digest("texte", body),),
                output=self.audit.digest("docx", out.read_bytes()),
                details={"format": "docx"},
            )
        )
