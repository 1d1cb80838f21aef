"""Enumerations shared across the model: conversation kinds and participant roles."""

from __future__ import annotations

import enum
from collections.abc import Iterable

__all__ = ["ConversationKind", "Role", "roles"]


class ConversationKind(enum.Enum):
    """The kinds of development conversation.

    * ``MUS`` (medarbejderudviklingssamtale): one employee with their nearest leader, yearly.
    * ``GRUS`` (gruppeudviklingssamtale): a leader with a group, often before the MUS.
    * ``LUS`` (lederudviklingssamtale): a leader with their own leader.
    * ``FOLLOW_UP`` (opfølgningssamtale): the follow-up on agreements after 3-6 months.
    """

    MUS = "MUS"
    GRUS = "GRUS"
    LUS = "LUS"
    FOLLOW_UP = "FOLLOW_UP"


class Role(enum.Enum):
    """A participant's role in a conversation, and who a question is asked of.

    * ``EMPLOYEE``: the person whose development is discussed (in a LUS, the leader being
      developed).
    * ``LEADER``: the one holding the conversation (in a LUS, that leader's own leader).
    * ``GROUP_MEMBER``: a member of the group in a GRUS.
    """

    EMPLOYEE = "employee"
    LEADER = "leader"
    GROUP_MEMBER = "group_member"


_ROLE_ALIASES = {
    "both": frozenset({Role.EMPLOYEE, Role.LEADER}),
    "all": frozenset(Role),
}


def roles(value: str | Role | Iterable[str | Role]) -> frozenset[Role]:
    """Normalise ``answered_by`` input: a role, ``"both"``, ``"all"`` or several roles.

    >>> sorted(r.value for r in roles("both"))
    ['employee', 'leader']
    """
    if isinstance(value, Role):
        return frozenset({value})
    if isinstance(value, str):
        if value in _ROLE_ALIASES:
            return _ROLE_ALIASES[value]
        return frozenset({Role(value)})
    return frozenset(Role(v) if isinstance(v, str) else v for v in value)
