"""Which model writes: the catalog's entries the policy allows, their files verified, the
memory they need, and loading one into the engine (or a server, see ``routing``)."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from hospidesk.engine.catalog import MIB, ModelEntry, SpeechModelEntry, locate, package_dir
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Loaded
from hospidesk.engine.verify import HashCache, OpenModel, VerifiedModel, open_verified, verify_file
from hospidesk.errors import HospiDeskError, ModelError, UsageError
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.paths import shipped_catalog
from hospidesk.policy import ServerEntry
from hospidesk.service.routing import RemoteTarget
from hospidesk.service.workspace import Workspace

DEFAULT_CONTEXT = 4096
VERIFIED = "vérifié"
ABSENT = "absent"


@dataclass(frozen=True)
class EngineOptions:
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    adaptive_threads: bool = False
    """No ``moteur.threads`` set: every core while the processor is free, one while another
    program keeps a core busy (engine/threads.py)."""


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or psutil.cpu_count() or 1


def model_entry(ws: Workspace, model_id: str | None = None) -> ModelEntry:
    """The model asked for, or the one in the settings, or the default; if allowed."""
    chosen = model_id or ws.settings.get("moteur.modele").strip() or None
    entry = ws.catalog.by_id(chosen) if chosen else allowed_default(ws)
    if not ws.policy.models.allows(entry.id, entry.sha256):
        raise ModelError(
            f"Modèle « {entry.id} » non autorisé par la politique de la DSI sur ce poste."
        )
    return entry


def allowed_default(ws: Workspace) -> ModelEntry:
    default = ws.catalog.default()
    if ws.policy.models.allows(default.id, default.sha256):
        return default
    for item in ws.catalog.entries:
        if ws.policy.models.allows(item.entry.id, item.entry.sha256):
            return item.entry
    raise ModelError("Aucun modèle du catalogue n'est autorisé par la politique de la DSI.")


def verify_model(ws: Workspace, entry: ModelEntry) -> VerifiedModel:
    """The entry's file, found where IT or the package put it (or in the user's folder) and
    checked against its hash (``verify.check``: the one rule for every path to a model)."""
    path = locate(entry, ws.paths)
    if path is None:
        raise ModelError(
            f"Modèle « {entry.id} » introuvable : placez {entry.file} dans "
            f"{ws.paths.site_models_dir} ou {ws.paths.user_models_dir}."
        )
    return verify_file(path, ws.catalog, hash_cache(ws), entry)


def hash_cache(ws: Workspace) -> HashCache:
    """The remembered hashes, for models in IT's site folder or the installation only."""
    trusted = [ws.paths.site_models_dir, shipped_catalog().parent]
    for item in ws.catalog.entries:
        folder = package_dir(item.entry.package) if item.entry.package else None
        if folder is not None:
            trusted.append(folder)
    return HashCache(ws.paths.verified_models_file, tuple(trusted))


def check_memory(entry: ModelEntry | SpeechModelEntry) -> None:
    available = psutil.virtual_memory().available
    if entry.ram_mb * MIB > available:
        raise ModelError(
            f"Mémoire insuffisante pour le modèle « {entry.id} » : il faut environ "
            f"{entry.ram_mb / 1024:.1f} Go, {available / 1024**3:.1f} Go sont disponibles. "
            "Fermez des applications ou choisissez un modèle plus petit."
        )


def usable_model(ws: Workspace, model_id: str | None = None) -> VerifiedModel:
    """The model that writes on this workstation: allowed, verified, and it fits in memory."""
    entry = model_entry(ws, model_id)
    model = verify_model(ws, entry)
    check_memory(entry)
    return model


def fallback_model(ws: Workspace) -> VerifiedModel | None:
    """The local model a server's draft falls back to, if the policy allows and it fits."""
    if not ws.policy.servers.fallback_local:
        return None
    try:
        return usable_model(ws)
    except HospiDeskError:
        return None


def model_state(ws: Workspace, entry: ModelEntry) -> tuple[str, Path | None]:
    """« vérifié », « absent » or « refusé — why », and where the file is."""
    path = locate(entry, ws.paths)
    if path is None:
        return ABSENT, None
    try:
        verify_file(path, ws.catalog, hash_cache(ws), entry)
    except ModelError as exc:
        return f"refusé — {exc.message}", path
    return VERIFIED, path


def remote_target(
    ws: Workspace, server_id: str | None = None, model: str | None = None
) -> RemoteTarget | None:
    """The server asked for (or in the settings) if the policy lists it; None: local."""
    chosen = server_id if server_id is not None else ws.settings.get("moteur.serveur")
    chosen = chosen.strip()
    if chosen in ("", "local"):
        return None
    server = ws.policy.servers.by_id(chosen)
    if server is None:
        listed = ", ".join(s.id for s in ws.policy.servers.allowed) or "aucun"
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


def engine_options(ws: Workspace, entry: ModelEntry, gpu_offload: bool) -> EngineOptions:
    threads = ws.settings.get_int("moteur.threads") or physical_cores()
    layers = ws.settings.get_int("moteur.couches_gpu")
    if layers < 0:
        layers = -1 if gpu_offload else 0
    wanted = ws.settings.get_int("moteur.contexte") or DEFAULT_CONTEXT
    adaptive = ws.settings.get_int("moteur.threads") == 0
    return EngineOptions(min(wanted, entry.context_length), threads, layers, adaptive)


def needs_loading(engine: EngineClient, model: VerifiedModel) -> bool:
    return not engine.running or engine.loaded is None or engine.loaded.sha256 != model.entry.sha256


def ensure_loaded(ws: Workspace, engine: EngineClient, model: VerifiedModel) -> None:
    """Start the engine and load ``model`` unless it already holds it; the load is audited.

    The file is opened and checked again here, from the descriptor the engine then loads (it
    may have changed since ``model`` was verified), while the engine process starts.
    """
    if not needs_loading(engine, model):
        return
    with ThreadPoolExecutor(1, thread_name_prefix="model-check") as pool:
        checking = pool.submit(open_verified, model, hash_cache(ws))
        try:
            ready = engine.start()
        except BaseException:
            with contextlib.suppress(Exception):
                checking.result().close()
            raise
        opened = checking.result()
    options = engine_options(ws, model.entry, ready.gpu_offload)
    loaded = engine.load(
        opened,
        options.n_ctx,
        options.n_threads,
        options.n_gpu_layers,
        cache_dir=ws.paths.prefix_cache_dir,
        adaptive_threads=options.adaptive_threads,
    )
    ws.audit.append(loaded_event(opened, loaded))


def loaded_event(opened: OpenModel, loaded: Loaded) -> AuditEvent:
    """What the trail says of a load: the file, its size, the hash the check relied on, and the
    rule that let it through (see ``verify.Rule``)."""
    assert opened.model is not None
    return AuditEvent(
        AuditKind.MODEL_LOADED,
        model_sha256=opened.sha256,
        details={
            "model": opened.model.entry.id,
            "backend": "local",
            "path": str(opened.path),
            "size": opened.identity.size,
            "rule": str(opened.model.rule),
            "threads": loaded.n_threads,
            "gpu_layers": loaded.n_gpu_layers,
            "seconds": round(loaded.seconds, 2),
        },
    )


def verify_path(ws: Workspace, path: Path) -> VerifiedModel:
    """An explicit check of one file against the catalogs, by the same rule as a load."""
    return verify_file(path, ws.catalog, hash_cache(ws))


def server_entry(ws: Workspace, server_id: str) -> ServerEntry:
    """A server of the machine policy, by its id."""
    server = ws.policy.servers.by_id(server_id)
    if server is None:
        listed = ", ".join(s.id for s in ws.policy.servers.allowed) or "aucun"
        raise UsageError(
            f"Serveur « {server_id} » absent de la politique de la DSI (serveurs : {listed})."
        )
    return server


def check_server(ws: Workspace, server: ServerEntry) -> tuple[list[str], list[str]]:
    """Ask a server which models it offers (the drafts' own client: CA file, API key and
    address guard); the policy's models it lacks come second."""
    try:
        offered = ws.router.client(server).models()
    finally:
        ws.close()
    return offered, [m for m in server.models if m not in offered]
