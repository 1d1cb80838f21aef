"""Danish and English labels for analytics tables and plots."""

from __future__ import annotations

import enum

from musframework.model import (
    AgreementStatus,
    ConversationKind,
    ConversationStatus,
    LearningMethod,
    Role,
)

_LABELS: dict[str, tuple[str, str]] = {
    # conversation statuses
    "planned": ("Planlagt", "Planned"),
    "invited": ("Indkaldt", "Invited"),
    "prepared": ("Forberedt", "Prepared"),
    "held": ("Afholdt", "Held"),
    "concluded": ("Konkluderet", "Concluded"),
    "signed": ("Underskrevet", "Signed"),
    "followed_up": ("Fulgt op", "Followed up"),
    "cancelled": ("Aflyst", "Cancelled"),
    # agreement statuses and derived states
    "open": ("Åben", "Open"),
    "in_progress": ("I gang", "In progress"),
    "done": ("Gennemført", "Done"),
    "overdue": ("Overskredet", "Overdue"),
    "due_soon": ("Forfalder snart", "Due soon"),
    "no_deadline": ("Ingen frist", "No deadline"),
    # roles
    "employee": ("Medarbejder", "Employee"),
    "leader": ("Leder", "Leader"),
    "group_member": ("Gruppemedlem", "Group member"),
    "unknown": ("Ukendt", "Unknown"),
    # learning methods
    "course": ("Kursus", "Course"),
    "on_the_job_training": ("Sidemandsoplæring", "On-the-job training"),
    "mentoring": ("Mentorordning", "Mentoring"),
    "job_rotation": ("Jobrotation", "Job rotation"),
    "new_tasks": ("Nye opgaver", "New tasks"),
    "teaching_others": ("Undervise andre", "Teaching others"),
    "network": ("Netværk", "Network"),
    "self_study": ("Selvstudium", "Self-study"),
    "formal_education": ("Formel uddannelse", "Formal education"),
    "other": ("Andet", "Other"),
    "none": ("Ikke angivet", "Not given"),
    # invitation bands
    "too_late": ("For sent", "Too late"),
    "recommended": ("Som anbefalet", "As recommended"),
    "too_early": ("For tidligt", "Too early"),
    # columns
    "unit": ("Enhed", "Unit"),
    "unit_name": ("Enhedsnavn", "Unit name"),
    "total": ("I alt", "Total"),
    "in_scope": ("Omfattet", "In scope"),
    "covered": ("Dækket", "Covered"),
    "missing": ("Uden samtale", "Missing"),
    "not_covered": ("Ikke dækket endnu", "Not covered yet"),
    "share": ("Andel", "Share"),
    "lead_days": ("Dage før samtalen", "Days before the conversation"),
    "band": ("Vurdering", "Assessment"),
    "conversations": ("Samtaler", "Conversations"),
    "status": ("Status", "Status"),
    "owner_role": ("Ejerens rolle", "Owner's role"),
    "learning_method": ("Læringsform", "Learning method"),
    "count": ("Antal", "Count"),
    "state": ("Tilstand", "State"),
    "conversation": ("Samtale", "Conversation"),
    "agreement": ("Aftale", "Agreement"),
    "description": ("Beskrivelse", "Description"),
    "owner": ("Ejer", "Owner"),
    "owner_name": ("Ejerens navn", "Owner's name"),
    "deadline": ("Frist", "Deadline"),
    "days": ("Dage", "Days"),
    "question": ("Spørgsmål", "Question"),
    "question_text": ("Spørgsmålstekst", "Question text"),
    "pairs": ("Par", "Pairs"),
    "self_mean": ("Selvvurdering (gns.)", "Self rating (mean)"),
    "leader_mean": ("Ledervurdering (gns.)", "Leader rating (mean)"),
    "mean_gap": ("Forskel (gns.)", "Gap (mean)"),
    "mean_abs_gap": ("Numerisk forskel (gns.)", "Absolute gap (mean)"),
    "agree": ("Enige", "Agree"),
    "type": ("Type", "Type"),
    "answer": ("Svar", "Answer"),
    "answer_label": ("Svartekst", "Answer text"),
    "respondents": ("Besvarelser", "Respondents"),
    "mean": ("Gennemsnit", "Mean"),
    "carried_over": ("Videreført", "Carried over"),
    "not_carried_over": ("Ikke videreført", "Not carried over"),
    "unresolved": ("Uden forgænger", "Without predecessor"),
    "period": ("Periode", "Period"),
    "figure": ("Nøgletal", "Key figure"),
    "value": ("Værdi", "Value"),
    "no_unit": ("(ingen enhed)", "(no unit)"),
    "all_units": ("Alle enheder", "All units"),
    "person": ("Person", "Person"),
    "name": ("Navn", "Name"),
    "kind": ("Type", "Kind"),
    "MUS": ("MUS", "MUS"),
    "GRUS": ("GRUS", "GRUS"),
    "LUS": ("LUS", "LUS"),
    "FOLLOW_UP": ("Opfølgning", "Follow-up"),
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
}


def label(key: object, locale: str = "da") -> str:
    """The label of ``key`` (an enum or a string key) in ``locale``; the key itself if unknown."""
    if isinstance(key, enum.Enum):
        key = key.value
    if key is None:
        key = "none"
    pair = _LABELS.get(str(key))
    if pair is None:
        return str(key)
    return pair[1] if locale == "en" else pair[0]


def has_label(key: str) -> bool:
    """Whether ``key`` has a translated label."""
    return key in _LABELS


__all__ = ["has_label", "label"]

# Every enum value used in tables has a label (checked at import, cheap).
for _enum in (AgreementStatus, ConversationStatus, LearningMethod, Role, ConversationKind):
    for _member in _enum:
        assert _member.value in _LABELS, _member
