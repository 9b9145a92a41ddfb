"""The machine policy: ``policy.toml`` in the site directory, set by IT.

Every key is declared here; an unknown key or a bad value stops the app with the key and the
reason, rather than running with a partly understood policy.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import tomllib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hospidesk.errors import HospiDeskError
from hospidesk.netguard import normalise_server_url
from hospidesk.paths import POLICY_FILE, Paths
from hospidesk.settings import SPEC_BY_KEY, check_value
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

    publish_dir: str = ""
    """Where the studio publishes signed packs (a share IT collects them from); empty: the
    referent chooses a folder."""

    def unsigned_allowed_for(self, user: str, groups: frozenset[str]) -> bool:
        if not self.allow_unsigned:
            return False
        return not self.unsigned_for or _matches(self.unsigned_for, user, groups)


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
        if self.key not in SPEC_BY_KEY:
            raise ValueError(f"paramètre inconnu : {self.key}")
        check_value(SPEC_BY_KEY[self.key], self.value)
        return self


ALL_JOBS = "*"


def _matches(entries: tuple[str, ...], user: str, groups: frozenset[str]) -> bool:
    return any((e[1:] in groups) if e.startswith("@") else e == user for e in entries)


class RoleAssignment(_Strict):
    jobs: tuple[str, ...] = Field(min_length=1)
    """Jobs (pack ``job``) these users see; ``*`` for all."""
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _someone(self) -> RoleAssignment:
        if not self.users and not self.groups:
            raise ValueError("indiquez au moins un utilisateur (users) ou un groupe (groups)")
        return self


class RolesPolicy(_Strict):
    default: tuple[str, ...] = (ALL_JOBS,)
    """Jobs every user sees; ``[]`` for none, ``["*"]`` for all."""
    assign: tuple[RoleAssignment, ...] = ()

    def visible_jobs(self, user: str, groups: frozenset[str]) -> frozenset[str]:
        jobs = set(self.default)
        for rule in self.assign:
            if user in rule.users or groups & set(rule.groups):
                jobs.update(rule.jobs)
        return frozenset(jobs)


class ModelsPolicy(_Strict):
    allowed: tuple[str, ...] = ()
    """Catalog ids or ``sha256:<hex>`` of the models users may load; empty = every approved one."""
    warm_up: Literal["all", "favourites", "off"] = "all"
    """After the model loads, while the user is idle, read every task's instructions ahead
    (``all``), only the user's favourites (``favourites``), or none (``off``)."""

    def allows(self, model_id: str, sha256: str) -> bool:
        return not self.allowed or model_id in self.allowed or f"sha256:{sha256}" in self.allowed


class DictationPolicy(_Strict):
    enabled: bool = True
    """False: no dictation on this workstation, from a file or the microphone."""
    allowed: tuple[str, ...] = ()
    """Speech model ids of the catalogs users may use; empty = every approved one."""

    def allows(self, model_id: str) -> bool:
        return self.enabled and (not self.allowed or model_id in self.allowed)


class HistoryPolicy(_Strict):
    retention_days: int = Field(default=30, ge=1, le=3650)


class MetricsPolicy(_Strict):
    require_feedback: bool = False
    """Ask after every task whether it helped, without the user being able to turn it off."""
    min_group_size: int = Field(default=5, ge=2, le=1000)
    """In ``hospidesk stats``, groups with fewer uses lose their figures."""
    export_dir: str | None = Field(default=None, min_length=1, max_length=1000)
    """A folder (a share the evaluation team reads) where the window writes this
    workstation's weekly export at its first start of each ISO week (service.weekly)."""


class ServerEntry(_Strict):
    """An on-premises inference server speaking the OpenAI-compatible HTTP API."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    """Short name used in the settings (``moteur.serveur``) and the audit trail."""
    name: str = Field(min_length=1, max_length=80)
    """Shown to users."""
    url: str
    """Base URL of the API, e.g. ``https://ia.chu.local:8443/v1``: HTTPS, or plain HTTP to
    this machine only (127.0.0.1, ::1, localhost)."""
    models: tuple[str, ...] = Field(min_length=1)
    """Model names as the server lists them; the first is the default."""
    ca_file: str = ""
    """PEM file in the site directory: the only certificate authority trusted for this server
    (the hospital's). Empty: the system's authorities."""
    api_key: bool = False
    """Whether the server needs an API key (kept in the OS keyring, never in a file)."""
    schema_style: Literal["openai", "llama.cpp"] = "openai"
    """How JSON output is constrained: ``openai`` (response_format json_schema: vLLM,
    llama.cpp's llama-server) or ``llama.cpp`` (json_object with a schema: llama-cpp-python's
    server)."""
    timeout_seconds: float = Field(default=120.0, ge=5, le=3600)
    """Longest wait for the server's next piece of text (or its first, while it reads)."""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalise_server_url(value)


class ServersPolicy(_Strict):
    allowed: tuple[ServerEntry, ...] = ()
    """The only servers the app may connect to; any other address is refused before a socket
    opens."""
    fallback_local: bool = True
    """When the server cannot be reached, use the workstation's own model instead."""
    pseudonymise: bool = True
    """Replace patient identifiers by placeholders before a request leaves the machine, and
    put them back in the draft."""

    @model_validator(mode="after")
    def _unique(self) -> ServersPolicy:
        ids = [server.id for server in self.allowed]
        if len(ids) != len(set(ids)):
            raise ValueError("deux serveurs portent le même identifiant (id)")
        return self

    def by_id(self, server_id: str) -> ServerEntry | None:
        return next((s for s in self.allowed if s.id == server_id), None)


class RulesPolicy(_Strict):
    version: str = Field(min_length=1, max_length=40)
    text: str = ""
    text_file: str = ""
    """A file of the site directory holding the rules (Markdown), instead of ``text``."""
    key_points: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = ()
    """One line each, recalled once a day during a user's first days (default: the shipped
    rules' own)."""

    @model_validator(mode="after")
    def _one_text(self) -> RulesPolicy:
        if bool(self.text.strip()) == bool(self.text_file):
            raise ValueError("donnez le texte de la charte avec text ou text_file (un seul)")
        return self


Facility = Literal[
    "user",
    "auth",
    "authpriv",
    "daemon",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
]


class AuditPolicy(_Strict):
    """Where the audit trail is mirrored, out of the workstation user's reach (docs/policy.md)."""

    forward: Literal["none", "syslog", "journald", "eventlog"] = "none"
    identifier: str = Field(default="hospidesk", pattern=r"^[A-Za-z0-9._-]{1,48}$")
    """The syslog tag / journald SYSLOG_IDENTIFIER / Windows event source IT's SIEM expects."""
    facility: Facility = "local0"
    syslog_socket: str = "/dev/log"
    journald_socket: str = "/run/systemd/journal/socket"


_OID = r"[0-2](\.(0|[1-9][0-9]*)){1,60}"
TEST_IDENTITY_OIDS = frozenset({"1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"})
"""The INS's test and demonstration namespaces: refused in production."""


class DpiPolicy(_Strict):
    """Filing in the patient record (DPI) through the hospital's interface engine: off
    unless IT turns it on; every key is IT's (docs/dpi.md)."""

    mode: Literal["off", "mllp", "fhir"] = "off"
    host: str = Field(default="", max_length=253)
    """The interface engine's MLLP listener (mode ``mllp``)."""
    port: int = Field(default=0, ge=0, le=65535)
    tls: bool = False
    ca_file: str = ""
    """PEM file in the site directory: the authority trusted for the engine's TLS certificate."""
    fhir_url: str = ""
    """The FHIR server's base URL (mode ``fhir``; and the patients' identities when set)."""
    ipp_oid: str = Field(default="", pattern=f"^({_OID})?$")
    """The OID of the hospital's patient numbers (IPP)."""
    finess: str = Field(default="", pattern=r"^([0-9][0-9AB][0-9]{7})?$")
    hospital: str = Field(default="", max_length=200)
    """The hospital's name as the documents' custodian."""
    receiver: str = Field(default="DPI", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    """MSH-5: the receiving application's name, as the interface engine expects it."""
    charset: Literal["UNICODE UTF-8", "8859/15"] = "UNICODE UTF-8"
    max_bytes: int = Field(default=20_000_000, ge=10_000, le=200_000_000)
    """The largest message sent (the PDF in base64 inside the CDA)."""
    production: bool = True
    """Refuse the INS's test identities (``hospidesk dpi test`` sends one, marked T)."""
    timeout_seconds: float = Field(default=30.0, ge=1, le=600)

    @field_validator("fhir_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalise_server_url(value) if value else value

    @model_validator(mode="after")
    def _complete(self) -> DpiPolicy:
        if self.mode == "mllp" and not (self.host and self.port):
            raise ValueError("le mode « mllp » demande host et port")
        if self.mode == "fhir" and not self.fhir_url:
            raise ValueError("le mode « fhir » demande fhir_url")
        if self.mode != "off" and not (self.ipp_oid and self.finess):
            raise ValueError(f"le mode « {self.mode} » demande ipp_oid et finess")
        if self.production and self.ipp_oid in TEST_IDENTITY_OIDS:
            raise ValueError("ipp_oid est un OID d'identités de test, refusé en production")
        return self


class StudioPolicy(_Strict):
    allowed_roles: tuple[str, ...] = ()
    """Who sees the pack studio: OS user names, or ``@group`` for an OS group; empty (the
    default): nobody. ``packs sign`` on the command line stays IT's, whatever this says."""

    def allows(self, user: str, groups: frozenset[str]) -> bool:
        return _matches(self.allowed_roles, user, groups)


class Policy(_Strict):
    roles: RolesPolicy = RolesPolicy()
    models: ModelsPolicy = ModelsPolicy()
    dictation: DictationPolicy = DictationPolicy()
    packs: PacksPolicy = PacksPolicy()
    locked: tuple[LockedSetting, ...] = ()
    """Settings IT fixes, with the reason shown to the user."""
    history: HistoryPolicy = HistoryPolicy()
    metrics: MetricsPolicy = MetricsPolicy()
    rules: RulesPolicy | None = None
    """The usage rules (charte); without it, the rules that ship with HospiDesk."""
    servers: ServersPolicy = ServersPolicy()
    audit: AuditPolicy = AuditPolicy()
    dpi: DpiPolicy = DpiPolicy()
    studio: StudioPolicy = StudioPolicy()

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
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(describe(exc, data, label)) from None
    if policy.rules and policy.rules.text_file and not _site_file(paths, policy.rules.text_file):
        raise PolicyError(
            f"{label}, clé « rules.text_file » : fichier introuvable dans le répertoire "
            f"de la DSI ({policy.rules.text_file})."
        )
    for server in policy.servers.allowed:
        if server.ca_file and not _site_file(paths, server.ca_file):
            raise PolicyError(
                f"{label}, serveur « {server.id} », clé « ca_file » : fichier introuvable dans le "
                f"répertoire de la DSI ({server.ca_file})."
            )
    if policy.dpi.ca_file and not _site_file(paths, policy.dpi.ca_file):
        raise PolicyError(
            f"{label}, clé « dpi.ca_file » : fichier introuvable dans le répertoire de la DSI "
            f"({policy.dpi.ca_file})."
        )
    return policy


def _site_file(paths: Paths, name: str) -> bool:
    file = (paths.site.path / name).resolve()
    return file.is_relative_to(paths.site.path.resolve()) and file.is_file()


def policy_digest(paths: Paths) -> str | None:
    """The SHA-256 of the policy file in force (None without one), to notice changes."""
    try:
        return hashlib.sha256((paths.site.path / POLICY_FILE).read_bytes()).hexdigest()
    except OSError:
        return None
