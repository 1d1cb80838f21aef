"""Who may see and do what, and redacted views.

* :class:`Viewer`, :class:`Capacity`, :class:`Action`, :class:`Part`, :class:`LeaderChange`:
  the vocabulary of a decision.
* :class:`Policy`: the protocol (configure in ``__init__``, decide in ``allows``);
  :class:`DefaultPolicy`: the built-in rules (``docs/policy.md``).
* :func:`view`, :func:`authorize`, :func:`may`: what renderers, exports and analytics call.
"""

from musframework.policy.access import Action, Capacity, LeaderChange, Part, Viewer
from musframework.policy.default import DefaultPolicy, Grant, Policy, Relation
from musframework.policy.views import CycleView, authorize, may, view

__all__ = [
    "Action",
    "Capacity",
    "CycleView",
    "DefaultPolicy",
    "Grant",
    "LeaderChange",
    "Part",
    "Policy",
    "Relation",
    "Viewer",
    "authorize",
    "may",
    "view",
]
