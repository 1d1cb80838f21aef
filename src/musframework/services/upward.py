"""The use cases of upward feedback: a staff member gives it, the leader reads the summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from musframework import templates
from musframework.catalogue import Message
from musframework.errors import DataError
from musframework.model import (
    ConversationKind,
    ConversationStatus,
    Cycle,
    Finding,
    Questionnaire,
    Role,
)
from musframework.model.round import minimum_group_size
from musframework.model.upward import (
    ANONYMOUS_ACTOR,
    UPWARD_FEEDBACK_FORM,
    UpwardFeedback,
    UpwardSummary,
    summarise_upward_feedback,
)
from musframework.policy import Viewer
from musframework.policy.upward import (
    authorize_upward_feedback,
    authorize_upward_summary,
    staff_of,
)

if TYPE_CHECKING:
    from musframework.services.application import Services

__all__ = ["give_upward_feedback", "upward_feedback_summary"]


def _form() -> Questionnaire:
    return templates.load(UPWARD_FEEDBACK_FORM)


def _refusal(code: str, **params: object) -> DataError:
    return DataError(Message(code, params), [Finding.error(code, "", Message(code, params))])


def _lus_held(services: Services, cycle: str, leader: str) -> bool:
    return any(
        s.document.kind is ConversationKind.LUS
        and leader in s.document.developed
        and s.document.status in ConversationStatus.HELD_OR_LATER
        for s in services.store.conversations(cycle=cycle, person=leader)
    )


def give_upward_feedback(
    services: Services,
    viewer: Viewer,
    cycle_id: str,
    leader: str,
    answers: Mapping[str, Any],
) -> None:
    """See :meth:`musframework.services.Services.give_upward_feedback`."""
    organisation, _ = services._cached()
    authorize_upward_feedback(organisation, viewer, leader)
    cycle = services.store.load(Cycle, cycle_id).document
    minimum = minimum_group_size(cycle)
    staff = staff_of(organisation, leader)
    if len(staff) < minimum:
        raise _refusal("upward.staff-too-small", staff=len(staff), minimum=minimum)
    if _lus_held(services, cycle_id, leader):
        raise _refusal("upward.closed")
    form = _form()
    response = form.new_response(Role.EMPLOYEE, viewer.person, answers)
    problems = form.check_response(response)
    if problems:
        raise DataError(Message("upward.invalid"), problems)
    empty = UpwardFeedback(cycle=cycle_id, leader=leader, questionnaire=form.ref, minimum=minimum)

    def attempt() -> None:
        stored = services.store.get(UpwardFeedback, empty.id)
        current = stored.document if stored is not None else empty
        if current.has_answered(viewer.person):
            raise _refusal("upward.already-answered")
        changed = current.with_answers(viewer.person, response.answers)
        revision = 0 if stored is None else stored.revision
        # The audit log records "anonymous", never the respondent.
        services.store.save(changed, revision=revision, actor=ANONYMOUS_ACTOR)

    services._retry(attempt)


def upward_feedback_summary(
    services: Services, viewer: Viewer, cycle_id: str, leader: str
) -> UpwardSummary:
    """See :meth:`musframework.services.Services.upward_feedback_summary`."""
    organisation, _ = services._cached()
    authorize_upward_summary(organisation, viewer, leader)
    cycle = services.store.load(Cycle, cycle_id).document
    key = UpwardFeedback(cycle=cycle_id, leader=leader, questionnaire=_form().ref).id
    stored = services.store.get(UpwardFeedback, key)
    return summarise_upward_feedback(
        stored.document if stored is not None else None,
        _form(),
        cycle=cycle_id,
        leader=leader,
        staff=len(staff_of(organisation, leader)),
        minimum=minimum_group_size(cycle),
    )
