"""Who may take which step: the questions each use case asks the policy.

The workflow checks only that a step fits the conversation's state; whether *this person*
may take it is decided here, by asking the :class:`~musframework.policy.Policy` the
questions of :func:`step_questions`. The services (:mod:`musframework.services`) ask before
every step, so an app that calls them, a view that shows a button and a test that walks the
access matrix all get the same answer from the same place.

>>> import musframework as mf
>>> from musframework.policy import DefaultPolicy, Viewer, may_take
>>> org = mf.Organisation(
...     people=[mf.Person(id="boss", name="B"), mf.Person(id="emp", name="E")],
...     units=[mf.OrgUnit(id="u", name="U", leader="boss", members=["emp"])])
>>> c = mf.Conversation(id="c", kind="MUS", participants=[
...     mf.Participant("emp", "employee"), mf.Participant("boss", "leader")])
>>> may_take(DefaultPolicy(org), Viewer("boss"), "invite", c)
True
>>> may_take(DefaultPolicy(org), Viewer("emp"), "invite", c)
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from musframework.catalogue import Message
from musframework.errors import AccessDeniedError, NotFoundError
from musframework.model import Note, Organisation
from musframework.policy.access import Action, Part, Viewer
from musframework.policy.default import Policy
from musframework.policy.views import authorize

__all__ = ["PolicyQuestion", "STEPS", "authorize_step", "may_take", "step_questions"]

#: Every step the policy answers for, by name (the services' use cases use the same names).
STEPS: tuple[str, ...] = (
    "plan_round",
    "update_organisation",
    "hand_over",
    "invite",
    "reschedule",
    "submit_response",
    "prepare",
    "share",
    "hold",
    "comment",
    "conclude",
    "sign",
    "revise",
    "review_agreement",
    "set_agreement_status",
    "follow_up",
    "cancel",
    "export_person",
    "erase_person",
)

_SCHEDULE_STEPS = frozenset({"invite", "reschedule", "prepare", "hold"})
_ORGANISATION_STEPS = frozenset({"update_organisation", "hand_over", "erase_person"})


@attrs.frozen
class PolicyQuestion:
    """One question to the policy: may the viewer do ``action`` on ``obj`` (``part``, ``item``)."""

    action: Action
    obj: object
    part: Part | None = None
    item: object | None = None

    def asked(self, policy: Policy, viewer: Viewer) -> bool:
        """The policy's answer for ``viewer``."""
        return policy.allows(viewer, self.action, self.obj, self.part, self.item)


def step_questions(
    step: str,
    obj: object,
    *,
    items: Iterable[object] = (),
    organisation: Organisation | None = None,
) -> tuple[tuple[PolicyQuestion, ...], ...]:
    """The questions that decide ``step`` on ``obj``: any alternative, every question in it.

    Args:
        step: One of ``STEPS``.
        obj: What the step changes: a :class:`~musframework.Conversation` for the
            conversation steps, a :class:`~musframework.Cycle` for ``plan_round``, a
            :class:`~musframework.Person` for ``export_person``, the
            :class:`~musframework.Organisation` for the organisation steps.
        items: The items the step touches: the response (``submit_response``, ``share``),
            the note (``comment``, ``share``), the agreements (``conclude``, ``revise``,
            ``review_agreement``, ``set_agreement_status``, ``follow_up``).
        organisation: The organisation, for ``cancel`` (whoever may change the organisation
            may cancel a conversation, besides its leader).

    Raises:
        NotFoundError: for an unknown step.
    """
    things = tuple(items)
    if step in _SCHEDULE_STEPS:
        return ((PolicyQuestion(Action.EDIT, obj, Part.SCHEDULE),),)
    if step == "cancel":
        first = (PolicyQuestion(Action.EDIT, obj, Part.SCHEDULE),)
        if organisation is None:
            return (first,)
        return (first, (PolicyQuestion(Action.EDIT, organisation),))
    if step in ("submit_response", "comment"):
        part = Part.RESPONSES if step == "submit_response" else Part.NOTES
        edits = [PolicyQuestion(Action.EDIT, obj, part)]
        edits += [PolicyQuestion(Action.EDIT, obj, part, item) for item in things]
        return (tuple(edits),)
    if step == "share":
        shares = [PolicyQuestion(Action.SHARE, obj)]
        shares += [PolicyQuestion(Action.SHARE, obj, _part_of(item), item) for item in things]
        return (tuple(shares),)
    if step == "sign":
        return ((PolicyQuestion(Action.SIGN, obj, Part.SIGNATURES),),)
    if step in ("conclude", "revise"):
        edits = [PolicyQuestion(Action.EDIT, obj, Part.CONCLUSIONS)]
        edits += [PolicyQuestion(Action.EDIT, obj, Part.AGREEMENTS, a) for a in things]
        return (tuple(edits),)
    if step in ("review_agreement", "set_agreement_status", "follow_up"):
        edits = [PolicyQuestion(Action.EDIT, obj, Part.AGREEMENTS)]
        edits += [PolicyQuestion(Action.EDIT, obj, Part.AGREEMENTS, a) for a in things]
        return (tuple(edits),)
    if step == "plan_round":
        return ((PolicyQuestion(Action.EDIT, obj),),)
    if step == "export_person":
        return ((PolicyQuestion(Action.EXPORT, obj),),)
    if step in _ORGANISATION_STEPS:
        return ((PolicyQuestion(Action.EDIT, obj),),)
    raise NotFoundError(Message("error.not-found.step", {"step": step}))


def _part_of(item: object) -> Part:
    return Part.NOTES if isinstance(item, Note) else Part.RESPONSES


def may_take(
    policy: Policy,
    viewer: Viewer,
    step: str,
    obj: object,
    *,
    items: Iterable[object] = (),
    organisation: Organisation | None = None,
) -> bool:
    """Whether ``viewer`` may take ``step`` on ``obj`` (see :func:`step_questions`)."""
    alternatives = step_questions(step, obj, items=items, organisation=organisation)
    return any(all(q.asked(policy, viewer) for q in questions) for questions in alternatives)


def authorize_step(
    policy: Policy,
    viewer: Viewer,
    step: str,
    obj: object,
    *,
    items: Iterable[object] = (),
    organisation: Organisation | None = None,
) -> None:
    """Raise :class:`~musframework.errors.AccessDeniedError` unless :func:`may_take`.

    The message names the person, the action, the object's id and the part refused (the
    first question of the first alternative that failed), never any content.
    """
    alternatives = step_questions(step, obj, items=items, organisation=organisation)
    refused: Sequence[PolicyQuestion] = ()
    for questions in alternatives:
        failed = [q for q in questions if not q.asked(policy, viewer)]
        if not failed:
            return
        refused = refused or failed
    if refused:
        first = refused[0]
        authorize(viewer, first.action, first.obj, policy, first.part, first.item)
    # No question failed twice alike (a policy that changed its mind) or no alternative at all.
    raise AccessDeniedError(
        Message(
            "error.access-denied.step", {"person": viewer.person, "step": Message(f"step.{step}")}
        )
    )
