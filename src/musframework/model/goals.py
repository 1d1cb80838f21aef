"""Goals with a thread: organisation goals, unit goals from the GRUS, individual goals.

Seed 003 §2 and seed 004 ask that the strategy reach each person: the organisation's goals
(on the round, ``Cycle.goals``) are broken down in each unit's GRUS into unit goals
(``Conversation.goal_thread`` of the GRUS, each ``serves`` an organisation goal), and each
person's MUS or LUS names the individual goals that serve a unit goal (``goal_thread`` of that
conversation, each ``serves`` a unit goal id) and the agreements that work towards them.
Which goals serve which, and which unit goals nobody works on, is a round fact
(:func:`musframework.model.round.goal_threads`).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["Goal"]


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@attrs.frozen(kw_only=True)
class Goal:
    """One goal of the strategic thread, by a stable id.

    Attributes:
        id: Unique where it is kept (among the round's goals, or a conversation's).
        text: The goal in words.
        serves: The id of the goal above it: an organisation goal for a unit goal, a unit
            goal for an individual goal; ``None`` at the top.
        agreements: The ids of the conversation's agreements that work towards it.
    """

    id: str
    text: str
    serves: str | None = None
    agreements: tuple[str, ...] = attrs.field(default=(), converter=_ids)
