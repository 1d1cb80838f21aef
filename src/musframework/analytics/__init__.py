"""Round statistics for HR analysts and leaders: pure Python, pandas and plots optional.

* :func:`analyse_round`: every figure of a round at once (with a ``progress`` argument);
* one function per figure (:func:`conversation_progress`, :func:`coverage`,
  :func:`invitation_lead_times`, :func:`agreement_breakdown`, :func:`due_agreements`,
  :func:`agreement_deadlines`, :func:`rating_gaps`, :func:`evaluation_results`,
  :func:`carry_over_summary`, :func:`score_summary`), each one pass over the conversations;
* the strategic thread and common needs (:func:`goal_thread_summary`,
  :func:`group_activities`);
* plots (extra ``musframework[plot]``) in ``musframework.analytics.plots``.

Every result is a small frozen object with ``to_records()`` (a list of dicts),
``to_dataframe()`` (extra ``musframework[pandas]``) and a table in Jupyter.
See ``docs/analytics.md``.
"""

from musframework.analytics.figures import (
    AgreementBreakdown,
    AgreementCell,
    CarryOver,
    ConversationProgress,
    Coverage,
    DeadlineTimeline,
    DueAgreement,
    DueAgreements,
    EvaluationResults,
    GapRow,
    InvitationLeadTimes,
    QuestionResult,
    RatingGaps,
    SuppressedCell,
    UncoveredPerson,
    UnitCarryOver,
    UnitCoverage,
    UnitProgress,
    agreement_breakdown,
    agreement_deadlines,
    carry_over_summary,
    conversation_progress,
    coverage,
    due_agreements,
    evaluation_results,
    invitation_lead_times,
    rating_gaps,
)
from musframework.analytics.plots import (
    plot_agreement_deadlines,
    plot_learning_methods,
    plot_progress_by_unit,
    plot_rating_gaps,
)
from musframework.analytics.report import RoundAnalysis, analyse_round
from musframework.analytics.scores import ScoreRow, ScoreSummary, score_summary
from musframework.analytics.threads import (
    GoalThreads,
    GroupActivities,
    GroupActivity,
    UnitGoalRow,
    goal_thread_summary,
    group_activities,
)

__all__ = [
    "AgreementBreakdown",
    "AgreementCell",
    "CarryOver",
    "ConversationProgress",
    "Coverage",
    "DeadlineTimeline",
    "DueAgreement",
    "DueAgreements",
    "EvaluationResults",
    "GapRow",
    "GoalThreads",
    "GroupActivities",
    "GroupActivity",
    "InvitationLeadTimes",
    "QuestionResult",
    "RatingGaps",
    "RoundAnalysis",
    "ScoreRow",
    "ScoreSummary",
    "SuppressedCell",
    "UncoveredPerson",
    "UnitCarryOver",
    "UnitCoverage",
    "UnitGoalRow",
    "UnitProgress",
    "agreement_breakdown",
    "agreement_deadlines",
    "analyse_round",
    "carry_over_summary",
    "conversation_progress",
    "coverage",
    "due_agreements",
    "evaluation_results",
    "goal_thread_summary",
    "group_activities",
    "invitation_lead_times",
    "plot_agreement_deadlines",
    "plot_learning_methods",
    "plot_progress_by_unit",
    "plot_rating_gaps",
    "rating_gaps",
    "score_summary",
]
