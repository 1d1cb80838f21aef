"""The one home of the anonymity threshold, and of what an aggregate of answers may show.

Every aggregate that holds answers of more than one person (analytics figures, records and data
frames, plots, the round report, the web API) asks this module which answers a figure may
count, and shows :class:`Suppressed` where it may not. The default minimum group size is
:data:`MINIMUM_GROUP_SIZE`; a round sets its own (``CycleSettings.minimum_group_size``), never
below :data:`LOWEST_MINIMUM_GROUP_SIZE`.

A threshold alone is not enough: a total minus the figures of the groups shown gives the
figure of the groups hidden, and this week's figure minus last week's gives the answers that
came in between. :func:`release` decides, for answers arriving one after another, which of
them each group's figure counts so that neither difference reaches a group smaller than the
minimum (the guide's "Anonymity and minimum group sizes" explains the rule and its limits):

* a group's figure counts its answers in whole steps of the minimum: its first ``m``, ``2m``,
  ``3m`` … answers in the order they arrived (``m`` the minimum); a group with fewer than
  ``m`` is :class:`Suppressed`;
* answers of the *pooled* groups (groups too small ever to reach the minimum) count only in the
  total, again in steps of ``m``;
* the total counts exactly the answers its groups count plus the pool.

So every difference an onlooker can take (total minus groups, one run minus another) is a set
of at least ``m`` people's answers, or nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

import attrs

from musframework.catalogue import Message, translate
from musframework.errors import InvalidValueError

__all__ = [
    "LOWEST_MINIMUM_GROUP_SIZE",
    "MINIMUM_GROUP_SIZE",
    "Release",
    "Suppressed",
    "SuppressionReason",
    "check_minimum_group_size",
    "counted_in_steps",
    "is_reportable",
    "release",
]

MINIMUM_GROUP_SIZE = 5
"""The default: a group's figure is shown only when at least five people's answers are in it."""

LOWEST_MINIMUM_GROUP_SIZE = 3
"""No round may set its minimum group size below three."""

G = TypeVar("G", bound=Hashable)
P = TypeVar("P", bound=Hashable)


def check_minimum_group_size(minimum: int) -> int:
    """``minimum`` itself when it is a whole number of at least three; otherwise an error."""
    if (
        isinstance(minimum, bool)
        or not isinstance(minimum, int)
        or minimum < LOWEST_MINIMUM_GROUP_SIZE
    ):
        raise InvalidValueError(
            Message(
                "anonymity.minimum-too-small",
                {"lowest": LOWEST_MINIMUM_GROUP_SIZE, "got": repr(minimum)},
            )
        )
    return minimum


def is_reportable(group_size: int, minimum: int = MINIMUM_GROUP_SIZE) -> bool:
    """Whether a figure drawn from ``group_size`` people's answers may be shown."""
    return group_size >= check_minimum_group_size(minimum)


class SuppressionReason(enum.Enum):
    """Why a figure is withheld."""

    SMALL_GROUP = "small-group"
    """Fewer people than the minimum answered in the group (so far)."""

    POOLED = "pooled"
    """The group is too small ever to reach the minimum: its answers count only in the total."""


@attrs.frozen
class Suppressed:
    """The marker that stands in a figure's place when the figure is withheld.

    Not zero and not missing: a table shows "suppressed (fewer than 5)", a record or a data
    frame holds this object, and ``bool(marker)`` is true, so ``if cell:`` does not confuse
    it with nothing.

    Attributes:
        minimum: The round's minimum group size.
        reason: Why the figure is withheld.
    """

    minimum: int = MINIMUM_GROUP_SIZE
    reason: SuppressionReason = SuppressionReason.SMALL_GROUP

    def text(self, locale: str = "da") -> str:
        """What a reader sees in the figure's place, in ``locale``."""
        return translate(f"anonymity.suppressed.{self.reason.value}", locale, minimum=self.minimum)

    def __str__(self) -> str:
        return self.text("en")


def counted_in_steps(count: int, minimum: int = MINIMUM_GROUP_SIZE) -> int:
    """How many of ``count`` answers a group's figure counts: whole steps of ``minimum``.

    >>> [counted_in_steps(n, 5) for n in (0, 4, 5, 9, 10, 12)]
    [0, 0, 5, 5, 10, 10]
    """
    step = check_minimum_group_size(minimum)
    return (max(count, 0) // step) * step


@attrs.frozen
class Release(Generic[G, P]):
    """Which answers each group's figure counts (made by :func:`release`).

    Attributes:
        minimum: The minimum group size it was made with.
        groups: For each group that may be shown, the people whose answers it counts, in the
            order their answers arrived.
        suppressed: The groups that have answers but may not be shown, with the reason.
        pool: The people of pooled groups whose answers count in the total only.
    """

    minimum: int
    groups: Mapping[G, tuple[P, ...]]
    suppressed: Mapping[G, Suppressed]
    pool: tuple[P, ...] = ()

    @property
    def total(self) -> tuple[P, ...]:
        """Everyone the total counts: the groups' counted people and the pool."""
        return tuple(p for people in self.groups.values() for p in people) + self.pool

    @property
    def total_suppressed(self) -> Suppressed | None:
        """The marker for the total when it counts fewer than the minimum, else ``None``."""
        return None if len(self.total) >= self.minimum else Suppressed(self.minimum)

    def counted(self, group: G) -> tuple[P, ...] | Suppressed | None:
        """The people ``group``'s figure counts, its marker, or ``None`` if it has no answers."""
        if group in self.groups:
            return self.groups[group]
        return self.suppressed.get(group)


def release(
    arrivals: Iterable[tuple[G, P]],
    *,
    minimum: int = MINIMUM_GROUP_SIZE,
    pooled: Collection[G] = (),
) -> Release[G, P]:
    """Decide which answers each group's figure counts, and which groups are suppressed.

    Args:
        arrivals: ``(group, person)`` for each answer, in the order the answers arrived (the
            order of submission). A person's second answer in the same group is ignored.
        minimum: The round's minimum group size (at least three).
        pooled: Groups whose answers count only in the total (a unit with fewer people than
            the minimum: its figure could never be shown).

    A group's figure counts its first ``m``, ``2m`` … answers (``m`` = ``minimum``); the pool
    counts the pooled groups' first ``m``, ``2m`` … answers together. Whatever two releases of
    the same growing sequence of answers show, each difference between them, and between a
    total and its groups, is a set of at least ``m`` people or empty.
    """
    step = check_minimum_group_size(minimum)
    pooled_set = frozenset(pooled)
    seen: set[tuple[G, P]] = set()
    arrived: dict[G, list[P]] = {}
    pool: list[P] = []
    for group, person in arrivals:
        if (group, person) in seen:
            continue
        seen.add((group, person))
        arrived.setdefault(group, []).append(person)
        if group in pooled_set:
            pool.append(person)
    groups: dict[G, tuple[P, ...]] = {}
    suppressed: dict[G, Suppressed] = {}
    for group, people in arrived.items():
        if group in pooled_set:
            suppressed[group] = Suppressed(step, SuppressionReason.POOLED)
            continue
        n = counted_in_steps(len(people), step)
        if n:
            groups[group] = tuple(people[:n])
        else:
            suppressed[group] = Suppressed(step)
    return Release(
        minimum=step,
        groups=groups,
        suppressed=suppressed,
        pool=tuple(pool[: counted_in_steps(len(pool), step)]),
    )
