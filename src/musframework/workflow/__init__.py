"""The workflow: moving conversations from planning to follow-up, and planning a round.

* ``transitions``: the steps (invite, reschedule, submit a response, share, prepare,
  hold, comment, conclude, follow up, cancel) and :func:`allowed_steps`;
* ``signing``: signatures that bind to content, changes that void
  them;
* ``agreements``: agreement status changes, review of carried-over
  agreements, overdue and due soon;
* ``carry_over``: the next conversation starts with the open
  agreements of the previous one;
* ``due``: what each person must do next, for reminders;
* ``planning``: plan a round for an organisation, idempotently;
* ``scheduling``: place conversations on working days and hours;
* ``dates``: closed days (public holidays, your hook) and months.

Every function returns new objects and takes the time from a ``clock`` argument.
"""

from musframework.workflow._common import allowed_steps
from musframework.workflow.agreements import (
    agreements_due_soon,
    overdue_agreements,
    review_agreement,
    set_agreement_status,
)
from musframework.workflow.carry_over import carry_over, start_next
from musframework.workflow.dates import ClosedDays, add_months, closed_day_test, public_holidays
from musframework.workflow.due import DueItem, DueKind, invitation_date, what_is_due
from musframework.workflow.planning import (
    Place,
    PlanAction,
    PlanEntry,
    RoundPlan,
    agenda_from,
    complete_round_step,
    conversation_id,
    follow_up_id,
    plan_follow_ups,
    plan_round,
    refuse_closed,
)
from musframework.workflow.scheduling import Scheduler, ScheduleResult, Unplaced, schedule
from musframework.workflow.signing import (
    add_agreement,
    is_fully_signed,
    missing_signers,
    remove_agreement,
    replace_agreement,
    required_signers,
    revise,
    sign,
)
from musframework.workflow.transitions import (
    cancel,
    comment,
    comment_on_conclusions,
    conclude,
    follow_up,
    hold,
    invite,
    prepare,
    reschedule,
    share,
    submit_response,
)

__all__ = [
    "ClosedDays",
    "DueItem",
    "DueKind",
    "Place",
    "PlanAction",
    "PlanEntry",
    "RoundPlan",
    "ScheduleResult",
    "Scheduler",
    "Unplaced",
    "add_agreement",
    "add_months",
    "agenda_from",
    "agreements_due_soon",
    "allowed_steps",
    "cancel",
    "carry_over",
    "closed_day_test",
    "comment",
    "comment_on_conclusions",
    "complete_round_step",
    "conclude",
    "conversation_id",
    "follow_up",
    "follow_up_id",
    "hold",
    "invitation_date",
    "invite",
    "is_fully_signed",
    "missing_signers",
    "overdue_agreements",
    "plan_follow_ups",
    "plan_round",
    "prepare",
    "public_holidays",
    "refuse_closed",
    "remove_agreement",
    "replace_agreement",
    "required_signers",
    "reschedule",
    "review_agreement",
    "revise",
    "schedule",
    "set_agreement_status",
    "share",
    "sign",
    "start_next",
    "submit_response",
    "what_is_due",
]
