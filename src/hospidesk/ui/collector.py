"""Python's cyclic garbage collection done on the window's thread only.

The window's work also runs in threads: the engine's readers, a document being written. Python
collects reference cycles in whichever thread happens to allocate, and a cycle that holds a Qt
object (a closed dialog, its widgets) would then be destroyed off the window's thread while the
window's event loop still delivers it a timer: a crash. While a window is open, automatic
collection is off and this collector runs it from a timer on the window's thread, with Python's
own thresholds; the last window closed turns automatic collection back on.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    _open = 0  # windows with a collector running, in this process

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        MainThreadCollector._open += 1
        gc.disable()
        self._running = True
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    def collect(self) -> None:
        """One collection of the oldest generation past its threshold, as Python would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """The window closes: what it left is collected here, now."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        gc.collect()
        MainThreadCollector._open -= 1
        if MainThreadCollector._open == 0:
            gc.enable()
