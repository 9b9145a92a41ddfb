"""The on-premises server backend: an OpenAI-compatible HTTP API (llama.cpp's server, vLLM).

The same shape as the local engine (``generate`` streams text, ``cancel`` from another
thread, ``last_done`` and ``generated`` for statistics), with the network rules of the
machine policy: every request is checked against the listed servers before it is sent
(``netguard``), redirects are never followed, proxies from the environment are ignored, TLS
is verified against the CA the policy names. Errors are French sentences; ``unreachable``
tells whether the server was never reached, so that the caller may fall back to the local
model. Only idempotent requests (the model list) are retried.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from hospidesk.engine import protocol as p
from hospidesk.errors import Cancelled, EngineError
from hospidesk.netguard import NetworkRefused, check_allowed
from hospidesk.policy import ServerEntry

CONNECT_TIMEOUT = 5.0
LIST_ATTEMPTS = 3


class ServerError(EngineError):
    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable
        """True when nothing reached the server (connection refused, timed out, DNS)."""


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Verification against the hospital's CA only, when the policy names one."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class ServerClient:
    """One listed server; used from one thread at a time, ``cancel`` from any thread."""

    def __init__(
        self,
        server: ServerEntry,
        allowed: Sequence[ServerEntry],
        ca_file: Path | None = None,
        api_key: str | None = None,
    ) -> None:
        check_allowed(server.url, allowed)  # before anything else: no client for other hosts
        self.server = server
        self._allowed = tuple(allowed)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            base_url=server.url + "/",
            verify=tls_context(ca_file) if server.url.startswith("https:") else True,
            trust_env=False,  # no proxy or CA bundle from environment variables
            follow_redirects=False,
            headers=headers,
            timeout=httpx.Timeout(
                connect=CONNECT_TIMEOUT, read=server.timeout_seconds, write=30.0, pool=5.0
            ),
            event_hooks={"request": [self._guard]},
        )
        self._cancel = threading.Event()
        self._response: httpx.Response | None = None
        self.last_done: p.Done | None = None
        self.generated = 0

    @property
    def label(self) -> str:
        return f"serveur « {self.server.name} »"

    def _guard(self, request: httpx.Request) -> None:
        check_allowed(str(request.url), self._allowed)

    def close(self) -> None:
        self._http.close()

    # errors

    def _failure(self, exc: Exception) -> ServerError:
        name = self.label
        title = name[0].upper() + name[1:]
        if isinstance(exc, NetworkRefused):
            return ServerError(exc.message)
        if isinstance(exc, httpx.ConnectTimeout):
            return ServerError(f"{title} injoignable (délai dépassé).", True)
        if isinstance(exc, httpx.ConnectError):
            if _is_certificate_error(exc):
                return ServerError(
                    f"{title} refusé : son certificat n'est pas reconnu par "
                    "l'autorité de certification de l'hôpital (connexion interrompue)."
                )
            return ServerError(f"{title} injoignable ({self.server.url}).", True)
        if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
            return ServerError(
                f"Délai dépassé : le {name} ne répond plus "
                f"(plus de {self.server.timeout_seconds:.0f} s)."
            )
        if isinstance(exc, httpx.TransportError):
            return ServerError(f"Connexion au {name} interrompue.")
        return ServerError(f"Réponse inattendue du {name}.")

    def _check_status(self, response: httpx.Response, model: str | None = None) -> None:
        status = response.status_code
        if 300 <= status < 400:
            target = response.headers.get("location", "?")
            raise ServerError(
                f"Le {self.label} a demandé une redirection vers {target} : refusée (seules les "
                "adresses de la politique de la DSI sont permises)."
            )
        if status in (401, 403):
            raise ServerError(
                f"Le {self.label} refuse l'accès : clé d'API absente ou refusée "
                "(voir « hospidesk servers key »)."
            )
        if status == 404 and model is not None:
            raise ServerError(f"Modèle absent du {self.label} : « {model} ».")
        if status == 503:
            raise ServerError(f"Le {self.label} est occupé ou en cours de démarrage.", True)
        if status >= 400:
            raise ServerError(f"Le {self.label} a répondu par une erreur ({status}).")

    # requests

    def models(self) -> list[str]:
        """The model names the server offers (``GET /models``), retried on connection errors."""
        for attempt in range(LIST_ATTEMPTS):
            try:
                response = self._http.get("models")
                self._check_status(response)
                data = response.json()
                return [str(m["id"]) for m in data.get("data", []) if "id" in m]
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error = self._failure(exc)
                if not error.unreachable or attempt == LIST_ATTEMPTS - 1:
                    raise error from None
                time.sleep(0.5 * 2**attempt)
            except httpx.HTTPError as exc:
                raise self._failure(exc) from None
            except (ValueError, KeyError, TypeError, AttributeError):
                raise ServerError(
                    f"Réponse inattendue du {self.label} (liste des modèles)."
                ) from None
        raise AssertionError("unreachable")

    def check_model(self, model: str) -> None:
        """Health check: the server answers and serves ``model``."""
        offered = self.models()
        if model not in offered:
            raise ServerError(
                f"Modèle absent du {self.label} : « {model} » (proposés : "
                f"{', '.join(offered) or 'aucun'})."
            )

    def request_body(
        self, messages: tuple[p.Message, ...], model: str, options: p.GenerationOptions
    ) -> dict[str, Any]:
        # System message (the task's instructions) first, unchanged from use to use: the
        # server's own prompt cache then skips them, as the local engine's prefix cache does.
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "stream": True,
        }
        if options.seed is not None:
            body["seed"] = options.seed
        if options.keep_writing and options.json_schema is None:  # llama.cpp's servers, vLLM
            body["min_tokens"] = options.max_tokens
        if options.json_schema is not None:
            schema = json.loads(options.json_schema)
            if self.server.schema_style == "llama.cpp":
                body["response_format"] = {"type": "json_object", "schema": schema}
            else:
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "hospidesk", "schema": schema, "strict": True},
                }
        return body

    def generate(
        self, messages: tuple[p.Message, ...], model: str, options: p.GenerationOptions
    ) -> Iterator[str]:
        """Yield the text as it comes (server-sent events). Raise Cancelled after ``cancel()``,
        ServerError otherwise; ``unreachable`` only when no byte reached the server."""
        self._cancel.clear()
        self.last_done = None
        self.generated = 0
        body = self.request_body(messages, model, options)
        events = _Events(time.monotonic())
        try:
            with self._http.stream("POST", "chat/completions", json=body) as response:
                self._response = response
                self._check_status(response, model)
                for line in response.iter_lines():
                    if self._cancel.is_set():
                        raise Cancelled()
                    for text in events.feed(line):
                        self.generated += 1
                        yield text
                    if events.ended:
                        break
        except Cancelled:
            raise
        except (httpx.HTTPError, OSError) as exc:
            if self._cancel.is_set():
                raise Cancelled() from None
            raise self._failure(exc) from None
        except (ValueError, AttributeError, TypeError):
            raise ServerError(f"Réponse inattendue du {self.label} (flux de texte).") from None
        finally:
            self._response = None
        if self._cancel.is_set():
            raise Cancelled()
        if not events.completed:
            raise ServerError(f"Connexion au {self.label} interrompue avant la fin du texte.")
        self.last_done = events.done(self.generated)

    def cancel(self) -> None:
        """Stop the current stream: the connection is shut, so the server stops as well."""
        self._cancel.set()
        response = self._response
        if response is None:
            return
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the reading thread at once


class _Events:
    """The server-sent events of one chat completion: its text, its end, its statistics."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.first: float | None = None
        self.finish = "stop"
        self.completed = False  # [DONE] or a finish reason: a stream cut before is cut short
        self.ended = False  # [DONE]: nothing more will come
        self.usage: dict[str, Any] = {}

    def feed(self, line: str) -> list[str]:
        """The pieces of text of one line of the stream (ValueError if it is not JSON)."""
        if not line.startswith("data:"):
            return []
        payload = line[5:].strip()
        if payload == "[DONE]":
            self.completed = self.ended = True
            return []
        chunk = json.loads(payload)
        self.usage = chunk.get("usage") or self.usage
        texts = []
        for choice in chunk.get("choices") or ():
            text = (choice.get("delta") or {}).get("content") or ""
            if choice.get("finish_reason"):
                self.finish, self.completed = str(choice["finish_reason"]), True
            if text:
                self.first = self.first or time.monotonic() - self.start
                texts.append(text)
        return texts

    def done(self, generated: int) -> p.Done:
        return p.Done(
            req_id=0,
            finish_reason=self.finish,
            prompt_tokens=int(self.usage.get("prompt_tokens", 0)),
            completion_tokens=int(self.usage.get("completion_tokens", generated)),
            seconds=time.monotonic() - self.start,
            first_token_seconds=self.first,
            prefix="server",
        )


def _is_certificate_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
