"""Conversations read in passes: how whole-round work runs in bounded memory.

Validation, the analytics and the round documents look at a round's conversations more than
once (coverage after the conversations' own rules; the carried-over agreements before the
agreements that count). Given a list or a tuple they read it as it is. Given a
:class:`ConversationSource`, such as a store's
:meth:`~musframework.storage.Store.conversation_source`, they read it again for each pass and never
hold more than the source holds at a time (a store: one page). Any other iterable (a
generator, a one-shot iterator) is read into a tuple first, because it can be read only once.

A source also answers :meth:`ConversationSource.get` for the rules that look one
conversation up by id (the previous conversation, the conversation a plan comes from).
:class:`DerivedSource` is a source seen through a filter or a change of each conversation
(validation keeps the round's own conversations; a viewer's analytics see each conversation
as :func:`musframework.policy.view` shows it to them).

>>> import musframework as mf
>>> c = mf.Conversation(id="c1", kind=mf.ConversationKind.MUS)
>>> rounds = DerivedSource(in_passes([c]), keep=lambda x: x.id == "c1")
>>> [x.id for x in rounds], len(rounds), rounds.get("c1") is c, rounds.get("c2")
(['c1'], 1, True, None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import attrs

from musframework.model.conversation import Conversation

__all__ = ["ConversationSource", "DerivedSource", "SequenceSource", "as_source", "in_passes"]


@runtime_checkable
class ConversationSource(Protocol):
    """Conversations that can be read again, pass after pass, and looked up by id.

    ``iter()`` starts a new pass each time it is called; ``len()`` is the number of
    conversations a pass yields; ``get(id)`` is the conversation with that id among them, or
    ``None``. A store's :meth:`~musframework.storage.Store.conversation_source` is one: each pass is
    a query read page by page, ``len`` a ``count(*)``, ``get`` a read by key.
    """

    def __iter__(self) -> Iterator[Conversation]:
        """A new pass over the conversations."""
        ...

    def __len__(self) -> int:
        """How many conversations a pass yields."""
        ...

    def get(self, id: str) -> Conversation | None:
        """The conversation with ``id`` among them, if any."""
        ...


@attrs.frozen(eq=False)
class SequenceSource:
    """A list or tuple of conversations as a :class:`ConversationSource` (ids looked up once).

    Attributes:
        conversations: The conversations, in the order they are read.
    """

    conversations: Sequence[Conversation]
    _by_id: dict[str, Conversation] | None = attrs.field(default=None, init=False)

    def __iter__(self) -> Iterator[Conversation]:
        return iter(self.conversations)

    def __len__(self) -> int:
        return len(self.conversations)

    def get(self, id: str) -> Conversation | None:
        """The conversation with ``id`` (the first one, when ids repeat)."""
        found = self._by_id
        if found is None:
            found = {}
            for c in self.conversations:
                found.setdefault(c.id, c)
            object.__setattr__(self, "_by_id", found)
        return found.get(id)


def in_passes(conversations: Iterable[Conversation]) -> Sequence[Conversation] | ConversationSource:
    """``conversations`` in a form that can be read more than once.

    A list, a tuple or a :class:`ConversationSource` is returned as it is; anything else
    (a generator, a one-shot iterator) is read into a tuple.
    """
    if isinstance(conversations, tuple | list | ConversationSource):
        return conversations
    return tuple(conversations)


def as_source(conversations: Iterable[Conversation]) -> ConversationSource:
    """``conversations`` as a :class:`ConversationSource` (a sequence is wrapped)."""
    found = in_passes(conversations)
    if isinstance(found, ConversationSource):
        return found
    return SequenceSource(found)


@attrs.frozen(eq=False)
class DerivedSource:
    """A :class:`ConversationSource` seen through a filter and a change of each conversation.

    Each pass reads ``source`` again; a conversation is yielded when ``keep`` (if given)
    accepts it, as ``change`` (if given) turns it, or left out when ``change`` returns
    ``None``; ``extra`` conversations follow (those ``get`` finds first). ``len`` counts a
    pass the first time it is asked, unless neither ``keep`` nor ``change`` is given.

    Attributes:
        source: The conversations read (a list or tuple is wrapped in a
            :class:`SequenceSource`).
        keep: Which conversations to keep.
        change: What each kept conversation becomes (``None``: leave it out).
        extra: Conversations added after the source's.
    """

    source: ConversationSource = attrs.field(converter=as_source)
    keep: Callable[[Conversation], bool] | None = None
    change: Callable[[Conversation], Conversation | None] | None = None
    extra: tuple[Conversation, ...] = ()
    _length: list[int] = attrs.field(factory=list, init=False)

    def __iter__(self) -> Iterator[Conversation]:
        keep, change = self.keep, self.change
        for c in self.source:
            if keep is not None and not keep(c):
                continue
            if change is not None:
                changed = change(c)
                if changed is None:
                    continue
                c = changed
            yield c
        yield from self.extra

    def __len__(self) -> int:
        if self.keep is None and self.change is None:
            return len(self.source) + len(self.extra)
        if not self._length:
            self._length.append(sum(1 for _ in self))
        return self._length[0]

    def get(self, id: str) -> Conversation | None:
        """The conversation with ``id`` as a pass would yield it, if any."""
        for c in self.extra:
            if c.id == id:
                return c
        found = self.source.get(id)
        if found is None or (self.keep is not None and not self.keep(found)):
            return None
        return found if self.change is None else self.change(found)
