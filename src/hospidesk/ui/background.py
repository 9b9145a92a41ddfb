"""Work that must not run on the window's thread, as one small helper (Anki's ``QueryOp`` is
the model): the function runs in a thread, its result or its error comes back on the window's
thread, and the result of an operation started again meanwhile (or dropped) is dropped. A
long operation may report news as it goes (``stream``: a dictation's segments), dropped the
same way. A window that closes settles what is running (a document being written is finished
and its outcome told) then abandons the rest.

    Background(self).run(load, on_done, on_error, key="letterheads")
    Background(self).stream(lambda report: work(report), on_news, on_done, on_error, key="x")
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal


class _Relay(QObject):
    """Carries an outcome to the window's thread. Parentless, so that a thread never emits on
    an object that is gone: Qt drops the connection with its receiver."""

    done = Signal(object, int, object, object)  # key, number, result, error
    news = Signal(object, int, object)  # key, number, what the work reported


class Background(QObject):
    ended = Signal(str)  # a run of this key came back: its outcome told, or dropped as stale

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        self._relay.done.connect(self._finished)  # queued: emitted by the worker thread
        self._relay.news.connect(self._news)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[tuple[str, int], tuple[Callable[[Any], None], ...]] = {}
        self._count = 0
        self._threads: dict[tuple[str, int], threading.Thread] = {}

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        key: str = "",
    ) -> None:
        """``work()`` in a thread; ``on_done(result)`` or ``on_error(exception)`` then on the
        window's thread, unless the same ``key`` was run again (or dropped) in between."""
        self.stream(lambda report: work(), _unheard, on_done, on_error, key)

    def stream(
        self,
        work: Callable[[Callable[[Any], None]], Any],
        on_news: Callable[[Any], None],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        key: str = "",
    ) -> None:
        """As ``run``; what ``work`` passes to its ``report`` argument meanwhile comes to
        ``on_news`` on the window's thread, while this run is its key's latest."""
        self._count += 1
        number = self._count
        self._latest[key] = number
        self._callbacks[(key, number)] = (on_news, on_done, on_error)
        relay = self._relay

        def report(news: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the window closed: nobody listens
                relay.news.emit(key, number, news)

        def target() -> None:
            try:
                result, error = work(report), None
            except Exception as exc:  # handed to on_error on the window's thread
                result, error = None, exc
            with contextlib.suppress(RuntimeError):
                relay.done.emit(key, number, result, error)

        thread = threading.Thread(target=target, name=f"background-{key or number}", daemon=True)
        self._threads[(key, number)] = thread
        thread.start()

    def drop(self, key: str = "") -> None:
        """What the runs of ``key`` started so far give is not wanted any more: dropped."""
        self._count += 1
        self._latest[key] = self._count

    def busy(self, key: str = "") -> bool:
        return any(k == key for k, _ in self._callbacks)

    def settle(self, key: str, timeout: float = 30.0) -> None:
        """Wait for the runs of ``key`` (a document being written), then tell their outcome
        now, on this thread, as the event loop would have."""
        for (k, _), thread in list(self._threads.items()):
            if k == key:
                thread.join(timeout)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    def abandon(self) -> None:
        """The window is closing: what is still running ends unheard."""
        self._callbacks.clear()

    def _news(self, key: str, number: int, news: Any) -> None:
        callbacks = self._callbacks.get((key, number))
        if callbacks is not None and self._latest.get(key) == number:
            callbacks[0](news)

    def _finished(self, key: str, number: int, result: Any, error: Exception | None) -> None:
        self._threads.pop((key, number), None)
        callbacks = self._callbacks.pop((key, number), None)
        if callbacks is None:
            return  # abandoned: the window closed meanwhile
        _, on_done, on_error = callbacks
        if self._latest.get(key) == number:  # else a newer run (or a drop) supersedes it
            if error is not None:
                on_error(error)
            else:
                on_done(result)
        self.ended.emit(key)


def _unheard(news: Any) -> None:
    """A run that reports nothing."""
