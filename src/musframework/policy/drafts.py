"""Who may read and write a response draft: its author, and nobody else.

A draft holds answers its author has not submitted yet, so it is theirs alone: the other
party (the leader), HR and administrators never read it, whatever the policy grants them on
the conversation. The author must answer a form in the conversation (be a participant with
a role). This module is the one home of that rule; the services ask it on every draft read,
save and delete.
"""

from __future__ import annotations

from musframework.catalogue import Message
from musframework.errors import AccessDeniedError
from musframework.model import Conversation
from musframework.model.draft import ResponseDraft
from musframework.policy.access import Viewer

__all__ = ["authorize_draft", "may_keep_draft"]


def may_keep_draft(
    viewer: Viewer, conversation: Conversation, draft: ResponseDraft | None = None
) -> bool:
    """Whether ``viewer`` may read, save or delete their draft in ``conversation``.

    True only for a participant with a role in the conversation, and (given a stored
    ``draft``) only when they are its author.
    """
    if conversation.role_of(viewer.person) is None:
        return False
    return draft is None or (
        draft.person == viewer.person and draft.conversation == conversation.id
    )


def authorize_draft(
    viewer: Viewer, conversation: Conversation, draft: ResponseDraft | None = None
) -> None:
    """Raise :class:`~musframework.errors.AccessDeniedError` unless :func:`may_keep_draft`."""
    if not may_keep_draft(viewer, conversation, draft):
        raise AccessDeniedError(
            Message(
                "error.access-denied.step",
                {"person": viewer.person, "step": Message("step.keep_draft")},
            )
        )
