"""The renderer interface: :class:`Renderer`, :class:`RenderContext`, :class:`Names`.

A renderer turns a model object into a document in one format (HTML, Markdown, plain text,
Word, iCalendar …). It declares the documents it can produce, its media type and its file
extension; :func:`musframework.rendering.render` chooses the document and passes everything
else the renderer needs in a :class:`RenderContext`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeAlias, runtime_checkable

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import DEFAULT_TIMEZONE
from musframework.errors import DocumentError
from musframework.model.conversation import Conversation, ConversationStatus
from musframework.model.cycle import Cycle
from musframework.model.kinds import Role
from musframework.model.organisation import Organisation
from musframework.model.people import Person
from musframework.model.plan import DevelopmentPlan
from musframework.model.questionnaire import Questionnaire
from musframework.model.response import Response
from musframework.model.source import ConversationSource, in_passes
from musframework.model.upward import UpwardSummary
from musframework.signing import Signer

__all__ = [
    "DOCUMENTS",
    "DocumentError",
    "Names",
    "PeopleLike",
    "RenderContext",
    "Renderer",
    "clean_text",
    "document_candidates",
    "file_stem",
    "isolate",
]

DOCUMENTS: dict[str, tuple[type, ...]] = {
    "invitation": (Conversation,),
    "form": (Questionnaire,),
    "side_by_side": (Conversation,),
    "plan": (Conversation, DevelopmentPlan),
    "follow_up": (Conversation,),
    "guide": (Conversation,),
    "report": (Cycle,),
    "response": (Response,),
    "calendar": (Conversation, DevelopmentPlan, Cycle),
}
"""Every built-in document name and the model types it is made from.

``calendar`` is the iCalendar view (events and all-day items); the others are documents
people read.
"""

_BY_STATUS = {
    ConversationStatus.PLANNED: "invitation",
    ConversationStatus.INVITED: "invitation",
    ConversationStatus.CANCELLED: "invitation",
    ConversationStatus.PREPARED: "side_by_side",
    ConversationStatus.HELD: "side_by_side",
    ConversationStatus.CONCLUDED: "plan",
    ConversationStatus.SIGNED: "plan",
    ConversationStatus.FOLLOWED_UP: "follow_up",
}


def document_candidates(obj: object) -> tuple[str, ...]:
    """The documents ``obj`` can become, the usual one first.

    A :class:`Conversation` is ambiguous: the one its status calls for comes first (planned or
    invited: ``invitation``; prepared or held: ``side_by_side``; concluded or signed: ``plan``;
    followed up: ``follow_up``), then the others (``guide``, the leader's guide, last), then
    ``calendar``.
    """
    if isinstance(obj, Conversation):
        first = _BY_STATUS[obj.status]
        rest = [
            d for d in ("invitation", "side_by_side", "plan", "follow_up", "guide") if d != first
        ]
        return (first, *rest, "calendar")
    return tuple(name for name, types in DOCUMENTS.items() if isinstance(obj, types))


# Characters that HTML parsers report as errors and XML (docx) forbids outright: C0/C1 controls
# other than tab and newline, lone surrogates and the Unicode noncharacters.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


ISOLATED = re.compile("\u2068([^\u2068\u2069]*)\u2069")
"""A span marked by :func:`isolate` (FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE)."""


def isolate(text: str) -> str:
    """``text`` marked as a span of its own direction (a name beside other names).

    HTML shows it as ``<bdi>``, so two right-to-left names side by side keep their order;
    the other formats write the text as it is (:func:`clean_text` drops the marks).
    """
    return f"\u2068{text}\u2069"


def clean_text(text: str) -> str:
    """``text`` with characters no document format may hold replaced by U+FFFD.

    Windows and old Mac line breaks become newlines; controls, lone surrogates and
    noncharacters become ``�``; the spans of :func:`isolate` become plain text, nested ones
    too, so cleaning a cleaned text changes nothing.
    """
    if "\u2069" in text:
        text = _without_isolates(text)
    return _BAD_CHARS.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


_MARKS = re.compile("[\u2068\u2069]")


def _without_isolates(text: str) -> str:
    # Each POP DIRECTIONAL ISOLATE closes the nearest open FIRST STRONG ISOLATE before it:
    # both go (what removing innermost pairs until none is left gives, in one pass over the
    # marks); a mark without its partner stays.
    opened: list[int] = []
    dropped: list[int] = []
    for mark in _MARKS.finditer(text):
        at = mark.start()
        if text[at] == "\u2068":
            opened.append(at)
        elif opened:
            dropped += (opened.pop(), at)
    if not dropped:
        return text
    dropped.sort()
    parts, start = [], 0
    for at in dropped:
        parts.append(text[start:at])
        start = at + 1
    parts.append(text[start:])
    return "".join(parts)


PeopleLike: TypeAlias = Organisation | Mapping[str, str] | Iterable[Person] | None
"""Where names come from: an :class:`Organisation`, ``{person id: name}``, or people."""


class Names:
    """Turns person and unit ids into names for documents.

    Built from an :class:`Organisation` (people and units), a mapping of person ids to names,
    or an iterable of :class:`Person`. An id without a name is shown as the id itself.
    """

    def __init__(self, people: PeopleLike = None) -> None:
        self._names: dict[str, str] = {}
        self._emails: dict[str, str] = {}
        self._units: dict[str, str] = {}
        self.organisation: Organisation | None = None
        if people is None:
            return
        if isinstance(people, Organisation):
            self.organisation = people
            persons: Iterable[Person] = people.people
            self._units = {u.id: u.name for u in people.units}
        elif isinstance(people, Mapping):
            self._names = {str(k): str(v) for k, v in people.items()}
            return
        else:
            persons = people
        for person in persons:
            self._names[person.id] = person.name
            if person.email:
                self._emails[person.id] = person.email

    def name(self, person_id: str | None) -> str:
        """The person's name, or their id when no name is known (``""`` for ``None``)."""
        if person_id is None:
            return ""
        return self._names.get(person_id, person_id)

    def email(self, person_id: str | None) -> str | None:
        """The person's e-mail address, if known."""
        return None if person_id is None else self._emails.get(person_id)

    def unit(self, unit_id: str) -> str:
        """The unit's name, or its id when unknown."""
        return self._units.get(unit_id, unit_id)

    def join(self, person_ids: Sequence[str]) -> str:
        """Several names, comma-separated, each one :func:`isolate`-d when there are several."""
        if len(person_ids) == 1:
            return self.name(person_ids[0])
        return ", ".join(isolate(self.name(p)) for p in person_ids)


def _names(value: Names | PeopleLike) -> Names:
    # A prebuilt Names is used as it is: pass Names(organisation) when rendering many
    # documents, so the name index is built once rather than per document.
    return value if isinstance(value, Names) else Names(value)


def _conversations(
    values: Iterable[Conversation],
) -> tuple[Conversation, ...] | ConversationSource:
    # A source (a round read from a store) stays one: the documents read it in passes.
    found = in_passes(values)
    return found if isinstance(found, ConversationSource) else tuple(found)


def _role(value: Role | str | None) -> Role | None:
    return None if value is None else Role(value)


@attrs.frozen(kw_only=True)
class RenderContext:
    """Everything a renderer may need besides the object itself.

    Attributes:
        document: The document to produce (a key of ``DOCUMENTS``), already chosen.
        locale: The language, ``"da"`` (default) or ``"en"``.
        names: Person and unit names (see :class:`Names`).
        questionnaire: The form, for side-by-side and response documents (question texts).
        role: The role a blank form is for (default: employee).
        conversations: The round's conversations, for a round report or calendar: a tuple,
            or a :class:`~musframework.model.source.ConversationSource` (a round read from a
            store), which the documents read in passes without holding it.
        on: The day "overdue" and "upcoming" are measured from.
        now: The moment of rendering (calendar time stamps).
        timezone: The zone times are shown in, in calendars (Europe/Copenhagen).
        upcoming_days: How far ahead a round report lists deadlines.
        gap_threshold: The rating gap highlighted in side by side; ``None`` means half the
            scale's range (2 on a 1-5 scale).
        reminder: How long before a conversation the calendar reminder fires.
        signer: Checks signatures' proofs (none: signatures read "unverified" at best).
        upward_feedback: The summary of the staff's upward feedback, shown in a LUS
            invitation (the leader's preparation and their own leader's guide).
    """

    document: str
    locale: str = "da"
    names: Names = attrs.field(factory=Names, converter=_names)
    questionnaire: Questionnaire | None = None
    role: Role | None = attrs.field(default=None, converter=_role)
    conversations: tuple[Conversation, ...] | ConversationSource = attrs.field(
        default=(), converter=_conversations
    )
    on: pendulum.Date
    now: pendulum.DateTime
    timezone: str = DEFAULT_TIMEZONE
    upcoming_days: int = 30
    gap_threshold: int | None = None
    reminder: pendulum.Duration = attrs.field(factory=lambda: pendulum.duration(days=1))
    signer: Signer | None = None
    upward_feedback: UpwardSummary | None = None


@runtime_checkable
class Renderer(Protocol):
    """What a renderer is: a callable with a name, a media type, an extension and documents.

    Built-in renderers take their configuration in ``__init__`` (template directories, page
    options) and do the work in ``__call__``, so one configured instance can be registered and
    reused. ``__call__`` returns ``str`` for text formats and ``bytes`` for binary ones.

    Attributes:
        name: The format name it is registered under, such as ``"html"``.
        media_type: Its MIME type, such as ``"text/html"``.
        extension: Its file extension with the dot, such as ``".html"``.
        documents: The documents it can produce (keys of ``DOCUMENTS`` or its own).
    """

    name: str
    media_type: str
    extension: str
    documents: tuple[str, ...]

    def __call__(self, obj: object, context: RenderContext) -> str | bytes:
        """Render ``obj`` as ``context.document`` in ``context.locale``."""
        ...


_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"})


def _slug(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def file_stem(
    obj: object,
    document: str | None = None,
    *,
    people: PeopleLike | Names = None,
    locale: str = "da",
    role: Role | str | None = None,
) -> str:
    """A readable, unique file name (without extension) for a document made from ``obj``.

    It says what the document is, which conversation it comes from (kind and date) and whose
    it is, each once: ``udviklingsplan-mus-2026-03-12-sofie-moeller-p056``,
    ``invitation-grus-2026-02-10-borgerservice-mus-2026-grus-u1``, ``rapport-mus-2026``.
    Letters are folded to ASCII (æ -> ae), so the name works on every file system; the
    person's (or the conversation's) id keeps two people with the same name apart.

    Args:
        obj: A DevelopmentPlan, Conversation, Cycle, Questionnaire or Response.
        document: The document (for a Conversation; by default the one its status calls for).
        people: Where names come from, as for rendering.
        locale: The language of the document word ("udviklingsplan", "development-plan").
        role: For a blank form, whose form it is ("skema-mus-standard-3-leder").
    """
    from musframework.rendering._i18n import label

    names = _names(people)
    parts: list[str] = []
    if isinstance(obj, DevelopmentPlan):
        document = "plan"
        kind, day = obj.kind, obj.conversation_date
        parts += [obj.conversation] if kind is None else [kind.value]
        parts += ["" if day is None else day.isoformat(), names.name(obj.person), obj.person]
    elif isinstance(obj, Conversation):
        document = document or document_candidates(obj)[0]
        moment = obj.held_at or obj.scheduled_start
        parts += [obj.kind.value, "" if moment is None else moment.date().isoformat()]
        if obj.developed and len(obj.developed) == 1:
            parts += [names.name(obj.developed[0]), obj.developed[0]]
        else:
            parts += ["" if obj.unit is None else names.unit(obj.unit), obj.id]
    elif isinstance(obj, Cycle):
        document = document or "report"
        parts += [obj.name, obj.id]
    elif isinstance(obj, Questionnaire):
        document = document or "form"
        parts += [obj.id, obj.version]
        if role is not None:
            from musframework.catalogue import enum_label

            parts.append(enum_label(Role(role), locale))
    elif isinstance(obj, Response):
        document = document or "response"
        parts += [obj.questionnaire.id, names.name(obj.person), obj.person]
    else:
        raise DocumentError(
            Message(
                "error.render.cannot-make", {"document": document or "", "type": type(obj).__name__}
            )
        )
    words: list[str] = [_slug(label(f"file.{document}", locale))]
    seen: set[str] = set(words[0].split("-"))
    for part in parts:
        slug = _slug(part)
        # Each thing once: "MUS 2026" names the round, so its id "mus-2026" adds nothing.
        if slug and not set(slug.split("-")) <= seen:
            words.append(slug)
            seen.update(slug.split("-"))
    return "-".join(words)
