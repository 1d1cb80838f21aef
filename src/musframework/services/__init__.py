"""The application layer: the use cases an app calls, and the notifications that reach people.

* :class:`Services`: one object bound to a store, a policy, a clock, a notifier and the
  organisation's :class:`Settings`; its methods are the use cases (plan a round, invite,
  submit a response, share, hold, reschedule, conclude, comment, sign, revise, set an
  agreement's status, follow up, hand over on a leader change, cancel, replace, update or
  import the organisation, export and erase a person, send what is due), and what an app shows one
  person: their conversations, the preparation form for their role
  (:class:`PreparationForm`, with the SurveyJS export and their saved answers: the
  submitted response, else their draft), their own response draft (``save_draft``,
  ``draft``, ``delete_draft``: unfinished answers only they read), what is due
  for them, a conversation's documents and calendar file. The steps a person takes after
  reading (submit, share, comment, sign) take ``revision=`` to refuse a stale write.
* Notifications: :func:`notices_for` (what people should be told, fed by
  ``workflow.what_is_due`` and by what happened), :func:`compose` (the message, in Danish or
  English, with the invitation as an iCalendar attachment), the :class:`Notifier` protocol,
  :class:`SmtpNotifier` and :class:`DryRunNotifier`.

The services sit above the workflow, the policy and storage: they ask the policy, apply a
workflow step and save through the store. Nothing below imports them.
"""

from musframework.services.application import (
    Counters,
    NotificationReport,
    PreparationForm,
    Services,
    Settings,
)
from musframework.services.notices import (
    Attachment,
    Notice,
    NoticeKind,
    OutgoingMessage,
    compose,
    notices_for,
)
from musframework.services.notifiers import (
    DryRunNotifier,
    Notifier,
    NotifierError,
    SmtpNotifier,
    email_message,
)
from musframework.services.organisation_import import OrganisationImport

__all__ = [
    "Attachment",
    "Counters",
    "DryRunNotifier",
    "Notice",
    "NoticeKind",
    "NotificationReport",
    "Notifier",
    "NotifierError",
    "OrganisationImport",
    "OutgoingMessage",
    "PreparationForm",
    "Services",
    "Settings",
    "SmtpNotifier",
    "compose",
    "email_message",
    "notices_for",
]
