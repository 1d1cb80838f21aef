"""Progress reporting for long work: one ``progress`` argument for every batch operation.

Batch operations on a large round (planning, validating, rendering every plan, saving,
analysing) take a ``progress`` keyword argument that accepts:

* ``None`` or ``False``: silent (the default);
* ``True``: a progress bar from ``tqdm.auto`` (a widget in Jupyter, text in a terminal); needs
  the ``progress`` extra (``pip install 'musframework[progress]'``);
* a callable ``callback(done, total, label)``: called with ``done=0`` at the start, then as the
  work proceeds (at most about :data:`MAX_UPDATES` times, so a callback that writes to a
  socket or a log stays cheap), and with ``done == total`` at the end. ``label`` names the
  current stage, such as ``"rating gaps"``.

To accept it in your own batch operation, wrap the loop in :func:`track`, or use a
:class:`ProgressReporter` directly, and split a multi-stage job into parts with
:meth:`ProgressReporter.part`:

>>> seen = []
>>> def callback(done, total, label):
...     seen.append((done, total, label))
>>> with ProgressReporter.create(callback, total=4, label="work") as reporter:
...     first = list(track(["a", "b"], reporter.part(2, "first")))
...     second = list(track(["c", "d"], reporter.part(2, "second")))
>>> seen[0], seen[-1]
((0, 4, 'work'), (4, 4, 'second'))
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator, Sized
from types import TracebackType
from typing import Any, TypeAlias, TypeVar

from musframework.catalogue import Message
from musframework.errors import MissingExtraError, UnsupportedObjectError

__all__ = [
    "MAX_UPDATES",
    "ProgressCallback",
    "ProgressLike",
    "ProgressReporter",
    "gc_paused",
    "track",
]

T = TypeVar("T")

ProgressCallback: TypeAlias = Callable[[int, int, str], None]
"""A callback ``(done, total, label)``."""

ProgressLike: TypeAlias = ProgressCallback | bool | None
"""What a ``progress`` argument accepts: a callback, ``True`` for a tqdm bar, or off."""

MAX_UPDATES = 200
"""Roughly how many times a reporter calls its callback between start and end."""


def _silent(done: int, total: int, label: str) -> None:
    return None


class _TqdmCallback:
    """Adapts a ``tqdm.auto`` bar to the callback protocol."""

    def __init__(self, total: int, label: str) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise MissingExtraError("progress-bar", "progress") from None
        self.bar: Any = tqdm(total=total, desc=label or None, leave=True)
        self.label = label

    def __call__(self, done: int, total: int, label: str) -> None:
        if total != self.bar.total:
            self.bar.total = total
        if label != self.label:
            self.label = label
            self.bar.set_description_str(label, refresh=False)
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


class ProgressReporter:
    """Counts work done and tells a callback, throttled to about :data:`MAX_UPDATES` calls.

    Build one with :meth:`create` from any ``progress`` argument and use it as a context
    manager, so the end is always reported and a tqdm bar is closed. A reporter is itself a
    valid callback, so it can be passed on as the ``progress`` of a sub-operation; use
    :meth:`part` to give a sub-operation its share of the total.
    """

    def __init__(self, callback: ProgressCallback, total: int, label: str = "") -> None:
        self.callback = callback
        self.total = max(0, total)
        self.label = label
        self.done = 0
        self._step = max(1, self.total // MAX_UPDATES)
        self._last = -1
        self._last_call: tuple[int, int, str] | None = None
        self._reserved = 0
        self._closer: Callable[[], None] | None = None

    @classmethod
    def create(cls, progress: ProgressLike, total: int, label: str = "") -> ProgressReporter:
        """A reporter for ``progress`` (``None``/``False``, ``True`` or a callback).

        Raises:
            MissingExtraError: ``progress=True`` and tqdm is not installed.
        """
        if progress is None or progress is False:
            return cls(_silent, total, label)
        if progress is True:
            bar = _TqdmCallback(total, label)
            reporter = cls(bar, total, label)
            reporter._closer = bar.close
            return reporter
        if not callable(progress):
            raise UnsupportedObjectError(Message("error.progress", {"value": repr(progress)}))
        return cls(progress, total, label)

    def start(self) -> ProgressReporter:
        """Report ``done=0`` (called by ``with``)."""
        self._emit(force=True)
        return self

    def advance(self, n: int = 1, label: str | None = None) -> None:
        """Count ``n`` more units of work done, optionally entering a new stage ``label``."""
        self.done = min(self.total, self.done + n) if self.total else self.done + n
        if label is not None and label != self.label:
            self.label = label
            self._emit(force=True)
        elif self.done - self._last >= self._step:
            self._emit()

    def update(self, done: int, total: int, label: str) -> None:
        """Set the absolute position (the callback protocol; lets a reporter be a callback)."""
        if total and total != self.total:
            self.total = total
            self._step = max(1, total // MAX_UPDATES)
        self.advance(max(0, done - self.done), label or None)

    __call__ = update

    def part(self, size: int, label: str) -> ProgressCallback:
        """A callback for a sub-operation that accounts for the next ``size`` units of work.

        The sub-operation reports its own ``(done, total, label)``; it is scaled into this
        reporter's range ``[offset, offset + size]``. Parts are meant to run one after another.
        """
        offset = self._reserved
        self._reserved += size

        def report(done: int, total: int, sub_label: str) -> None:
            scaled = size if total <= 0 else (size * min(done, total)) // total
            position = offset + scaled
            self.advance(max(0, position - self.done), sub_label or label)

        return report

    def finish(self) -> None:
        """Report the end: ``done == total`` (an unknown total becomes the count done)."""
        if self.total == 0:
            self.total = self.done
        self.done = self.total
        if self._last_call != (self.done, self.total, self.label):
            self._emit(force=True)

    def close(self) -> None:
        """Finish and release the bar, if any (called by ``with``)."""
        self.finish()
        if self._closer is not None:
            self._closer()
            self._closer = None

    def _emit(self, force: bool = False) -> None:
        if force or self.done != self._last:
            self._last = self.done
            self._last_call = (self.done, self.total, self.label)
            self.callback(self.done, self.total, self.label)

    def __enter__(self) -> ProgressReporter:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        elif self._closer is not None:
            self._closer()
            self._closer = None


def track(
    items: Iterable[T],
    progress: ProgressLike,
    *,
    total: int | None = None,
    label: str = "",
) -> Iterator[T]:
    """Yield ``items``, reporting one unit of work per item to ``progress``.

    ``total`` defaults to ``len(items)`` when ``items`` has a length (otherwise 0, unknown).
    The end is reported when the iteration finishes.

    >>> calls = []
    >>> sum(track(range(3), lambda d, t, s: calls.append((d, t, s)), label="sum"))
    3
    >>> calls
    [(0, 3, 'sum'), (1, 3, 'sum'), (2, 3, 'sum'), (3, 3, 'sum')]
    """
    if total is None:
        total = len(items) if isinstance(items, Sized) else 0
    if progress is None or progress is False:
        yield from items
        return
    with ProgressReporter.create(progress, total, label) as reporter:
        # Count locally and report in steps: a call per item would cost more than the work
        # of a cheap loop.
        step = reporter._step
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending >= step:
                reporter.advance(pending)
                pending = 0
        if pending:
            reporter.advance(pending)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch job; restore it afterwards.

    Loading, building or scanning many small objects creates no reference cycles, so the
    cyclic collector finds nothing to free; but each of its runs walks the objects the process
    already holds, and in a process holding millions of objects those runs can make a batch
    job several times slower (measured here: 2-6x). Reference counting still frees everything
    as usual while paused. The collector is process-wide: it is paused for every thread until
    the block ends, and left alone when it was already disabled. Nested use is fine.

    The one implementation: :func:`musframework.serialization.gc_paused` is this function.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
