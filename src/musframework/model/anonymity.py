"""The one home of the anonymity threshold: how small a group may be before its figures hide.

Every aggregate that holds answers of more than one person (analytics figures, records and data
frames, plots, the round report, the web API) asks :func:`is_reportable` before it shows a
group's figure. The default minimum group size is :data:`MINIMUM_GROUP_SIZE`; a round may set a
larger or smaller one, never below :data:`LOWEST_MINIMUM_GROUP_SIZE`.
"""

from __future__ import annotations

from musframework.catalogue import Message
from musframework.errors import InvalidValueError

__all__ = [
    "LOWEST_MINIMUM_GROUP_SIZE",
    "MINIMUM_GROUP_SIZE",
    "check_minimum_group_size",
    "is_reportable",
]

MINIMUM_GROUP_SIZE = 5
"""The default: a group's figure is shown only when at least five people's answers are in it."""

LOWEST_MINIMUM_GROUP_SIZE = 3
"""No round may set its minimum group size below three."""


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
