"""musframework: employee development conversations (MUS, GRUS, LUS) as Danish workplaces run them.

The public names are re-exported here; the subpackages hold the rest:

* :mod:`musframework.model`: frozen attrs models (people, questionnaires, conversations …)
* :mod:`musframework.serialization`: JSON round trips with cattrs; schema versions, migrations;
  questionnaire files in TOML and JSON, and their JSON Schema
* :mod:`musframework.templates`: the built-in questionnaires (``mf.templates.load("mus-standard")``)
* :mod:`musframework.interop`: bridges to other tools (SurveyJS)
* :mod:`musframework.errors`: the one error hierarchy
* :mod:`musframework.clock`: injectable clocks
* :mod:`musframework.workflow`: states and steps, signatures, carry-over, what is due,
  planning and scheduling a round
* :mod:`musframework.rules`: validation rules and ``validate()``
* :mod:`musframework.rendering`: documents in HTML, Markdown, text, Word and iCalendar
* :mod:`musframework.analytics`: round statistics, tables and plots
* :mod:`musframework.progress`: the ``progress`` argument of long batch operations
* :mod:`musframework.storage`: the Store protocol and its backends (``mf.storage.open(url)``)
* :mod:`musframework.policy`: who may see and do what; redacted views
* :mod:`musframework.services`: the use cases an app calls, and notifications
* :mod:`musframework.testing`: hypothesis strategies for downstream tests

>>> import musframework as mf
>>> mf.Person(id="p1", name="Ane Jensen")
Person(id='p1', name='Ane Jensen', email=None)

Importing the package is cheap: each name here loads its subpackage the first time it is used
(``mf.render`` loads :mod:`musframework.rendering`), and ``import musframework.model`` loads the
model alone, not the renderers, stores or analytics.
"""

import importlib
from typing import TYPE_CHECKING, Any

from musframework._version import __version__

if TYPE_CHECKING:  # the names as type checkers see them; at run time they load on first use
    from musframework import errors, interop, policy, services, storage, templates, workflow
    from musframework.analytics import RoundAnalysis, analyse_round
    from musframework.clock import Clock, FixedClock, SystemClock
    from musframework.model import (
        AgendaItem,
        Agreement,
        AgreementKind,
        AgreementStatus,
        Answer,
        ChoiceAnswer,
        Comparison,
        Condition,
        Conversation,
        ConversationKind,
        ConversationStatus,
        Cycle,
        CycleSettings,
        DateAnswer,
        DateQuestion,
        Delivery,
        DevelopmentPlan,
        Finding,
        FollowUp,
        FollowUpEntry,
        Goal,
        Group,
        Invitation,
        LeaderChange,
        LearningMethod,
        LocalizedText,
        Match,
        MultipleChoiceAnswer,
        MultipleChoiceQuestion,
        MusRequest,
        Note,
        NumberAnswer,
        NumberQuestion,
        Operator,
        Option,
        Organisation,
        OrganisationVersion,
        OrgUnit,
        Participant,
        Period,
        Person,
        Question,
        Questionnaire,
        QuestionnaireRef,
        Response,
        ReviewComment,
        Role,
        RoundForm,
        RoundStep,
        RoundStepKind,
        ScaleAnswer,
        ScalePoint,
        ScaleQuestion,
        Section,
        Severity,
        Signature,
        SingleChoiceQuestion,
        StatusChange,
        TextAnswer,
        TextQuestion,
        YesNoAnswer,
        YesNoQuestion,
        question_type,
        question_type_names,
        register_question_type,
        sorted_findings,
        unregister_question_type,
    )
    from musframework.policy import DefaultPolicy, Viewer, authorize, view
    from musframework.rendering import render, render_to
    from musframework.rules import validate
    from musframework.serialization import (
        dump_questionnaire,
        dumps,
        from_dict,
        from_dicts,
        load_questionnaire,
        loads,
        loads_many,
        save_questionnaire,
        to_dict,
    )
    from musframework.services import Services

_EXPORTS: dict[str, tuple[str, ...]] = {
    "musframework.analytics": (
        "RoundAnalysis",
        "analyse_round",
    ),
    "musframework.clock": (
        "Clock",
        "FixedClock",
        "SystemClock",
    ),
    "musframework.model": (
        "AgendaItem",
        "Agreement",
        "AgreementKind",
        "AgreementStatus",
        "Answer",
        "ChoiceAnswer",
        "Comparison",
        "Condition",
        "Conversation",
        "ConversationKind",
        "ConversationStatus",
        "Cycle",
        "CycleSettings",
        "DateAnswer",
        "DateQuestion",
        "Delivery",
        "DevelopmentPlan",
        "Finding",
        "FollowUp",
        "FollowUpEntry",
        "Goal",
        "Group",
        "Invitation",
        "LeaderChange",
        "LearningMethod",
        "LocalizedText",
        "Match",
        "MultipleChoiceAnswer",
        "MultipleChoiceQuestion",
        "MusRequest",
        "Note",
        "NumberAnswer",
        "NumberQuestion",
        "Operator",
        "Option",
        "Organisation",
        "OrganisationVersion",
        "OrgUnit",
        "Participant",
        "Period",
        "Person",
        "Question",
        "Questionnaire",
        "QuestionnaireRef",
        "Response",
        "ReviewComment",
        "Role",
        "RoundForm",
        "RoundStep",
        "RoundStepKind",
        "ScaleAnswer",
        "ScalePoint",
        "ScaleQuestion",
        "Section",
        "Severity",
        "Signature",
        "SingleChoiceQuestion",
        "StatusChange",
        "TextAnswer",
        "TextQuestion",
        "YesNoAnswer",
        "YesNoQuestion",
        "question_type",
        "question_type_names",
        "register_question_type",
        "sorted_findings",
        "unregister_question_type",
    ),
    "musframework.policy": (
        "DefaultPolicy",
        "Viewer",
        "authorize",
        "view",
    ),
    "musframework.rendering": (
        "render",
        "render_to",
    ),
    "musframework.rules": ("validate",),
    "musframework.services": ("Services",),
    "musframework.serialization": (
        "dump_questionnaire",
        "dumps",
        "from_dict",
        "from_dicts",
        "load_questionnaire",
        "loads",
        "loads_many",
        "save_questionnaire",
        "to_dict",
    ),
}
"""Where each re-exported name lives (the same names as the imports above)."""

_SUBPACKAGES = frozenset(
    {
        "analytics",
        "catalogue",
        "clock",
        "errors",
        "interop",
        "model",
        "policy",
        "progress",
        "rendering",
        "rules",
        "serialization",
        "services",
        "storage",
        "templates",
        "workflow",
    }
)
"""The subpackages and modules that ``mf.<name>`` loads on first use."""

_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "AgendaItem",
    "Agreement",
    "AgreementKind",
    "AgreementStatus",
    "Answer",
    "ChoiceAnswer",
    "Clock",
    "Comparison",
    "Condition",
    "Conversation",
    "ConversationKind",
    "ConversationStatus",
    "Cycle",
    "CycleSettings",
    "DateAnswer",
    "DateQuestion",
    "DefaultPolicy",
    "Delivery",
    "DevelopmentPlan",
    "Finding",
    "FixedClock",
    "FollowUp",
    "FollowUpEntry",
    "Goal",
    "Group",
    "Invitation",
    "LeaderChange",
    "LearningMethod",
    "LocalizedText",
    "Match",
    "MultipleChoiceAnswer",
    "MultipleChoiceQuestion",
    "MusRequest",
    "Note",
    "NumberAnswer",
    "NumberQuestion",
    "Operator",
    "Option",
    "OrgUnit",
    "Organisation",
    "OrganisationVersion",
    "Participant",
    "Period",
    "Person",
    "Question",
    "Questionnaire",
    "QuestionnaireRef",
    "Response",
    "ReviewComment",
    "Role",
    "RoundAnalysis",
    "RoundForm",
    "RoundStep",
    "RoundStepKind",
    "ScaleAnswer",
    "ScalePoint",
    "ScaleQuestion",
    "Section",
    "Services",
    "Severity",
    "Signature",
    "SingleChoiceQuestion",
    "StatusChange",
    "SystemClock",
    "TextAnswer",
    "TextQuestion",
    "Viewer",
    "YesNoAnswer",
    "YesNoQuestion",
    "__version__",
    "analyse_round",
    "authorize",
    "dump_questionnaire",
    "dumps",
    "errors",
    "from_dict",
    "from_dicts",
    "interop",
    "load_questionnaire",
    "loads",
    "loads_many",
    "policy",
    "question_type",
    "question_type_names",
    "register_question_type",
    "render",
    "render_to",
    "save_questionnaire",
    "services",
    "sorted_findings",
    "storage",
    "templates",
    "to_dict",
    "unregister_question_type",
    "validate",
    "view",
    "workflow",
]


if not TYPE_CHECKING:  # hidden from type checkers, which would otherwise accept any name

    def __getattr__(name: str) -> Any:
        """Load a re-exported name or a subpackage on first use (PEP 562)."""
        home = _HOME.get(name)
        if home is not None:
            value = getattr(importlib.import_module(home), name)
        elif name in _SUBPACKAGES:
            value = importlib.import_module(f"musframework.{name}")
        else:
            raise AttributeError(f"module 'musframework' has no attribute {name!r}")
        globals()[name] = value  # found directly from now on
        return value


def __dir__() -> list[str]:
    """The public names, the subpackages and what is loaded already."""
    return sorted(set(globals()) | set(__all__) | _SUBPACKAGES)
