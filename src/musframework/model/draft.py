"""A person's unfinished answers to their preparation form: :class:`ResponseDraft`.

A draft is kept apart from the conversation, as its own stored document (kind
``response_draft``): saving one does not change the conversation's revision, nobody but its
author ever reads it (:func:`musframework.policy.may_keep_draft`), and submitting the
response deletes it. Its answers may be incomplete; values that do not fit their question
are refused when it is saved (see :meth:`musframework.services.Services.save_draft`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import attrs
import pendulum

from musframework.model.kinds import Role
from musframework.model.questions import Answer
from musframework.model.response import QuestionnaireRef, Response

__all__ = ["ResponseDraft", "draft_id"]


def draft_id(conversation: str, person: str) -> str:
    """The stored id of ``person``'s draft in ``conversation`` (one draft per pair)."""
    digest = hashlib.sha256(f"{conversation}\x1f{person}".encode()).hexdigest()
    return f"draft.{digest[:24]}"


def _answers(value: Mapping[str, Answer]) -> dict[str, Answer]:
    # In question id order: the same text from every backend (PostgreSQL's jsonb reorders).
    return dict(sorted(value.items()))


@attrs.frozen(kw_only=True)
class ResponseDraft:
    """The answers ``person`` has given so far in ``conversation``, not yet submitted.

    Attributes:
        conversation: The conversation id.
        person: The author (the only person who may read or change it).
        questionnaire: The form version answered.
        role: The author's role in the conversation.
        answers: Question id -> answer (in id order); any subset of the form's questions.
        saved_at: When it was last saved (from the services' clock).
        id: The stored id, derived from ``conversation`` and ``person``.
    """

    SCHEMA_VERSION = 1

    conversation: str
    person: str
    questionnaire: QuestionnaireRef
    role: Role = attrs.field(converter=Role)
    answers: dict[str, Answer] = attrs.field(factory=dict, converter=_answers)
    saved_at: pendulum.DateTime
    id: str = attrs.field(
        default=attrs.Factory(lambda d: draft_id(d.conversation, d.person), takes_self=True),
        eq=False,
        repr=False,
    )

    def as_response(self) -> Response:
        """The answers as an unsubmitted :class:`Response` (to show or to convert)."""
        return Response(
            questionnaire=self.questionnaire,
            role=self.role,
            person=self.person,
            answers=self.answers,
        )
