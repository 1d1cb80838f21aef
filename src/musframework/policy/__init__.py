"""Who may see and do what, and redacted views.

* :class:`Viewer`, :class:`Capacity`, :class:`Action`, :class:`Part`: the vocabulary of a
  decision, with :class:`~musframework.LeaderChange` (a model document, importable here too).
* :class:`Policy`: the protocol (configure in ``__init__``, decide in ``allows``);
  :class:`DefaultPolicy`: the built-in rules (``docs/policy.md``).
* :func:`view`, :func:`authorize`, :func:`may`: what renderers, exports and analytics call.
* :func:`may_take`, :func:`authorize_step`, :func:`step_questions`: who may take which
  workflow step (the one authority the services ask; the workflow checks only the state).
* :func:`may_keep_draft`, :func:`authorize_draft`: a response draft is its author's alone.
"""

from musframework.model.history import LeaderChange as LeaderChange  # documented in the model
from musframework.policy.access import Action, Capacity, Part, Viewer
from musframework.policy.default import DefaultPolicy, Grant, Policy, Relation
from musframework.policy.drafts import authorize_draft, may_keep_draft
from musframework.policy.steps import (
    STEPS,
    PolicyQuestion,
    authorize_step,
    may_take,
    step_questions,
)
from musframework.policy.upward import may_give_upward_feedback, may_read_upward_summary
from musframework.policy.views import CycleView, authorize, may, seen_by, view, visible

__all__ = [
    "Action",
    "Capacity",
    "CycleView",
    "DefaultPolicy",
    "Grant",
    "Part",
    "Policy",
    "PolicyQuestion",
    "Relation",
    "STEPS",
    "Viewer",
    "authorize",
    "authorize_draft",
    "authorize_step",
    "may",
    "may_give_upward_feedback",
    "may_keep_draft",
    "may_read_upward_summary",
    "may_take",
    "seen_by",
    "step_questions",
    "view",
    "visible",
]
