"""What an IT technician checks first on a workstation (``hospidesk doctor``)."""

from __future__ import annotations

import platform
import socket
from dataclasses import dataclass
from pathlib import Path

import psutil

from hospidesk import __version__
from hospidesk.errors import HospiDeskError
from hospidesk.service.backends import ABSENT, VERIFIED, model_state, physical_cores
from hospidesk.service.workspace import Workspace
from hospidesk.storage import recovery_key
from hospidesk.storage.crypto import public_fingerprint
from hospidesk.storage.keys import keyring_state


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str
    blocking: bool = False
    """A failure that stops HospiDesk from drafting (the engine, the models)."""


def servers_state(ws: Workspace) -> Check:
    """The on-premises servers the policy allows (no connection: ``servers check`` does)."""
    policy = ws.policy.servers
    if not policy.allowed:
        return Check("Serveurs d'inférence", True, "aucun : les textes ne quittent pas ce poste")
    listed = ", ".join(f"{s.id} ({s.url})" for s in policy.allowed)
    chosen = ws.settings.get("moteur.serveur").strip() or "ce poste"
    return Check(
        "Serveurs d'inférence",
        True,
        f"autorisés : {listed} ; utilisé : {chosen} ; "
        + ("repli local permis" if policy.fallback_local else "pas de repli local")
        + (
            " ; identifiants pseudonymisés"
            if policy.pseudonymise
            else " ; textes envoyés tels quels"
        )
        + " (« hospidesk servers check ID » pour tester)",
    )


def network_state() -> Check:
    """Read interfaces and routes; never opens a socket to find out."""
    interfaces = [name for _, name in socket.if_nameindex() if name != "lo"]
    routes = False
    for table in (Path("/proc/net/route"), Path("/proc/net/ipv6_route")):
        try:
            lines = table.read_text().splitlines()
        except OSError:
            continue
        for line in lines[1:] if table.name == "route" else lines:
            cols = line.split()
            if table.name == "route" and len(cols) > 1 and cols[1] == "00000000":
                routes = True
            if table.name == "ipv6_route" and cols and cols[0] == "0" * 32 and cols[-1] != "lo":
                routes = True
    if not interfaces:
        detail = "poste isolé : aucune interface réseau hors boucle locale"
    elif routes:
        detail = (
            f"réseau présent ({', '.join(interfaces)}) ; HospiDesk n'ouvre aucune "
            "connexion (aucune mise à jour, aucune télémétrie, aucun téléchargement) hors des "
            "serveurs d'inférence de la politique"
        )
    else:
        detail = f"interfaces sans route par défaut ({', '.join(interfaces)})"
    return Check("Réseau", True, detail)


def keyring_check() -> Check:
    state = keyring_state()
    return Check("Trousseau du système", state.usable, state.backend)


def engine_state() -> Check:
    try:
        import llama_cpp  # only here: importing it loads the native library
    except ImportError as exc:
        return Check("Moteur llama.cpp", False, f"non installé ({exc})", blocking=True)
    info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
    features = sorted(
        {part.split("=")[0].strip() for part in info.split("|") if "= 1" in part or "=1" in part}
    )
    gpu = "oui" if llama_cpp.llama_supports_gpu_offload() else "non (calcul sur CPU)"
    return Check(
        "Moteur llama.cpp",
        True,
        f"version {llama_cpp.__version__}, GPU : {gpu}, CPU : {' '.join(features)}",
    )


def recovery_key_state(ws: Workspace) -> Check:
    label = "Clé de secours de l'historique (DSI)"
    path = ws.paths.site_recovery_key
    if not path.exists():
        return Check(label, True, f"aucune (seule la phrase de secours de l'utilisateur) : {path}")
    try:
        fingerprint = public_fingerprint(recovery_key.load_public(path))
    except HospiDeskError as exc:
        return Check(label, False, exc.message)
    wrapped = ws.key_store().it_fingerprint()
    state = (
        "cet historique en est protégé"
        if wrapped == fingerprint
        else "cet historique le sera à sa prochaine ouverture"
    )
    return Check(label, True, f"empreinte {fingerprint} ; {state}")


def letterhead_check(ws: Workspace) -> Check:
    """Which letterheads are in force; a refused one is a failure, said in one line each."""
    state = ws.letterheads
    parts = []
    if state.site is not None:
        parts.append(f"{state.site.label} (sha256 {state.site.sha256[:12]}…)")
    else:
        parts.append(f"aucun ({ws.paths.site_letterhead} : modèles des tâches seuls)")
    parts += [f"{job} : {item.label}" for job, item in sorted(state.jobs.items())]
    for item in (state.site, *state.jobs.values()):
        if item is not None:
            parts += [f"{item.label} : {note}" for note in item.notes]
    parts += state.problems
    return Check("En-tête de l'établissement", not state.refused, " ; ".join(parts))


def model_checks(ws: Workspace) -> list[Check]:
    checks = []
    present = 0
    for item in ws.catalog.entries:
        state, path = model_state(ws, item.entry)
        if path is not None:
            present += 1
        ok = state in (VERIFIED, ABSENT)
        checks.append(Check(f"Modèle {item.entry.id}", ok, state, blocking=True))
    if not present:
        checks.append(Check("Modèles", False, "aucun modèle approuvé n'est présent", blocking=True))
    return checks


def run_checks(ws: Workspace) -> list[Check]:
    """Every check, in the order a technician reads them."""
    memory = psutil.virtual_memory()
    checks: list[Check] = [
        Check(
            "HospiDesk",
            True,
            f"{__version__} (Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()})",
        ),
        Check(
            "Processeur et mémoire",
            True,
            f"{physical_cores()} cœurs physiques, {memory.total / 1024**3:.1f} "
            f"Go de mémoire, {memory.available / 1024**3:.1f} Go disponibles",
        ),
        engine_state(),
        *model_checks(ws),
    ]
    site = ws.paths.site
    site_detail = str(site.path)
    if site.override_ignored:
        site_detail += f" (HOSPIDESK_SITE_DIR ignoré : {site.override_ignored})"
    checks.append(Check("Répertoire de la DSI", True, site_detail))
    packs = ws.packs
    checks.append(
        Check(
            "Packs de tâches",
            not ws.pack_problems,
            f"{len(packs)} pack(s), {len(ws.tasks())} tâche(s)"
            + "".join(f" ; ignoré : {p}" for p in ws.pack_problems),
        )
    )
    checks.append(letterhead_check(ws))
    missing = ws.settings.missing_details()
    checks.append(
        Check(
            "Coordonnées de l'établissement",
            not missing,
            "renseignées" if not missing else "à renseigner : " + ", ".join(missing),
        )
    )
    checks += [keyring_check(), recovery_key_state(ws), servers_state(ws), network_state()]
    return checks
