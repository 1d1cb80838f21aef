"""Who may give and who may read upward feedback (the staff's anonymous feedback on a leader).

* A leader's **staff** give it: the people whose nearest leader they are
  (``Organisation.reports_of``), once per round.
* Its **summary** (never the answers) may be read by the leader, the leader's own leader (for
  the LUS they hold together) and HR.
* **Nobody** may read the stored answers: the services never return the
  :class:`~musframework.model.upward.UpwardFeedback` document, only its summary.

The same matrix is tested in ``tests/test_upward_feedback.py``.
"""

from __future__ import annotations

from musframework.catalogue import Message
from musframework.errors import AccessDeniedError
from musframework.model import Organisation
from musframework.policy.access import Viewer

__all__ = [
    "authorize_upward_feedback",
    "authorize_upward_summary",
    "may_give_upward_feedback",
    "may_read_upward_summary",
    "staff_of",
]


def staff_of(organisation: Organisation, leader: str) -> tuple[str, ...]:
    """The people asked for feedback on ``leader``: those whose nearest leader they are."""
    return organisation.reports_of(leader)


def may_give_upward_feedback(organisation: Organisation, viewer: Viewer, leader: str) -> bool:
    """Whether ``viewer`` is one of ``leader``'s staff (and so may give feedback on them)."""
    return viewer.person != leader and viewer.person in staff_of(organisation, leader)


def may_read_upward_summary(organisation: Organisation, viewer: Viewer, leader: str) -> bool:
    """Whether ``viewer`` may read the summary on ``leader``: they, their leader, or HR."""
    return (
        viewer.person == leader
        or viewer.person == organisation.nearest_leader(leader)
        or viewer.is_hr
    )


def _refuse(viewer: Viewer, step: str) -> AccessDeniedError:
    return AccessDeniedError(
        Message(
            "error.access-denied.step", {"person": viewer.person, "step": Message(f"step.{step}")}
        )
    )


def authorize_upward_feedback(organisation: Organisation, viewer: Viewer, leader: str) -> None:
    """Raise :class:`~musframework.errors.AccessDeniedError` unless ``viewer`` may give it."""
    if not may_give_upward_feedback(organisation, viewer, leader):
        raise _refuse(viewer, "give_upward_feedback")


def authorize_upward_summary(organisation: Organisation, viewer: Viewer, leader: str) -> None:
    """Raise :class:`~musframework.errors.AccessDeniedError` unless ``viewer`` may read it."""
    if not may_read_upward_summary(organisation, viewer, leader):
        raise _refuse(viewer, "read_upward_summary")
