"""Words and date formats of the rendered documents, in Danish and English."""

from __future__ import annotations

import functools

import pendulum

from musframework.model.agreement import AgreementKind, AgreementStatus, LearningMethod
from musframework.model.conversation import ConversationStatus
from musframework.model.kinds import ConversationKind, Role

__all__ = ["enum_label", "fmt_date", "fmt_datetime", "fmt_time", "label"]

_LABELS: dict[str, tuple[str, str]] = {
    # key: (Danish, English)
    "invitation.title": ("Invitation til {kind}", "Invitation to {kind}"),
    "who": ("Hvem", "Who"),
    "when": ("Hvornår", "When"),
    "where": ("Hvor", "Where"),
    "duration": ("Varighed", "Duration"),
    "minutes": ("{n} minutter", "{n} minutes"),
    "min": ("min.", "min."),
    "purpose": ("Formål", "Purpose"),
    "prepare": ("Sådan forbereder du dig", "How to prepare"),
    "prepare.text": (
        "Sæt omkring en time af til at forberede dig. Udfyld forberedelsesskemaet, tænk over "
        "eksempler, og notér hvad du gerne vil tale om.",
        "Set aside about an hour to prepare. Fill in the preparation form, think of examples, "
        "and note what you would like to talk about.",
    ),
    "prepare.form": ("Forberedelsesskemaet er vedlagt.", "The preparation form is attached."),
    "message": ("Besked", "Message"),
    "agenda": ("Dagsorden", "Agenda"),
    "agenda.total": ("I alt", "Total"),
    "agenda.point": ("Punkt", "Item"),
    "return_by": ("Send skemaet senest", "Return the form by"),
    "return_before": ("før samtalen", "before the conversation"),
    "not_set": ("ikke fastsat", "not set"),
    "none": ("Ingen", "None"),
    "form.title": ("Forberedelsesskema", "Preparation form"),
    "form.for": ("Til: {role}", "For: {role}"),
    "form.name": ("Navn", "Name"),
    "form.date": ("Dato", "Date"),
    "required": ("skal besvares", "required"),
    "choose_one": ("Vælg én", "Choose one"),
    "choose_any": ("Vælg gerne flere", "Choose any"),
    "choose_at_most": ("Vælg højst {n}", "Choose at most {n}"),
    "number_range": ("Et tal fra {lo} til {hi}", "A number from {lo} to {hi}"),
    "number_any": ("Et tal", "A number"),
    "whole_number": ("et helt tal", "a whole number"),
    "date_hint": ("Dato (dd-mm-åååå)", "Date (dd-mm-yyyy)"),
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
    "side.title": ("Forberedelse side om side", "Preparation side by side"),
    "question": ("Spørgsmål", "Question"),
    "gap": ("Forskel", "Gap"),
    "gap.note": (
        "Fremhævede rækker har en stor forskel i vurderingen (mindst {n} point).",
        "Highlighted rows show a large difference in rating (at least {n} points).",
    ),
    "no_answer": ("–", "–"),
    "plan.title": ("Udviklingsplan", "Development plan"),
    "plan.for": ("Udviklingsplan for {name}", "Development plan for {name}"),
    "conversation": ("Samtale", "Conversation"),
    "leader": ("Leder", "Leader"),
    "goals": ("Udviklingsmål", "Development goals"),
    "conclusions": ("Konklusioner", "Conclusions"),
    "practice": ("Ønskede ændringer i praksis", "Wanted changes in practice"),
    "agreements": ("Aftaler", "Agreements"),
    "what": ("Hvad", "What"),
    "owner": ("Ansvarlig", "Owner"),
    "deadline": ("Frist", "Deadline"),
    "status": ("Status", "Status"),
    "method": ("Læringsform", "Learning method"),
    "follow_up_date": ("Opfølgning", "Follow-up"),
    "next_conversation": ("Næste samtale", "Next conversation"),
    "signatures": ("Underskrifter", "Signatures"),
    "name": ("Navn", "Name"),
    "role": ("Rolle", "Role"),
    "signed": ("Underskrevet", "Signed"),
    "validity": ("Gyldighed", "Validity"),
    "valid": ("gyldig", "valid"),
    "void": ("ugyldig: indholdet er ændret efter underskriften", "void: changed after signing"),
    "unsigned": ("ikke underskrevet", "not signed"),
    "sign_here": ("Underskrift", "Signature"),
    "followup.title": ("Status på opfølgning", "Follow-up status"),
    "followup.held": ("Opfølgning holdt", "Follow-up held"),
    "by": ("Af", "By"),
    "note": ("Note", "Note"),
    "history": ("Seneste ændring", "Latest change"),
    "report.title": ("Rapport for runden {name}", "Round report: {name}"),
    "period": ("Periode", "Period"),
    "kind": ("Samtaletype", "Kind"),
    "today": ("Opgjort", "As of"),
    "by_unit": ("Samtaler efter status og enhed", "Conversations by status and unit"),
    "unit": ("Enhed", "Unit"),
    "no_unit": ("(uden enhed)", "(no unit)"),
    "total": ("I alt", "Total"),
    "coverage": ("Dækning", "Coverage"),
    "coverage.text": (
        "{covered} af {total} i runden har holdt deres samtale ({pct}); {planned} har en "
        "planlagt samtale, {cancelled} kun aflyste samtaler og {missing} ingen samtale.",
        "{covered} of {total} people in the round have held their conversation ({pct}); "
        "{planned} have one planned, {cancelled} only cancelled ones and {missing} none.",
    ),
    "coverage.unknown": (
        "Dækningen kræver organisationen (people=).",
        "Coverage needs the organisation (people=).",
    ),
    "covered": ("Dækket", "Covered"),
    "employees": ("Medarbejdere", "Employees"),
    "overdue": ("Aftaler over fristen", "Overdue agreements"),
    "upcoming": ("Frister de næste {n} dage", "Deadlines in the next {n} days"),
    "employee": ("Medarbejder", "Employee"),
    "response.title": ("Besvarelse", "Response"),
    "respondent": ("Besvaret af", "Answered by"),
    "submitted": ("Indsendt", "Submitted"),
    "not_submitted": ("ikke indsendt", "not submitted"),
    "shared": ("Delt med den anden part", "Shared with the other party"),
    "answer": ("Svar", "Answer"),
    "questionnaire": ("Skema", "Form"),
    "calendar.deadline": ("Frist: {what}", "Deadline: {what}"),
    "calendar.follow_up": ("Opfølgning på {kind}", "Follow-up on {kind}"),
    "calendar.reminder": ("Husk at forberede dig til samtalen", "Remember to prepare"),
    "with": ("med {names}", "with {names}"),
    "cancelled": ("Aflyst", "Cancelled"),
}

_PURPOSE: dict[ConversationKind, tuple[str, str]] = {
    ConversationKind.MUS: (
        "En samtale om din udvikling: hvordan året er gået, dine opgaver, trivsel og "
        "samarbejde, og hvad du og din leder aftaler for det næste år. Samtalen er fortrolig "
        "og er ikke en lønsamtale.",
        "A conversation about your development: how the year went, your tasks, well-being and "
        "collaboration, and what you and your leader agree on for the next year. The "
        "conversation is confidential and is not a salary negotiation.",
    ),
    ConversationKind.GRUS: (
        "En samtale i gruppen om enhedens mål, samarbejdet og gruppens udvikling. Hver deltager "
        "får bagefter sin egen udviklingsplan.",
        "A conversation in the group about the unit's goals, collaboration and the group's "
        "development. Each participant then gets their own development plan.",
    ),
    ConversationKind.LUS: (
        "En samtale om din udvikling som leder, med feedback på din ledelse, dine mål og din "
        "trivsel. Samtalen er fortrolig og er ikke en lønsamtale.",
        "A conversation about your development as a leader, with feedback on your leadership, "
        "your goals and your well-being. The conversation is confidential and is not a salary "
        "negotiation.",
    ),
    ConversationKind.FOLLOW_UP: (
        "En opfølgning på aftalerne fra jeres seneste udviklingssamtale: hvad er nået, hvad "
        "mangler, og hvad gør I nu.",
        "A follow-up on the agreements of your last development conversation: what is done, "
        "what is missing, and what happens next.",
    ),
}

_ENUMS: dict[object, tuple[str, str]] = {
    ConversationKind.MUS: ("MUS-samtale", "development conversation (MUS)"),
    ConversationKind.GRUS: ("GRUS-samtale", "group development conversation (GRUS)"),
    ConversationKind.LUS: ("LUS-samtale", "leader development conversation (LUS)"),
    ConversationKind.FOLLOW_UP: ("opfølgningssamtale", "follow-up conversation"),
    Role.EMPLOYEE: ("medarbejder", "employee"),
    Role.LEADER: ("leder", "leader"),
    Role.GROUP_MEMBER: ("gruppemedlem", "group member"),
    AgreementStatus.OPEN: ("åben", "open"),
    AgreementStatus.IN_PROGRESS: ("i gang", "in progress"),
    AgreementStatus.DONE: ("gennemført", "done"),
    AgreementStatus.CANCELLED: ("annulleret", "cancelled"),
    AgreementKind.GOAL: ("mål", "goal"),
    AgreementKind.DEVELOPMENT_ACTIVITY: ("udviklingsaktivitet", "development activity"),
    AgreementKind.TASK_CHANGE: ("ændring af opgaver", "task change"),
    AgreementKind.OTHER: ("andet", "other"),
    LearningMethod.COURSE: ("kursus", "course"),
    LearningMethod.ON_THE_JOB_TRAINING: ("sidemandsoplæring", "on-the-job training"),
    LearningMethod.MENTORING: ("mentorordning", "mentoring"),
    LearningMethod.JOB_ROTATION: ("jobrotation", "job rotation"),
    LearningMethod.NEW_TASKS: ("nye opgaver", "new tasks"),
    LearningMethod.TEACHING_OTHERS: ("undervise andre", "teaching others"),
    LearningMethod.NETWORK: ("netværk", "network"),
    LearningMethod.SELF_STUDY: ("selvstudium", "self-study"),
    LearningMethod.FORMAL_EDUCATION: ("formel uddannelse", "formal education"),
    LearningMethod.OTHER: ("andet", "other"),
    ConversationStatus.PLANNED: ("planlagt", "planned"),
    ConversationStatus.INVITED: ("inviteret", "invited"),
    ConversationStatus.PREPARED: ("forberedt", "prepared"),
    ConversationStatus.HELD: ("holdt", "held"),
    ConversationStatus.CONCLUDED: ("konkluderet", "concluded"),
    ConversationStatus.SIGNED: ("underskrevet", "signed"),
    ConversationStatus.FOLLOWED_UP: ("fulgt op", "followed up"),
    ConversationStatus.CANCELLED: ("aflyst", "cancelled"),
}


def _pick(pair: tuple[str, str], locale: str) -> str:
    # Danish is the default language; every other locale gets the English words.
    return pair[0] if locale == "da" else pair[1]


def label(key: str, locale: str, **values: object) -> str:
    """The document word ``key`` in ``locale``, with ``values`` filled in."""
    text = _pick(_LABELS[key], locale)
    return text.format(**values) if values else text


def purpose(kind: ConversationKind, locale: str) -> str:
    """What a conversation of ``kind`` is for."""
    return _pick(_PURPOSE[kind], locale)


def enum_label(value: object, locale: str) -> str:
    """The word for an enum member (kind, role, status, learning method)."""
    pair = _ENUMS.get(value)
    if pair is None:
        return str(getattr(value, "value", value))
    return _pick(pair, locale)


def _pendulum_locale(locale: str) -> str:
    return locale.replace("-", "_").lower()


def fmt_datetime(value: pendulum.DateTime, locale: str) -> str:
    """A date and time in the locale's words: "tirsdag d. 3. marts 2026 kl. 10.00"."""
    loc = _pendulum_locale(locale)
    if locale == "da":
        return value.format("dddd [d.] D. MMMM YYYY [kl.] HH.mm", locale=loc)
    return value.format("dddd D MMMM YYYY [at] HH:mm", locale=loc)


def fmt_date(value: pendulum.Date | None, locale: str, *, weekday: bool = False) -> str:
    """A date in the locale's words: "3. marts 2026" (``weekday``: "tirsdag d. 3. marts 2026")."""
    if value is None:
        return ""
    return _fmt_date(value.year, value.month, value.day, locale, weekday)


@functools.lru_cache(maxsize=4096)
def _fmt_date(year: int, month: int, day_of_month: int, locale: str, weekday: bool) -> str:
    # Formatting through pendulum costs about 0.2 ms; a round's documents repeat few dates.
    loc = _pendulum_locale(locale)
    day = pendulum.datetime(year, month, day_of_month)
    if locale == "da":
        return day.format("dddd [d.] D. MMMM YYYY" if weekday else "D. MMMM YYYY", locale=loc)
    return day.format("dddd D MMMM YYYY" if weekday else "D MMMM YYYY", locale=loc)


def fmt_time(value: pendulum.DateTime, locale: str) -> str:
    """A time of day: "10.00" in Danish, "10:00" in English."""
    return value.format("HH.mm" if locale == "da" else "HH:mm")
