"""Signatures that bind to content, and changes after signing that void them.

A signature stores the digest of the conclusions, goals, practice changes, dates and
agreements it signed (:meth:`~musframework.Conversation.content_digest`). :func:`revise` and
the agreement helpers change that content after concluding: every signature made before the
change becomes void (``conversation.void_signatures`` lists them) and a signed conversation
goes back to ``concluded`` until every required signer has signed again.

Required signers: the employee and the leader in a MUS, LUS or follow-up; the leader and every
group member in a GRUS (each member ends with an individual plan, so each signs it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock
from musframework.errors import DataError
from musframework.model.agreement import Agreement
from musframework.model.conversation import Conversation, ConversationStatus, Signature
from musframework.model.findings import Finding
from musframework.signing import Signer, sign_statement
from musframework.workflow._common import (
    now,
    refuse,
    require_agreement,
    require_participant,
    require_step,
    strings,
)

__all__ = [
    "add_agreement",
    "is_fully_signed",
    "missing_signers",
    "remove_agreement",
    "replace_agreement",
    "required_signers",
    "revise",
    "sign",
]

_UNSET: Any = object()


def required_signers(conversation: Conversation) -> tuple[str, ...]:
    """Who must sign: the leader and everyone developed (employee, or each group member)."""
    return conversation.required_signers


def missing_signers(conversation: Conversation) -> tuple[str, ...]:
    """Required signers without a valid signature on the current content."""
    valid = {s.person for s in conversation.valid_signatures}
    return tuple(p for p in required_signers(conversation) if p not in valid)


def is_fully_signed(conversation: Conversation) -> bool:
    """Whether every required signer has a valid signature on the current content."""
    return bool(required_signers(conversation)) and not missing_signers(conversation)


def sign(
    conversation: Conversation,
    *,
    person: str,
    clock: Clock | None = None,
    signer: Signer | None = None,
) -> Conversation:
    """``person`` signs the concluded content; the conversation is signed once all have.

    With ``signer`` the signature carries a proof (:mod:`musframework.signing`); without one
    it is unkeyed and :func:`musframework.signing.verify` reads it as *unverified*.

    A participant's earlier signature (void after a change) is replaced by the new one, so a
    re-signed conversation lists no void signatures.

    Raises:
        TransitionError: before concluding, after signing is complete, when ``person`` is not a
            participant, or when they already hold a valid signature.
    """
    require_step(conversation, "sign")
    require_participant(conversation, person, "signature")
    role = conversation.role_of(person)
    if conversation.is_signed_by(person):
        raise refuse(conversation, Message("error.already-signed", {"person": person}))
    assert role is not None
    signature = Signature(
        person=person, role=role, signed_at=now(clock), digest=conversation.content_digest()
    )
    signature = sign_statement(conversation.id, signature, signer)
    kept = tuple(s for s in conversation.signatures if s.person != person)
    signed = attrs.evolve(conversation, signatures=(*kept, signature))
    if is_fully_signed(signed):
        signed = attrs.evolve(signed, status=ConversationStatus.SIGNED)
    return signed


def revise(
    conversation: Conversation,
    *,
    by: str,
    conclusions: Iterable[str] = _UNSET,
    goals: Iterable[str] = _UNSET,
    practice_changes: Iterable[str] = _UNSET,
    agreements: Iterable[Agreement] = _UNSET,
    follow_up_date: pendulum.Date | None = _UNSET,
    next_conversation_date: pendulum.Date | None = _UNSET,
) -> Conversation:
    """Change the concluded content; signatures made before become void.

    Only the arguments given are changed. When the signed content actually changes the
    conversation returns to ``concluded`` (its old signatures stay listed, as void, until
    their signers sign again); an edit that changes nothing leaves it as it was, and an edit
    that restores exactly the content everyone signed makes it ``signed`` again.

    Raises:
        TransitionError: unless the conversation is concluded or signed.
        DataError: when two agreements share an id.
    """
    require_step(conversation, "revise")
    changes: dict[str, Any] = {}
    if conclusions is not _UNSET:
        changes["conclusions"] = strings(conclusions)
    if goals is not _UNSET:
        changes["goals"] = strings(goals)
    if practice_changes is not _UNSET:
        changes["practice_changes"] = strings(practice_changes)
    if agreements is not _UNSET:
        changes["agreements"] = check_agreement_ids(conversation, tuple(agreements))
    if follow_up_date is not _UNSET:
        changes["follow_up_date"] = follow_up_date
    if next_conversation_date is not _UNSET:
        changes["next_conversation_date"] = next_conversation_date
    revised = attrs.evolve(conversation, **changes)
    if revised.content_digest() == conversation.content_digest():
        return conversation
    # Back to concluded, unless the edit restored exactly the content everyone had signed.
    status = ConversationStatus.SIGNED if is_fully_signed(revised) else ConversationStatus.CONCLUDED
    return attrs.evolve(revised, status=status)


def add_agreement(conversation: Conversation, agreement: Agreement, *, by: str) -> Conversation:
    """Add an agreement after concluding (voids existing signatures)."""
    return revise(conversation, by=by, agreements=(*conversation.agreements, agreement))


def replace_agreement(conversation: Conversation, agreement: Agreement, *, by: str) -> Conversation:
    """Replace the agreement with the same id after concluding (voids signatures if changed).

    Raises:
        DataError: when the conversation has no agreement with that id.
    """
    require_agreement(conversation, agreement.id)
    updated = tuple(agreement if a.id == agreement.id else a for a in conversation.agreements)
    return revise(conversation, by=by, agreements=updated)


def remove_agreement(conversation: Conversation, agreement_id: str, *, by: str) -> Conversation:
    """Remove an agreement after concluding (voids existing signatures).

    Raises:
        DataError: when the conversation has no agreement with that id.
    """
    require_agreement(conversation, agreement_id)
    kept = tuple(a for a in conversation.agreements if a.id != agreement_id)
    return revise(conversation, by=by, agreements=kept)


def check_agreement_ids(
    conversation: Conversation, agreements: tuple[Agreement, ...]
) -> tuple[Agreement, ...]:
    """Return ``agreements``, or raise :class:`DataError` when ids repeat."""
    seen: set[str] = set()
    problems = []
    for i, agreement in enumerate(agreements):
        if agreement.id in seen:
            problems.append(
                Finding.error(
                    "workflow.duplicate-agreement",
                    f"agreements[{i}].id",
                    id=agreement.id,
                )
            )
        seen.add(agreement.id)
    if problems:
        raise DataError(
            Message("error.agreements-inconsistent", {"conversation": conversation.id}), problems
        )
    return agreements
