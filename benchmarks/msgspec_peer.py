"""The msgspec peer: Structs of the same shape as a benchmark conversation, zoned.

What a user who cares about speed would write instead of the library: ``msgspec.Struct``
classes with the same fields, strict (unknown fields are errors), defaults omitted, the
answers a tagged union on ``"type"``, and pendulum values made by the library's own time
functions (``format_datetime`` / ``parse_datetime`` …), so the bytes it writes are the bytes
``mf.dumps`` writes (``tests/test_benchmarks.py`` checks that) and its date-times keep their
zone name. No ``from __future__ import annotations`` here: msgspec reads the annotations.
"""

from typing import Any

import msgspec
import pendulum

import musframework as mf
from musframework.serialization import time as _time

_SIXTY = mf.Conversation(id="x", kind="MUS").duration


def dec_hook(t: type, value: Any) -> Any:
    if t is pendulum.DateTime:
        return _time.parse_datetime(value)
    if t is pendulum.Date:
        return _time.parse_date(value)
    if t is pendulum.Duration:
        return _time.parse_duration(value)
    raise NotImplementedError(f"no decoder for {t!r}")


def enc_hook(value: Any) -> Any:
    if isinstance(value, pendulum.DateTime):
        return _time.format_datetime(value)
    if isinstance(value, pendulum.Date):
        return _time.format_date(value)
    if isinstance(value, pendulum.Duration):
        return _time.format_duration(value)
    raise NotImplementedError(f"cannot encode {type(value)!r}")


class _S(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    pass


class Ref(_S):
    id: str
    version: str


class Participant(_S):
    person: str
    role: mf.Role


class Scale(_S, tag_field="type", tag="scale"):
    value: int


class Choice(_S, tag_field="type", tag="single_choice"):
    value: str


class Text(_S, tag_field="type", tag="text"):
    value: str


class Response(_S):
    questionnaire: Ref
    role: mf.Role
    person: str
    answers: dict[str, Scale | Choice | Text] = {}
    submitted_at: pendulum.DateTime | None = None
    shared: bool = False


class Change(_S):
    status: mf.AgreementStatus
    by: str
    at: pendulum.DateTime
    note: str = ""


class Agreement(_S):
    id: str
    description: str
    owner: str | None = None
    deadline: pendulum.Date | None = None
    status: mf.AgreementStatus = mf.AgreementStatus.OPEN
    kind: mf.AgreementKind = mf.AgreementKind.OTHER
    history: tuple[Change, ...] = ()


class Conversation(_S):
    schema_version: int
    id: str
    kind: mf.ConversationKind
    cycle: str | None = None
    unit: str | None = None
    participants: tuple[Participant, ...] = ()
    scheduled_start: pendulum.DateTime | None = None
    duration: pendulum.Duration = _SIXTY
    place: str = ""
    questionnaire: Ref | None = None
    responses: tuple[Response, ...] = ()
    conclusions: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    status: mf.ConversationStatus = mf.ConversationStatus.PLANNED
    held_at: pendulum.DateTime | None = None


encode = msgspec.json.Encoder(enc_hook=enc_hook).encode
decode = msgspec.json.Decoder(Conversation, dec_hook=dec_hook).decode


def from_library(c: mf.Conversation) -> Conversation:
    """The peer's struct holding the same data as ``c`` (built once, outside the timing)."""
    return decode(mf.dumps(c).encode("utf-8"))
