"""GDPR helpers shared by every backend: who a document refers to, export views, erasure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from musframework.model import (
    Agreement,
    Conversation,
    Cycle,
    Delivery,
    Group,
    LeaderChange,
    Note,
    OrganisationVersion,
    OrgUnit,
    Person,
    Questionnaire,
    Response,
    StatusChange,
    TextAnswer,
)
from musframework.model.draft import ResponseDraft
from musframework.model.upward import UpwardFeedback

__all__ = ["ERASED", "Eraser", "name_variants", "private_notes_removed", "refers_to"]

ERASED = "[erased]"
"""What replaces an erased person's name and own free texts."""


def refers_to(document: Any, person: str) -> bool:
    """Whether ``document`` refers to ``person`` by id anywhere."""
    if isinstance(document, Person):
        return document.id == person
    if isinstance(document, OrgUnit):
        return document.leader == person or person in document.members
    if isinstance(document, Group):
        return document.leader == person or person in document.members
    if isinstance(document, Conversation):
        return _conversation_refers(document, person)
    if isinstance(document, OrganisationVersion):
        return person in document.people or any(
            refers_to(x, person) for x in (*document.units, *document.groups)
        )
    if isinstance(document, LeaderChange):
        return person in (document.person, document.former, document.new)
    if isinstance(document, Delivery):
        return document.recipient == person
    if isinstance(document, UpwardFeedback):
        return person == document.leader or person in document.respondents
    if isinstance(document, ResponseDraft):
        return document.person == person
    return False


def _conversation_refers(c: Conversation, person: str) -> bool:
    if any(p.person == person for p in c.participants):
        return True
    if any(r.person == person for r in c.responses):
        return True
    if any(n.author == person for n in c.notes):
        return True
    if any(s.person == person for s in c.signatures):
        return True
    for a in c.agreements:
        if a.owner == person or any(h.by == person for h in a.history):
            return True
    if c.invitation is not None and c.invitation.sent_by == person:
        return True
    return c.follow_up is not None and c.follow_up.by == person


def private_notes_removed(c: Conversation, reader: str) -> Conversation:
    """``c`` without the private notes of anyone but ``reader``."""
    notes = tuple(n for n in c.notes if not n.private or n.author == reader)
    return c if len(notes) == len(c.notes) else attrs.evolve(c, notes=notes)


_INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060]*"  # soft hyphen, zero-width characters
_GAP = "[\\s\u00ad\u200b\u2060]+"


def _flexible(word: str) -> str:
    """A pattern for ``word`` that also matches it with soft hyphens or zero-width characters."""
    return _INVISIBLE.join(re.escape(ch) for ch in word)


def _tokens(name: str) -> list[str]:
    cleaned = re.sub(_INVISIBLE.replace("*", "+"), "", name)
    return [t for t in re.split(r"[\s,]+", cleaned) if t]


def name_variants(name: str, *, narrow: bool) -> list[str]:
    """Regular expressions for the ways a text may write ``name``.

    Any case and run of white space, soft hyphens inside words, "Surname, First", "First S.",
    "F. Surname"; ``narrow`` (inside the person's own conversations) adds the first name and
    the surname alone and the initials ("Z.Q.", "Z. Q.").
    """
    tokens = _tokens(name)
    if not tokens:
        return []
    words = [_flexible(t) for t in tokens]
    first, last = words[0], words[-1]
    found = [_GAP.join(words)]
    if len(tokens) > 1:
        initial_first = _flexible(tokens[0][0])
        initial_last = _flexible(tokens[-1][0])
        found += [
            last + "," + "[\\s\u00ad]*" + _GAP.join(words[:-1]),
            first + _GAP + initial_last + r"\.?",
            initial_first + r"\." + "[\\s\u00ad]*" + last,
        ]
        if narrow:
            found += [
                initial_first + r"\." + "[\\s]*" + initial_last + r"\.",
                *(w for t, w in zip(tokens, words, strict=True) if len(t) > 2),
            ]
    elif narrow:
        found.append(first)
    return found


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(set(patterns), key=len, reverse=True)
    if not unique:
        return None
    # A genitive s ("Zeldas plan", "Zelda's") belongs to the name.
    return re.compile("|".join(rf"(?<!\w)(?:{p})(?:['’]?s)?(?!\w)" for p in unique), re.IGNORECASE)


class Eraser:
    """Replaces one person's id by a pseudonym and removes their name, e-mail and own texts.

    In every document the full name (any case and spacing, soft hyphens, "Surname, First",
    "First S.", "F. Surname") and the e-mail address are replaced; in the conversations the
    person took part in, also the first name and surname alone, the initials and the id.
    """

    def __init__(self, person: str, pseudonym: str, needles: Iterable[str], name: str = "") -> None:
        self.person = person
        self.pseudonym = pseudonym
        literal = [_flexible(n) for n in needles if n and n.strip()]
        self._wide = _compile([*literal, *name_variants(name, narrow=False)])
        self._narrow = _compile([*literal, *name_variants(name, narrow=True), _flexible(person)])
        self._pattern = self._wide

    def names(self, text: str) -> bool:
        """Whether ``text`` as a whole is the person's name (a variant) or e-mail address."""
        return self._wide is not None and self._wide.fullmatch(text.strip()) is not None

    def scrub(self, text: str) -> str:
        """``text`` with the person's name and e-mail address replaced by ``[erased]``."""
        return text if self._pattern is None else self._pattern.sub(ERASED, text)

    def _id(self, value: str) -> str:
        return self.pseudonym if value == self.person else value

    def _opt_id(self, value: str | None) -> str | None:
        return None if value is None else self._id(value)

    def _ids(self, values: Iterable[str]) -> tuple[str, ...]:
        return tuple(self._id(v) for v in values)

    def _texts(self, values: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.scrub(v) for v in values)

    def _opt_text(self, value: str | None) -> str | None:
        return None if value is None else self.scrub(value)

    def erase(self, document: Any) -> Any:
        """The document with the person erased (the same object when nothing changes)."""
        handlers: dict[type[Any], Callable[[Any], Any]] = {
            Conversation: self._conversation,
            OrgUnit: self._unit,
            Group: self._group,
            Cycle: self._cycle,
            Questionnaire: lambda q: q,
            OrganisationVersion: self._version,
            LeaderChange: self._leader_change,
            Delivery: lambda d: attrs.evolve(d, recipient=self._id(d.recipient)),
            UpwardFeedback: lambda f: attrs.evolve(
                f, leader=self._id(f.leader), respondents=self._ids(f.respondents)
            ),
            ResponseDraft: self._draft,
        }
        handler = handlers.get(type(document))
        if handler is None:
            return document
        took_part = isinstance(document, Conversation) and refers_to(document, self.person)
        self._pattern = self._narrow if took_part else self._wide
        try:
            changed = handler(document)
        finally:
            self._pattern = self._wide
        return document if changed == document else changed

    def _unit(self, u: OrgUnit) -> OrgUnit:
        return attrs.evolve(
            u,
            name=self.scrub(u.name),
            leader=self._opt_id(u.leader),
            members=self._ids(u.members),
        )

    def _group(self, g: Group) -> Group:
        return attrs.evolve(
            g, name=self.scrub(g.name), leader=self._id(g.leader), members=self._ids(g.members)
        )

    def _version(self, v: OrganisationVersion) -> OrganisationVersion:
        return attrs.evolve(
            v,
            people=self._ids(v.people),
            units=tuple(self._unit(u) for u in v.units),
            groups=tuple(self._group(g) for g in v.groups),
        )

    def _leader_change(self, c: LeaderChange) -> LeaderChange:
        return attrs.evolve(
            c, person=self._id(c.person), former=self._opt_id(c.former), new=self._opt_id(c.new)
        )

    def _cycle(self, c: Cycle) -> Cycle:
        return attrs.evolve(c, name=self.scrub(c.name))

    def _change(self, h: StatusChange) -> StatusChange:
        return attrs.evolve(h, by=self._id(h.by), note=self.scrub(h.note))

    def _agreement(self, a: Agreement) -> Agreement:
        return attrs.evolve(
            a,
            description=self.scrub(a.description),
            owner=self._opt_id(a.owner),
            history=tuple(self._change(h) for h in a.history),
        )

    def _note(self, n: Note) -> Note:
        if n.author == self.person:
            return attrs.evolve(n, author=self.pseudonym, text=ERASED)
        return attrs.evolve(n, text=self.scrub(n.text))

    def _response(self, r: Response) -> Response:
        own = r.person == self.person
        answers = {
            key: (TextAnswer(ERASED if own else self.scrub(a.value)))
            if isinstance(a, TextAnswer)
            else a
            for key, a in r.answers.items()
        }
        return attrs.evolve(r, person=self._id(r.person), answers=answers)

    def _draft(self, d: ResponseDraft) -> ResponseDraft:
        # The erased person's own drafts are deleted (``erase_person``); in another's draft
        # their name is removed from the free texts.
        answers = {
            key: TextAnswer(self.scrub(a.value)) if isinstance(a, TextAnswer) else a
            for key, a in d.answers.items()
        }
        return attrs.evolve(d, answers=answers)

    def _conversation(self, c: Conversation) -> Conversation:
        invitation = c.invitation
        if invitation is not None:
            invitation = attrs.evolve(
                invitation,
                sent_by=self._id(invitation.sent_by),
                message=self.scrub(invitation.message),
            )
        follow_up = c.follow_up
        if follow_up is not None:
            follow_up = attrs.evolve(
                follow_up,
                by=self._id(follow_up.by),
                note=self.scrub(follow_up.note),
                entries=tuple(attrs.evolve(e, note=self.scrub(e.note)) for e in follow_up.entries),
            )
        return attrs.evolve(
            c,
            participants=tuple(attrs.evolve(p, person=self._id(p.person)) for p in c.participants),
            place=self.scrub(c.place),
            responses=tuple(self._response(r) for r in c.responses),
            notes=tuple(self._note(n) for n in c.notes),
            conclusions=self._texts(c.conclusions),
            goals=self._texts(c.goals),
            practice_changes=self._texts(c.practice_changes),
            agreements=tuple(self._agreement(a) for a in c.agreements),
            signatures=tuple(attrs.evolve(s, person=self._id(s.person)) for s in c.signatures),
            invitation=invitation,
            follow_up=follow_up,
            cancelled_reason=self._opt_text(c.cancelled_reason),
        )
