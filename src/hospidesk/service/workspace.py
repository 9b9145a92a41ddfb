"""One user's context, read once: the use cases in the modules beside this one take it."""

from __future__ import annotations

import threading

from hospidesk.engine.catalog import Catalog, load_catalog
from hospidesk.errors import UsageError
from hospidesk.governance.audit import AuditEvent, AuditKind, AuditTrail
from hospidesk.governance.forward import make_forwarder
from hospidesk.packs.loader import Pack, PackTask, all_tasks, discover, find_task, newest
from hospidesk.packs.signing import TrustedKeys
from hospidesk.packs.store import PackStore
from hospidesk.paths import Paths, get_paths, shipped_packs_dir
from hospidesk.policy import ALL_JOBS, current_user, load_policy
from hospidesk.service.letterheads import Letterheads, load_letterheads
from hospidesk.service.routing import Router
from hospidesk.settings import Lock, Settings
from hospidesk.storage.keys import KeyStore


class Workspace:
    """Paths, policy, settings, user, audit trail, catalog, packs, letterheads and router.

    The catalog, the packs and the router are read on first use, under a lock: the window
    uses one workspace from its own thread and from the engine thread.
    """

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
        self.audit = AuditTrail(paths.data, self.user, make_forwarder(self.policy.audit))
        self.pack_problems: list[str] = []
        self._lock = threading.RLock()
        self._catalog: Catalog | None = None
        self._managed: tuple[list[Pack], list[str]] | None = None
        self._packs: list[Pack] | None = None
        self._router: Router | None = None
        self._letterheads: Letterheads | None = None

    @classmethod
    def open(cls) -> Workspace:
        return cls(get_paths())

    @property
    def catalog(self) -> Catalog:
        with self._lock:
            if self._catalog is None:
                self._catalog = load_catalog(self.paths)
            return self._catalog

    @property
    def router(self) -> Router:
        """The clients of the on-premises servers of this process (see service.routing)."""
        with self._lock:
            if self._router is None:
                self._router = Router(self.policy.servers, self.paths.site.path, self.audit.append)
            return self._router

    def close(self) -> None:
        """Close the connections to servers (the local engine belongs to its caller)."""
        with self._lock:
            if self._router is not None:
                self._router.close()
                self._router = None

    @property
    def letterheads(self) -> Letterheads:
        """IT's letterheads, checked once; each refusal is recorded in the audit trail."""
        with self._lock:
            if self._letterheads is None:
                self._letterheads = load_letterheads(self.paths)
                for refusal in self._letterheads.refused:
                    self.audit.append(
                        AuditEvent(
                            AuditKind.LETTERHEAD_REFUSED,
                            details={"file": refusal.label, "reason": refusal.reason},
                        )
                    )
            return self._letterheads

    def key_store(self) -> KeyStore:
        return KeyStore(self.paths.data, it_public=self.paths.site_recovery_key)

    def pack_store(self) -> PackStore:
        trusted = TrustedKeys.load(self.paths.trusted_keys_dir)
        return PackStore(self.paths.user_packs_dir, trusted, self.policy)

    def managed_packs(self) -> list[Pack]:
        """Packs that ship with the app or that IT put in the site directory (read once)."""
        with self._lock:
            if self._managed is None:
                self._managed = discover([shipped_packs_dir(), self.paths.site_packs_dir])
            return list(self._managed[0])

    @property
    def packs(self) -> list[Pack]:
        """The usable packs: managed ones and verified user imports, newest version of each.

        A user import that no longer verifies (a key IT removed, a changed file) is left out,
        said in ``pack_problems`` and recorded in the audit trail.
        """
        with self._lock:
            if self._packs is None:
                packs = self.managed_packs()
                problems = list(self._managed[1]) if self._managed else []
                for item in self.pack_store().installed():
                    if item.pack is not None and item.active:
                        packs.append(item.pack)
                    elif item.problem:
                        problems.append(item.problem)
                        self.audit.append(
                            AuditEvent(
                                AuditKind.PACK_DISABLED,
                                details={"pack": item.folder.name, "reason": item.problem},
                            )
                        )
                self.pack_problems = problems
                self._packs = newest(packs)
            return self._packs

    def job_visible(self, job: str) -> bool:
        """Whether the policy's roles show this user the tasks of ``job``."""
        jobs = self.policy.roles.visible_jobs(self.user, self.groups)
        return ALL_JOBS in jobs or job in jobs

    def tasks(self) -> list[PackTask]:
        """The tasks this user may use (the policy may hide some jobs)."""
        jobs = self.policy.roles.visible_jobs(self.user, self.groups)
        everything = ALL_JOBS in jobs
        return [t for t in all_tasks(self.packs) if everything or t.pack.manifest.job in jobs]

    def task(self, ref: str) -> PackTask:
        item = find_task(self.packs, ref)
        if not self.job_visible(item.pack.manifest.job):
            raise UsageError(
                f"La tâche {ref} n'est pas ouverte à votre profil (politique de la DSI)."
            )
        return item
