"""The domain model: frozen attrs classes; every change returns a new object.

This layer imports nothing of musframework's but :mod:`musframework.errors`; everything else
builds on it.
"""

from musframework.model.agreement import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    LearningMethod,
    StatusChange,
)
from musframework.model.conditions import Comparison, Condition, Match, Operator
from musframework.model.conversation import (
    AgendaItem,
    Conversation,
    ConversationStatus,
    FollowUp,
    FollowUpEntry,
    Invitation,
    Note,
    Participant,
    ReviewComment,
    Signature,
)
from musframework.model.cycle import (
    Cycle,
    CycleSettings,
    MusRequest,
    Period,
    RoundForm,
    RoundStep,
    RoundStepKind,
)
from musframework.model.findings import Finding, Severity, sorted_findings
from musframework.model.goals import Goal
from musframework.model.history import Delivery, LeaderChange, OrganisationVersion, moment_key
from musframework.model.kinds import ConversationKind, Role
from musframework.model.organisation import Organisation
from musframework.model.people import Group, OrgUnit, Person
from musframework.model.plan import DevelopmentPlan
from musframework.model.questionnaire import Questionnaire, Section
from musframework.model.questions import (
    Answer,
    ChoiceAnswer,
    DateAnswer,
    DateQuestion,
    MultipleChoiceAnswer,
    MultipleChoiceQuestion,
    NumberAnswer,
    NumberQuestion,
    Option,
    Question,
    ScaleAnswer,
    ScalePoint,
    ScaleQuestion,
    SingleChoiceQuestion,
    TextAnswer,
    TextQuestion,
    YesNoAnswer,
    YesNoQuestion,
    question_type,
    question_type_generation,
    question_type_names,
    question_types,
    register_question_type,
    unregister_question_type,
)
from musframework.model.response import QuestionnaireRef, Response
from musframework.model.text import LocalizedText

__all__ = [
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
    "moment_key",
    "question_type",
    "question_type_generation",
    "question_type_names",
    "question_types",
    "register_question_type",
    "sorted_findings",
    "unregister_question_type",
]
