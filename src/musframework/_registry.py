"""A small named registry with explicit register/unregister and optional entry points.

Registries are the only global mutable state in musframework. Built-ins and third-party
plugins register the same way; when an entry point group is given, names that are not yet
registered are looked up among the installed packages' entry points on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Named objects of one kind (question types, renderers, store backends, rules)."""

    def __init__(self, what: str, entry_point_group: str | None = None) -> None:
        # ``what`` names the kind of item in messages: the catalogue's "registry.<what>".
        self.what = what
        self.entry_point_group = entry_point_group
        self._items: dict[str, T] = {}
        self._entry_points_loaded = entry_point_group is None
        #: Grows on every change, so callers can cache lookups and notice changes cheaply.
        self.generation = 0

    def register(self, name: str, item: T, *, replace: bool = False) -> T:
        """Register ``item`` under ``name``; a taken name needs ``replace=True``."""
        if not replace and name in self._items and self._items[name] is not item:
            raise _error("error.registry.taken", what=self.what, name=name)
        self._items[name] = item
        self.generation += 1
        return item

    def unregister(self, name: str) -> T:
        """Remove and return the item registered under ``name``.

        Installed plugins are loaded first, so a name removed here stays removed (a later
        lookup does not bring its entry point back).
        """
        self._load_entry_points()
        try:
            item = self._items.pop(name)
        except KeyError:
            raise _error("error.registry.not-registered", what=self.what, name=name) from None
        self.generation += 1
        return item

    def get(self, name: str) -> T:
        """The item registered under ``name``; loads entry points if it is not yet known."""
        item = self._items.get(name)
        if item is None:
            self._load_entry_points()
            item = self._items.get(name)
        if item is None:
            known = ", ".join(sorted(self._items)) or "-"
            raise _error("error.registry.unknown", what=self.what, name=name, known=known)
        return item

    def __contains__(self, name: object) -> bool:
        if name in self._items:
            return True
        self._load_entry_points()
        return name in self._items

    def names(self) -> list[str]:
        """All registered names, sorted (entry points included)."""
        self._load_entry_points()
        return sorted(self._items)

    def items(self) -> Iterator[tuple[str, T]]:
        """``(name, item)`` pairs, sorted by name."""
        for name in self.names():
            yield name, self._items[name]

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded or self.entry_point_group is None:
            return
        self._entry_points_loaded = True
        self.generation += 1
        for ep in entry_points(group=self.entry_point_group):
            if ep.name in self._items:
                continue  # an explicit registration wins over an installed plugin
            try:
                self._items[ep.name] = ep.load()
            except Exception as exc:  # a broken plugin must not break the library
                raise _error(
                    "error.registry.plugin-failed",
                    what=self.what,
                    name=ep.name,
                    value=ep.value,
                    detail=str(exc),
                ) from exc


def _error(msgid: str, **params: object) -> Exception:
    # Imported here: the catalogue and the errors are built on this module.
    from musframework.catalogue import Message
    from musframework.errors import RegistryError

    what = params.pop("what")
    return RegistryError(Message(msgid, {"what": Message(f"registry.{what}"), **params}))
