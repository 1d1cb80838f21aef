"""A JSON Schema for questionnaire files, generated from the model.

The schema describes the plain form the converter reads and writes (TOML and JSON files hold
the same structure), so editors can check and complete a hand-written file. It is generated
from the attrs classes and the registered question types, never written by hand; the copy in
``docs/questionnaire.schema.json`` is tested to equal :func:`questionnaire_schema_text`.

>>> from musframework.serialization.schema import questionnaire_schema
>>> schema = questionnaire_schema()
>>> schema["required"]
['id', 'title']
>>> sorted(schema["$defs"]["question"]["properties"]["type"]["enum"])[:3]
['date', 'multiple_choice', 'number']

The schema checks shape and types; rules across fields (unique ids, conditions that point at
earlier questions, complete languages) are ``Questionnaire.check()``'s job.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Iterable
from typing import Any

import attrs

from musframework.model import ConversationKind, Questionnaire, Role
from musframework.model.conditions import ConditionValue
from musframework.model.questions import Question, question_type, question_type_names
from musframework.model.text import LocalizedText

__all__ = ["SCHEMA_ID", "questionnaire_schema", "questionnaire_schema_text"]

SCHEMA_ID = "https://musframework.readthedocs.io/en/latest/questionnaire.schema.json"
"""The ``$id`` of the questionnaire schema."""

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Builder:
    def __init__(self, type_names: Iterable[str]) -> None:
        self.defs: dict[str, Any] = {}
        self.type_names = sorted(type_names)

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    def for_type(self, t: Any) -> dict[str, Any]:
        if t is str:
            return {"type": "string"}
        if t is bool:
            return {"type": "boolean"}
        if t is int:
            return {"type": "integer"}
        if t is float or t == (int | float):
            return {"type": "number"}
        if t is LocalizedText:
            return self.ref("text")
        if t == frozenset[Role]:
            return self.ref("roles")
        if t == frozenset[ConversationKind]:
            return {"type": "array", "items": {"enum": [k.value for k in ConversationKind]}}
        if t == ConditionValue:
            return self.ref("condition_value")
        if t is Question:
            return self.ref("question")
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.for_type(args[0])}
        if origin in (typing.Union, types.UnionType):
            rest = [a for a in args if a is not type(None)]
            inner = [self.for_type(a) for a in rest]
            options = inner if len(inner) > 1 else inner[:1]
            if type(None) in args:
                options = [*options, {"type": "null"}]
            return {"anyOf": options}
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return {"enum": [m.value for m in t]}
        if isinstance(t, type) and attrs.has(t):
            name = t.__name__.lower()
            if name not in self.defs:
                self.defs[name] = {}  # placeholder against recursion
                self.defs[name] = self.object(t)
            return self.ref(name)
        return {}  # a custom field type the schema cannot describe: anything goes

    def object(self, cls: type, tag: str | None = None) -> dict[str, Any]:
        attrs.resolve_types(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        if tag is not None:
            properties["type"] = {"const": tag}
            required.append("type")
        for field in attrs.fields(cls):
            properties[field.name] = self.for_type(field.type)
            if field.default is attrs.NOTHING:
                required.append(field.name)
        schema: dict[str, Any] = {"type": "object"}
        doc = (cls.__doc__ or "").strip().splitlines()
        if doc:
            schema["description"] = doc[0]
        schema.update(properties=properties, required=required, additionalProperties=False)
        return schema

    def shared(self) -> None:
        self.defs["text"] = {
            "description": "A text: a plain string (Danish), or language code -> text.",
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ],
        }
        role_names = [r.value for r in Role]
        self.defs["roles"] = {
            "description": "Who answers: a role, 'both' (employee and leader), 'all', or a list.",
            "anyOf": [
                {"enum": [*role_names, "both", "all"]},
                {"type": "array", "items": {"enum": role_names}},
            ],
        }
        scalar = {"type": ["string", "number", "boolean"]}
        self.defs["condition_value"] = {
            "description": "A value to compare with; a list of values for the 'in' operator.",
            "anyOf": [scalar, {"type": "array", "items": scalar}],
        }
        branches = []
        for name in self.type_names:
            cls = question_type(name)
            def_name = f"question.{name}"
            self.defs[def_name] = self.object(cls, tag=name)
            branches.append(
                {"if": {"properties": {"type": {"const": name}}}, "then": self.ref(def_name)}
            )
        self.defs["question"] = {
            "description": "A question, tagged by its type.",
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": self.type_names}},
            "allOf": branches,
        }


def questionnaire_schema(question_types: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a questionnaire file.

    Args:
        question_types: The question type tags to include; every registered type by default
            (so a custom type registered with ``register_question_type`` is described too).
    """
    builder = _Builder(question_type_names() if question_types is None else question_types)
    builder.shared()
    top = builder.object(Questionnaire)
    top["properties"] = {
        "$schema": {
            "type": "string",
            "description": "Optional: where editors find this schema; ignored when loading.",
        },
        "schema_version": {
            "type": "integer",
            "minimum": 1,
            "maximum": Questionnaire.SCHEMA_VERSION,
            "description": "The version of this file format; older versions are migrated.",
        },
        **top["properties"],
    }
    return {
        "$schema": _DIALECT,
        "$id": SCHEMA_ID,
        "title": "musframework questionnaire",
        **{k: v for k, v in top.items() if k != "description"},
        "description": (
            "A musframework questionnaire (MUS-skema) in TOML or JSON. Generated from the model "
            "by musframework.serialization.schema; do not edit by hand."
        ),
        "$defs": dict(sorted(builder.defs.items())),
    }


def questionnaire_schema_text(question_types: Iterable[str] | None = None) -> str:
    """:func:`questionnaire_schema` as indented JSON text with a final newline."""
    return json.dumps(questionnaire_schema(question_types), ensure_ascii=False, indent=2) + "\n"
