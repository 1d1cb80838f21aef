"""Redacted views and authorisation: what renderers, exports and analytics call.

:func:`view` returns a copy of an object with everything the viewer may not see removed, or
raises :class:`~musframework.errors.AccessDeniedError` when they may not see it at all.
:func:`authorize` raises for an action the viewer may not take; :func:`may` answers the same
question with a bool. All three ask a :class:`~musframework.policy.Policy`, so a custom
policy changes every view at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, overload

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.errors import AccessDeniedError, UnsupportedObjectError
from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    Cycle,
    DevelopmentPlan,
    FollowUp,
    Response,
)
from musframework.model.source import ConversationSource, DerivedSource, in_passes
from musframework.policy.access import Action, Part, Viewer
from musframework.policy.default import Policy

__all__ = ["CycleView", "authorize", "may", "seen_by", "view", "visible"]

T = TypeVar("T")


def _conversations(values: Iterable[Conversation]) -> tuple[Conversation, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class CycleView:
    """A round as one viewer sees it: the cycle and the conversations they may see, redacted.

    Attributes:
        cycle: The round itself (its name, period and settings are not confidential).
        conversations: The viewer's redacted views of the round's conversations, in the order
            given; conversations they may not see at all are left out.
    """

    cycle: Cycle
    conversations: tuple[Conversation, ...] = attrs.field(default=(), converter=_conversations)


def _describe(obj: object) -> Message:
    # The object's type and id, never any content.
    name = type(obj).__name__
    ident = getattr(obj, "id", None) or getattr(obj, "conversation", None)
    if isinstance(ident, str):
        return Message(f"policy.object.{name}", {"id": ident})
    return Message(f"policy.object.{name}", {"id": "?"})


def may(
    viewer: Viewer,
    action: Action,
    obj: object,
    policy: Policy,
    part: Part | None = None,
    item: object | None = None,
) -> bool:
    """Whether ``viewer`` may do ``action`` on ``obj`` (its ``part``, its ``item``)."""
    return policy.allows(viewer, action, obj, part, item)


def authorize(
    viewer: Viewer,
    action: Action,
    obj: object,
    policy: Policy,
    part: Part | None = None,
    item: object | None = None,
) -> None:
    """Raise :class:`~musframework.errors.AccessDeniedError` unless the action is allowed.

    The message names the person, the action, the object's type and id and the part, never
    any content.
    """
    if not policy.allows(viewer, action, obj, part, item):
        params = {"person": viewer.person, "action": action, "object": _describe(obj)}
        if part is None:
            raise AccessDeniedError(Message("error.access-denied", params))
        raise AccessDeniedError(Message("error.access-denied.part", {**params, "part": part}))


@overload
def view(
    obj: Cycle,
    viewer: Viewer,
    policy: Policy,
    *,
    conversation: Conversation | None = None,
    conversations: Iterable[Conversation] = (),
) -> CycleView: ...


@overload
def view(
    obj: T,
    viewer: Viewer,
    policy: Policy,
    *,
    conversation: Conversation | None = None,
    conversations: Iterable[Conversation] = (),
) -> T: ...


def view(
    obj: Any,
    viewer: Viewer,
    policy: Policy,
    *,
    conversation: Conversation | None = None,
    conversations: Iterable[Conversation] = (),
) -> Any:
    """A copy of ``obj`` holding only what ``viewer`` may see.

    Args:
        obj: A :class:`~musframework.Conversation`, :class:`~musframework.DevelopmentPlan`,
            :class:`~musframework.Response` or :class:`~musframework.Cycle`.
        viewer: Who is looking.
        policy: The policy that decides.
        conversation: For a response: the conversation it belongs to (who the other party
            is depends on it). Without it only the author (and HR, once shared) see it.
        conversations: For a cycle: its conversations; the result is a :class:`CycleView`.

    Raises:
        AccessDeniedError: when the viewer may not see the object at all.
        TypeError: for an object the library has no view for.
    """
    if isinstance(obj, Cycle):
        authorize(viewer, Action.VIEW, obj, policy)
        return CycleView(cycle=obj, conversations=seen_by(conversations, viewer, policy))
    if isinstance(obj, Conversation):
        authorize(viewer, Action.VIEW, obj, policy)
        return _view_conversation(obj, viewer, policy)
    if isinstance(obj, DevelopmentPlan):
        authorize(viewer, Action.VIEW, obj, policy)
        return _view_plan(obj, viewer, policy)
    if isinstance(obj, Response):
        if conversation is not None:
            if not (
                policy.allows(viewer, Action.VIEW, conversation, Part.RESPONSES, obj)
                and policy.allows(viewer, Action.VIEW, conversation)
            ):
                raise AccessDeniedError(
                    Message(
                        "error.access-denied.response",
                        {"person": viewer.person, "object": _describe(conversation)},
                    )
                )
            return obj
        authorize(viewer, Action.VIEW, obj, policy)
        return obj
    raise UnsupportedObjectError(Message("error.no-view", {"type": type(obj).__name__}))


def visible(conversation: Conversation, viewer: Viewer, policy: Policy) -> Conversation | None:
    """``conversation`` as :func:`view` shows it to ``viewer``, or ``None`` if they may not see it.

    What a view of a round does to each of its conversations, for one conversation at a time
    (analytics over a round read in passes redact each conversation as it is read).
    """
    if not policy.allows(viewer, Action.VIEW, conversation):
        return None
    return _view_conversation(conversation, viewer, policy)


def seen_by(
    conversations: Iterable[Conversation], viewer: Viewer, policy: Policy
) -> tuple[Conversation, ...] | ConversationSource:
    """The conversations ``viewer`` may see, each as :func:`visible` shows it.

    A tuple; or, given a :class:`~musframework.model.source.ConversationSource` (a round read
    from a store), a source that redacts each conversation as a pass reads it, so the round is
    never held whole.
    """
    given = in_passes(conversations)
    if isinstance(given, ConversationSource):
        return DerivedSource(given, change=_Visible(viewer, policy))
    return tuple(c for c in (visible(c, viewer, policy) for c in given) if c is not None)


@attrs.frozen
class _Visible:
    """Each conversation as ``viewer`` may see it (``None``: not at all)."""

    viewer: Viewer
    policy: Policy

    def __call__(self, conversation: Conversation) -> Conversation | None:
        return visible(conversation, self.viewer, self.policy)


def _view_conversation(c: Conversation, viewer: Viewer, policy: Policy) -> Conversation:
    def part(p: Part) -> bool:
        return policy.allows(viewer, Action.VIEW, c, p)

    def item(p: Part, thing: object) -> bool:
        return policy.allows(viewer, Action.VIEW, c, p, thing)

    changes: dict[str, Any] = {}
    if not part(Part.SCHEDULE):
        changes.update(
            participants=(),
            scheduled_start=None,
            duration=pendulum.duration(minutes=60),
            place="",
            agenda=(),
            invitation=None,
            held_at=None,
        )
    changes["responses"] = (
        tuple(r for r in c.responses if item(Part.RESPONSES, r)) if part(Part.RESPONSES) else ()
    )
    changes["notes"] = tuple(n for n in c.notes if item(Part.NOTES, n)) if part(Part.NOTES) else ()
    if not part(Part.CONCLUSIONS):
        changes.update(
            conclusions=(),
            goals=(),
            practice_changes=(),
            follow_up_date=None,
            next_conversation_date=None,
        )
    if part(Part.AGREEMENTS):
        agreements = tuple(
            _view_agreement(a, lambda h: item(Part.AGREEMENTS, h))
            for a in c.agreements
            if item(Part.AGREEMENTS, a)
        )
        changes["agreements"] = agreements
        changes["follow_up"] = _view_follow_up(
            c.follow_up, {a.id for a in agreements}, lambda f: item(Part.AGREEMENTS, f)
        )
    else:
        changes.update(agreements=(), follow_up=None)
    changes["signatures"] = (
        tuple(s for s in c.signatures if item(Part.SIGNATURES, s)) if part(Part.SIGNATURES) else ()
    )
    return attrs.evolve(c, **changes)


def _view_plan(plan: DevelopmentPlan, viewer: Viewer, policy: Policy) -> DevelopmentPlan:
    def part(p: Part) -> bool:
        return policy.allows(viewer, Action.VIEW, plan, p)

    def item(p: Part, thing: object) -> bool:
        return policy.allows(viewer, Action.VIEW, plan, p, thing)

    changes: dict[str, Any] = {}
    if not part(Part.CONCLUSIONS):
        changes.update(
            goals=(), practice_changes=(), follow_up_date=None, next_conversation_date=None
        )
    changes["activities"] = (
        tuple(
            _view_agreement(a, lambda h: item(Part.AGREEMENTS, h))
            for a in plan.activities
            if item(Part.AGREEMENTS, a)
        )
        if part(Part.AGREEMENTS)
        else ()
    )
    changes["signatures"] = (
        tuple(s for s in plan.signatures if item(Part.SIGNATURES, s))
        if part(Part.SIGNATURES)
        else ()
    )
    return attrs.evolve(plan, **changes)


def _view_agreement(agreement: Agreement, shown: Any) -> Agreement:
    history = tuple(h for h in agreement.history if shown(h))
    if len(history) == len(agreement.history):
        return agreement
    # Status as the visible history leaves it: later changes stay hidden.
    # Every agreement starts open; with its whole history hidden, that is what can be shown.
    status = history[-1].status if history else AgreementStatus.OPEN
    return attrs.evolve(agreement, history=history, status=status)


def _view_follow_up(follow_up: FollowUp | None, agreement_ids: set[str], shown: Any) -> Any:
    if follow_up is None or not shown(follow_up):
        return None
    entries = tuple(e for e in follow_up.entries if e.agreement in agreement_ids)
    return attrs.evolve(follow_up, entries=entries)
