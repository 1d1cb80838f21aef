"""SurveyJS interoperability: survey JSON out, result data in, survey JSON in.

`SurveyJS <https://surveyjs.io>`_ is a JavaScript form library; a web app built on
musframework can show its questionnaires with it and send the answers back.

>>> import musframework as mf
>>> from musframework.interop import surveyjs
>>> form = mf.templates.load("follow-up")
>>> survey = surveyjs.to_surveyjs(form, role="employee")
>>> [page["name"] for page in survey["pages"]]
['status', 'adjust']
>>> survey["pages"][0]["elements"][1]["visibleIf"]
"{progress} anyof ['behind', 'not_started']"
>>> data = {"progress": "done", "plan_still_fits": True}
>>> surveyjs.response_from_surveyjs(data, form, role="employee", person="ane").answers["progress"]
ChoiceAnswer(value='done')

How the model maps:

===================  ===================================================================
musframework         SurveyJS
===================  ===================================================================
section              a page (``name`` = section id, ``description`` = guidance)
``text``             ``text`` (``comment`` when ``long``), ``maxLength``
``scale``            ``rating`` with ``rateValues`` (every point; labels as their texts)
``single_choice``    ``radiogroup`` with ``choices`` (value = option code)
``multiple_choice``  ``checkbox`` with ``choices`` and ``maxSelectedChoices``
``yes_no``           ``boolean``
``number``           ``text`` with ``inputType: "number"``, ``min``, ``max``
                     (``step: 1`` when whole)
``date``             ``text`` with ``inputType: "date"`` (value ``YYYY-MM-DD``)
``required``         ``isRequired``
condition            ``visibleIf``: ``=``, ``anyof``, ``contains``, ``>``, ``<`` joined by
                     ``and``/``or``; hidden values are cleared (``clearInvisibleValues``)
texts                localisable strings ``{"default": <da>, "en": <en>}``
===================  ===================================================================

**Languages.** With ``default_language="da"`` (the default) the Danish text is SurveyJS's
``"default"`` string, so the app must make Danish SurveyJS's default locale
(``surveyLocalization.defaultLocale = "da"``); otherwise SurveyJS treats ``"default"`` as
English. Pass ``default_language=None`` to write every language under its own code instead.

**Custom question types.** A registered question type without a SurveyJS adapter is exported
as a one-line ``text`` question; its value is exported as the answer's plain value (or its
plain-text rendering) and imported through the type's ``coerce``. For a faithful mapping,
register a :class:`SurveyJSAdapter` with :func:`register_surveyjs_type`; ``strict=True`` on
:func:`to_surveyjs` refuses types without one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from musframework._registry import Registry
from musframework.catalogue import Message
from musframework.errors import DataError, MusframeworkError
from musframework.model import (
    Answer,
    Comparison,
    Condition,
    ConversationKind,
    DateQuestion,
    Finding,
    LocalizedText,
    Match,
    MultipleChoiceQuestion,
    NumberQuestion,
    Operator,
    Option,
    Question,
    Questionnaire,
    Response,
    Role,
    ScalePoint,
    ScaleQuestion,
    Section,
    Severity,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from musframework.model.kinds import roles as _roles
from musframework.model.text import DEFAULT_LANGUAGE

__all__ = [
    "Localize",
    "SurveyJSAdapter",
    "questionnaire_from_surveyjs",
    "register_surveyjs_type",
    "response_from_surveyjs",
    "response_to_surveyjs",
    "surveyjs_type",
    "to_surveyjs",
    "unregister_surveyjs_type",
    "visible_if",
]

Localize = Callable[[LocalizedText], Any]
"""Turns a text into a SurveyJS localisable string (given to adapters)."""


# --------------------------------------------------------------------------- adapters


def _plain_value(question: Question, answer: Answer) -> Any:
    value = answer.comparable
    if isinstance(value, str | bool | int | float):
        return value
    return question.answer_text(answer)


def _coerce(question: Question, value: Any) -> Answer:
    return question.coerce(value)


def _fallback_element(question: Question, loc: Localize) -> dict[str, Any]:
    return {"type": "text"}


@attrs.frozen
class SurveyJSAdapter:
    """How one question type maps to SurveyJS.

    Attributes:
        element: ``(question, localize) -> dict``: the element's type-specific keys (such as
            ``{"type": "dropdown", "choices": [...]}``); the exporter adds ``name``, ``title``,
            ``description``, ``isRequired`` and ``visibleIf``.
        to_value: ``(question, answer) -> value`` in SurveyJS's ``data``.
        from_value: ``(question, value) -> Answer``; raise ``TypeError`` or ``ValueError``
            for a value of the wrong shape.
    """

    element: Callable[[Question, Localize], dict[str, Any]]
    to_value: Callable[[Question, Answer], Any] = _plain_value
    from_value: Callable[[Question, Any], Answer] = _coerce


_FALLBACK = SurveyJSAdapter(_fallback_element)
_ADAPTERS: Registry[SurveyJSAdapter] = Registry("surveyjs-adapter")


def register_surveyjs_type(
    type_name: str, adapter: SurveyJSAdapter, *, replace: bool = False
) -> SurveyJSAdapter:
    """Register how the question type ``type_name`` maps to SurveyJS."""
    return _ADAPTERS.register(type_name, adapter, replace=replace)


def unregister_surveyjs_type(type_name: str) -> SurveyJSAdapter:
    """Remove the SurveyJS adapter of ``type_name`` and return it."""
    return _ADAPTERS.unregister(type_name)


def surveyjs_type(type_name: str) -> SurveyJSAdapter | None:
    """The adapter registered for ``type_name``, or ``None`` (the text fallback applies)."""
    return _ADAPTERS.get(type_name) if type_name in _ADAPTERS else None


def _text_element(q: Question, loc: Localize) -> dict[str, Any]:
    assert isinstance(q, TextQuestion)
    out: dict[str, Any] = {"type": "comment" if q.long else "text"}
    if q.max_length is not None:
        out["maxLength"] = q.max_length
    return out


def _scale_element(q: Question, loc: Localize) -> dict[str, Any]:
    assert isinstance(q, ScaleQuestion)
    values = []
    for v in range(q.min, q.max + 1):
        label = q.label_for(v)
        values.append({"value": v, "text": loc(label) if label is not None else str(v)})
    return {"type": "rating", "rateValues": values}


def _choices(q: SingleChoiceQuestion | MultipleChoiceQuestion, loc: Localize) -> list[Any]:
    # An option's weight is written as the choice's "score" (SurveyJS's scoring convention:
    # a custom "score:number" property of itemvalue), and read back as the weight.
    choices = []
    for o in q.options:
        choice: dict[str, Any] = {"value": o.code, "text": loc(o.label)}
        if o.weight is not None:
            choice["score"] = _number(o.weight)
        choices.append(choice)
    return choices


def _single_element(q: Question, loc: Localize) -> dict[str, Any]:
    assert isinstance(q, SingleChoiceQuestion)
    return {"type": "radiogroup", "choices": _choices(q, loc)}


def _multiple_element(q: Question, loc: Localize) -> dict[str, Any]:
    assert isinstance(q, MultipleChoiceQuestion)
    out: dict[str, Any] = {"type": "checkbox", "choices": _choices(q, loc)}
    if q.max_selected is not None:
        out["maxSelectedChoices"] = q.max_selected
    return out


_YES = Message("answer.yes")
_NO = Message("answer.no")


def _yes_no_element(q: Question, loc: Localize) -> dict[str, Any]:
    yes, no = LocalizedText(_YES.translations), LocalizedText(_NO.translations)
    return {"type": "boolean", "labelTrue": loc(yes), "labelFalse": loc(no)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _number_element(q: Question, loc: Localize) -> dict[str, Any]:
    assert isinstance(q, NumberQuestion)
    out: dict[str, Any] = {"type": "text", "inputType": "number"}
    if q.min is not None:
        out["min"] = _number(q.min)
    if q.max is not None:
        out["max"] = _number(q.max)
    if q.integer:
        out["step"] = 1
    return out


def _date_element(q: Question, loc: Localize) -> dict[str, Any]:
    return {"type": "text", "inputType": "date"}


def _list_value(q: Question, answer: Answer) -> Any:
    return list(getattr(answer, "value", ()))


for _type_name, _builtin in {
    "text": SurveyJSAdapter(_text_element),
    "scale": SurveyJSAdapter(_scale_element),
    "single_choice": SurveyJSAdapter(_single_element),
    "multiple_choice": SurveyJSAdapter(_multiple_element, to_value=_list_value),
    "yes_no": SurveyJSAdapter(_yes_no_element),
    "number": SurveyJSAdapter(_number_element),
    "date": SurveyJSAdapter(_date_element),
}.items():
    register_surveyjs_type(_type_name, _builtin)


def _adapter(question: Question) -> SurveyJSAdapter:
    return surveyjs_type(question.type_name) or _FALLBACK


# --------------------------------------------------------------------------- export


def _localizer(default_language: str | None) -> Localize:
    def loc(text: LocalizedText) -> Any:
        tr = dict(text.translations)
        if default_language is None:
            return tr
        out: dict[str, str] = {"default": text.get(default_language)}
        out.update((k, v) for k, v in tr.items() if k != default_language)
        return out

    return loc


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _expression(comparison: Comparison, index: Mapping[str, Question]) -> str:
    ref = "{" + comparison.question + "}"
    value = comparison.value
    op = comparison.operator
    multiple = isinstance(index.get(comparison.question), MultipleChoiceQuestion)
    if op is Operator.EQUALS:
        return f"{ref} {'contains' if multiple else '='} {_literal(value)}"
    if op is Operator.IN:
        values = value if isinstance(value, tuple) else (value,)
        return f"{ref} anyof {_literal(values)}"
    if multiple:
        return "false"  # the model never lets a list of codes be greater or less than a value
    return f"{ref} {'>' if op is Operator.GREATER else '<'} {_literal(value)}"


def visible_if(condition: Condition, questionnaire: Questionnaire) -> str:
    """The SurveyJS ``visibleIf`` expression of ``condition``."""
    index = questionnaire.questions_by_id()
    parts = [_expression(c, index) for c in condition.comparisons]
    if len(parts) == 1:
        return parts[0]
    joiner = " and " if condition.match is Match.ALL else " or "
    return joiner.join(f"({p})" for p in parts)


def to_surveyjs(
    questionnaire: Questionnaire,
    role: Role | str | None = None,
    *,
    default_language: str | None = DEFAULT_LANGUAGE,
    strict: bool = False,
) -> dict[str, Any]:
    """The questionnaire as SurveyJS survey JSON (a dict; ``json.dumps`` it for the browser).

    Args:
        questionnaire: What to export.
        role: Export only the questions this role answers (sections left empty are dropped).
        default_language: The language written as SurveyJS's ``"default"`` string; ``None``
            writes every language under its code.
        strict: Refuse question types without a registered :class:`SurveyJSAdapter` instead
            of exporting them as text questions.

    Raises:
        DataError: with ``strict``, naming every question whose type has no adapter.
    """
    loc = _localizer(default_language)
    wanted = None if role is None else Role(role)
    if strict:
        missing = [
            Finding.error(
                "surveyjs.no-adapter",
                f"questions.{q.id}",
                type=q.type_name,
            )
            for q in questionnaire.questions()
            if surveyjs_type(q.type_name) is None
        ]
        if missing:
            raise DataError(Message("error.surveyjs.export"), missing)
    pages = []
    for section in questionnaire.sections:
        elements = [
            _element(q, loc, questionnaire, wanted)
            for q in section.questions
            if wanted is None or q.asks(wanted)
        ]
        if not elements:
            continue
        page: dict[str, Any] = {"name": section.id, "title": loc(section.title)}
        if section.guidance is not None:
            page["description"] = loc(section.guidance)
        page["elements"] = elements
        pages.append(page)
    survey: dict[str, Any] = {"title": loc(questionnaire.title)}
    if questionnaire.intro is not None:
        survey["description"] = loc(questionnaire.intro)
    survey["clearInvisibleValues"] = "onHidden"
    survey["pages"] = pages
    return survey


def _element(
    question: Question, loc: Localize, questionnaire: Questionnaire, role: Role | None = None
) -> dict[str, Any]:
    specific = _adapter(question).element(question, loc)
    out: dict[str, Any] = {"type": specific.pop("type"), "name": question.id}
    out["title"] = loc(question.text_for(role))
    if question.help is not None:
        out["description"] = loc(question.help)
    if question.required:
        out["isRequired"] = True
    if question.condition is not None:
        out["visibleIf"] = visible_if(question.condition, questionnaire)
    out.update(specific)
    return out


# --------------------------------------------------------------------------- result data


def response_to_surveyjs(response: Response, questionnaire: Questionnaire) -> dict[str, Any]:
    """The response's answers as SurveyJS ``data`` (to prefill a survey), keyed by question id.

    Answers to questions the questionnaire does not have are left out.
    """
    index = questionnaire.questions_by_id()
    data: dict[str, Any] = {}
    for qid, answer in response.answers.items():
        question = index.get(qid)
        if question is not None:
            data[qid] = _adapter(question).to_value(question, answer)
    return data


_MAX_DEPTH = 64  # nesting of lists and objects in SurveyJS input (real surveys: ~12)

_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1  # what the stores keep (serialization's INT_MIN/MAX)
_MAX_EXPRESSION = 10_000  # characters of one ``visibleIf``
_MAX_EXPRESSION_DEPTH = 32  # brackets and parentheses inside it


def _input_problems(value: Any, path: str) -> list[Finding]:
    """What makes ``value`` unfit to import before its content is even looked at.

    Iterative, so hostile input cannot exhaust the stack: nesting deeper than
    ``_MAX_DEPTH``, text that cannot be written as UTF-8 (lone surrogates, as
    ``json.loads`` returns for an escaped one) and whole numbers beyond 64 bits.
    """
    problems: list[Finding] = []
    stack: list[tuple[Any, str, int]] = [(value, path, 1)]
    while stack and len(problems) < 20:
        node, where, level = stack.pop()
        if isinstance(node, Mapping | list | tuple):
            if level > _MAX_DEPTH:
                problems.append(Finding.error("surveyjs.too-deep", where, max=_MAX_DEPTH))
                continue
            if isinstance(node, Mapping):
                for key, child in node.items():
                    name = key if isinstance(key, str) and _encodes(key) else repr(key)
                    if isinstance(key, str) and not _encodes(key):
                        problems.append(Finding.error("surveyjs.lone-surrogate", where))
                    stack.append((child, f"{where}.{name}" if where else name, level + 1))
            else:
                stack.extend((child, f"{where}[{i}]", level + 1) for i, child in enumerate(node))
        elif isinstance(node, str) and not _encodes(node):
            problems.append(Finding.error("surveyjs.lone-surrogate", where))
        elif isinstance(node, int) and not _INT_MIN <= node <= _INT_MAX:
            problems.append(Finding.error("surveyjs.integer-range", where))
    return problems


def _encodes(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def response_from_surveyjs(
    data: Mapping[str, Any],
    questionnaire: Questionnaire,
    *,
    role: Role | str,
    person: str,
    prune_hidden: bool = False,
    partial: bool = False,
    **fields: Any,
) -> Response:
    """Import SurveyJS result data (the survey's ``data`` object) as a checked Response.

    Values that are ``None`` count as unanswered. The response is checked with
    ``Questionnaire.check_response()``.

    Args:
        data: ``survey.data`` from SurveyJS (question id -> value).
        questionnaire: The questionnaire the survey was exported from.
        role: The respondent's role.
        person: The respondent's person id.
        prune_hidden: Drop answers to questions hidden by their conditions instead of
            reporting them (for surveys that keep hidden values until completion).
        partial: Unfinished answers (a draft): missing required answers are no finding;
            values that do not fit their question still are.
        **fields: Further :class:`Response` fields (``submitted_at``, ``shared``).

    Raises:
        DataError: listing every value that does not fit and every error ``check_response``
            finds, with the question id in each path.
    """
    if not isinstance(data, Mapping):
        raise DataError(
            Message("error.surveyjs.data-object"),
            [_not_an_object("answers", Message("surveyjs.what.data"), data)],
        )
    unfit = _input_problems(data, "answers")
    if unfit:
        raise DataError(Message("error.surveyjs.bad-input"), unfit)
    index = questionnaire.questions_by_id()
    answers: dict[str, Answer] = {}
    problems: list[Finding] = []
    for key, value in data.items():
        path = f"answers.{key}"
        question = index.get(key)
        if question is None:
            problems.append(Finding.error("response.unknown-question", path, id=key))
            continue
        if value is None:
            continue
        try:
            answers[key] = _adapter(question).from_value(question, value)
        except (TypeError, ValueError) as exc:
            detail = exc.message if isinstance(exc, MusframeworkError) else str(exc)
            problems.append(
                Finding.error("response.wrong-type", path, question=question.text, detail=detail)
            )
    response = Response(
        questionnaire=questionnaire.ref, role=Role(role), person=person, answers=answers, **fields
    )
    if prune_hidden:
        response = questionnaire.prune(response)
    unusable = {f.path for f in problems}  # already reported; not also "missing"
    problems.extend(
        f
        for f in questionnaire.check_response(response)
        if f.severity is Severity.ERROR
        and not (f.code == "response.missing-required" and (partial or f.path in unusable))
    )
    if problems:
        raise DataError(
            Message("error.surveyjs.data-mismatch", {"ref": str(questionnaire.ref)}), problems
        )
    return response


# --------------------------------------------------------------------------- survey import


def _text(value: Any, default_language: str) -> LocalizedText | None:
    if isinstance(value, str):
        return LocalizedText({default_language: value})
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        out = {default_language if k == "default" else str(k): v for k, v in value.items()}
        return LocalizedText(out) if out else None
    return None


@attrs.frozen
class _Lang:
    """The language of SurveyJS "default" strings, and every language the survey uses."""

    default: str
    all: tuple[str, ...]

    def text(self, value: Any) -> LocalizedText | None:
        return _text(value, self.default)

    def neutral(self, value: str) -> LocalizedText:
        """A name or code SurveyJS would show as is, in every language."""
        return LocalizedText(dict.fromkeys(self.all, value))


_TEXT_KEYS = frozenset({"title", "description", "text", "minRateDescription", "maxRateDescription"})


def _survey_languages(node: Any, default: str, found: set[str]) -> set[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, Mapping):
                found.update(default if k == "default" else str(k) for k in value)
            elif key in _TEXT_KEYS and isinstance(value, str):
                found.add(default)
            else:
                _survey_languages(value, default, found)
    elif isinstance(node, list):
        for item in node:
            _survey_languages(item, default, found)
    return found


class _UnsupportedError(Exception):
    """An element (or part of one) the model cannot represent, and why."""

    def __init__(self, reason: Message) -> None:
        self.reason = reason
        super().__init__(reason.text("en"))


_COMPARISON = re.compile(r"^\{([^{}]+)\}\s*(==|=|>|<|anyof|contains)\s*(.+)$", re.I | re.S)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _too_large() -> _UnsupportedError:
    return _UnsupportedError(
        Message(
            "surveyjs.reason.expression-too-large",
            {"length": _MAX_EXPRESSION, "max": _MAX_EXPRESSION_DEPTH},
        )
    )


def _parse_literal(text: str, depth: int = 0) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        if depth >= _MAX_EXPRESSION_DEPTH:
            raise _too_large()
        inner = text[1:-1].strip()
        return tuple(_parse_literal(p, depth + 1) for p in _split(inner, ",")) if inner else ()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    raise _UnsupportedError(Message("surveyjs.reason.value", {"value": repr(text)}))


def _split(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside quotes, brackets and parentheses."""
    parts: list[str] = []
    depth = 0
    quote: str | None = None
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and text[i : i + len(sep)].lower() == sep:
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _outer_closes_at_end(text: str) -> bool:
    """Whether the ``(`` opening ``text`` is closed by its last character."""
    depth = 0
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
        i += 1
    return False


def _unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and _outer_closes_at_end(text):
        text = text[1:-1].strip()
    return text


def _nesting(text: str) -> int:
    """The deepest nesting of brackets and parentheses in ``text`` (one pass)."""
    deepest = depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]":
            depth -= 1
    return deepest


def _parse_condition(expression: str) -> Condition:
    if len(expression) > _MAX_EXPRESSION or _nesting(expression) > _MAX_EXPRESSION_DEPTH:
        raise _too_large()
    text = _unwrap(expression)
    ands = _split(text, " and ")
    ors = _split(text, " or ")
    if len(ands) > 1 and len(ors) > 1:
        raise _UnsupportedError(Message("surveyjs.reason.and-or"))
    match, parts = (Match.ANY, ors) if len(ors) > 1 else (Match.ALL, ands)
    comparisons = []
    for part in parts:
        found = _COMPARISON.match(_unwrap(part))
        if found is None:
            raise _UnsupportedError(Message("surveyjs.reason.expression", {"part": repr(part)}))
        name, op, raw = found.group(1).strip(), found.group(2).lower(), found.group(3)
        value = _parse_literal(raw)
        if op == "anyof":
            if not isinstance(value, tuple):
                raise _UnsupportedError(Message("surveyjs.reason.anyof"))
            comparisons.append(Comparison(name, Operator.IN, value))
        elif op in ("=", "==", "contains"):
            comparisons.append(Comparison(name, Operator.EQUALS, value))
        else:
            operator = Operator.GREATER if op == ">" else Operator.LESS
            comparisons.append(Comparison(name, operator, value))
    return Condition(tuple(comparisons), match)


def _codes(element: Mapping[str, Any], lang: _Lang) -> list[Option]:
    choices = element.get("choices")
    if not isinstance(choices, list) or not choices:
        raise _UnsupportedError(Message("surveyjs.reason.no-choices"))
    options = []
    for choice in choices:
        score = None
        if isinstance(choice, Mapping):
            value, label = choice.get("value"), choice.get("text")
            score = choice.get("score")
        else:
            value, label = choice, None
        if not isinstance(value, str):
            raise _UnsupportedError(Message("surveyjs.reason.choice-value", {"value": repr(value)}))
        weight = None
        if isinstance(score, int | float) and not isinstance(score, bool) and math.isfinite(score):
            weight = float(score)
        options.append(Option(value, lang.text(label) or lang.neutral(value), weight))
    return options


def _rating(element: Mapping[str, Any], common: dict[str, Any], lang: _Lang) -> ScaleQuestion:
    rate_values = element.get("rateValues")
    if rate_values and not isinstance(rate_values, list):
        raise _UnsupportedError(
            Message("surveyjs.reason.rating-value", {"value": repr(rate_values)})
        )
    if rate_values:
        points: list[tuple[int, LocalizedText | None]] = []
        for item in rate_values:
            value, label = (
                (item.get("value"), item.get("text")) if isinstance(item, Mapping) else (item, None)
            )
            if type(value) is not int:
                raise _UnsupportedError(
                    Message("surveyjs.reason.rating-value", {"value": repr(value)})
                )
            text = lang.text(label)
            points.append((value, None if text is None or _all_equal(text, str(value)) else text))
        values = [v for v, _ in points]
        if values != list(range(values[0], values[0] + len(values))) or len(values) < 2:
            raise _UnsupportedError(Message("surveyjs.reason.rating-gaps"))
        labels = [ScalePoint(v, t) for v, t in points if t is not None]
        return ScaleQuestion(**common, min=values[0], max=values[-1], labels=labels)
    low = element.get("rateMin", 1)
    step = element.get("rateStep", 1)
    count = element.get("rateCount")
    if type(count) is int and type(low) is int and type(step) is int:
        high = element.get("rateMax", low + (count - 1) * step)
    else:
        high = element.get("rateMax", 5)
    if not all(type(v) is int for v in (low, high, step)) or step != 1 or high > _INT_MAX:
        raise _UnsupportedError(Message("surveyjs.reason.rating-step"))
    labels = []
    for key, value in (("minRateDescription", low), ("maxRateDescription", high)):
        text = lang.text(element.get(key))
        if text is not None:
            labels.append(ScalePoint(value, text))
    return ScaleQuestion(**common, min=low, max=high, labels=labels)


def _all_equal(text: LocalizedText, value: str) -> bool:
    return all(v == value for v in text.translations.values())


def _question(element: Mapping[str, Any], lang: _Lang, answered_by: Any) -> Question:
    kind = element.get("type")
    name = element["name"]
    common: dict[str, Any] = {
        "id": name,
        "text": lang.text(element.get("title")) or lang.neutral(name),
        "help": lang.text(element.get("description")),
        "required": element.get("isRequired") is True,
        "answered_by": answered_by,
    }
    if "visibleIf" in element:
        expression = element["visibleIf"]
        if not isinstance(expression, str):
            raise _UnsupportedError(Message("surveyjs.reason.visible-if"))
        try:
            common["condition"] = _parse_condition(expression)
        except _UnsupportedError as exc:
            raise _UnsupportedError(
                Message(
                    "surveyjs.reason.condition",
                    {"expression": repr(expression), "reason": exc.reason},
                )
            ) from None
    if element.get("showOtherItem") or element.get("hasOther"):
        raise _UnsupportedError(Message("surveyjs.reason.other"))
    if kind == "text":
        input_type = element.get("inputType", "text")
        if input_type in ("number", "range"):
            low, high = element.get("min"), element.get("max")
            for bound in (low, high):
                if bound is not None and type(bound) not in (int, float):
                    raise _UnsupportedError(
                        Message("surveyjs.reason.bound", {"bound": repr(bound)})
                    )
            return NumberQuestion(
                **common,
                min=None if low is None else float(low),
                max=None if high is None else float(high),
                integer=element.get("step") == 1,
            )
        if input_type == "date":
            return DateQuestion(**common)
        if input_type not in ("text", "email", "tel", "url", "password"):
            raise _UnsupportedError(
                Message("surveyjs.reason.input-type", {"type": repr(input_type)})
            )
        max_length = element.get("maxLength")
        return TextQuestion(
            **common, max_length=max_length if type(max_length) is int and max_length > 0 else None
        )
    if kind == "comment":
        max_length = element.get("maxLength")
        return TextQuestion(
            **common,
            long=True,
            max_length=max_length if type(max_length) is int and max_length > 0 else None,
        )
    if kind == "rating":
        return _rating(element, common, lang)
    if kind in ("radiogroup", "dropdown"):
        return SingleChoiceQuestion(**common, options=_codes(element, lang))
    if kind in ("checkbox", "tagbox"):
        limit = element.get("maxSelectedChoices")
        return MultipleChoiceQuestion(
            **common,
            options=_codes(element, lang),
            max_selected=limit if type(limit) is int and limit > 0 else None,
        )
    if kind == "boolean":
        if "valueTrue" in element or "valueFalse" in element:
            raise _UnsupportedError(Message("surveyjs.reason.value-true"))
        return YesNoQuestion(**common)
    raise _UnsupportedError(Message("surveyjs.reason.element-type", {"type": repr(kind)}))


def _elements(elements: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(elements, list):
        return
    for i, element in enumerate(elements):
        epath = f"{path}[{i}]"
        if isinstance(element, Mapping) and element.get("type") in ("panel", "flowpanel"):
            yield from _elements(element.get("elements"), f"{epath}.elements")
        else:
            yield epath, element


def questionnaire_from_surveyjs(
    survey: Mapping[str, Any],
    *,
    id: str,
    version: str = "1",
    kinds: Sequence[ConversationKind | str] = (ConversationKind.MUS,),
    answered_by: Any = "both",
    default_language: str = DEFAULT_LANGUAGE,
    skip_unsupported: bool = False,
) -> Questionnaire:
    """Import SurveyJS survey JSON as a questionnaire (the common question types).

    Pages become sections (panels are flattened into their page); ``text`` (plain, number,
    date), ``comment``, ``rating``, ``radiogroup``, ``dropdown``, ``checkbox``, ``tagbox`` and
    ``boolean`` become questions; ``visibleIf`` expressions made of ``=``, ``anyof``,
    ``contains``, ``>`` and ``<`` joined by ``and`` or ``or`` become conditions. SurveyJS has
    no roles or time budgets: every question is asked of ``answered_by`` and sections get 0
    minutes. The questionnaire's languages are those every text has.

    Args:
        survey: The survey JSON (a dict).
        id: The questionnaire's id.
        version: Its version.
        kinds: The conversation kinds it suits.
        answered_by: Who answers every question.
        default_language: The language of SurveyJS's ``"default"`` strings and plain strings.
        skip_unsupported: Leave out elements that cannot be represented instead of failing.

    Raises:
        DataError: naming every element that cannot be represented (its path, name and type),
            and every error ``Questionnaire.check()`` finds in the result.
    """
    if not isinstance(survey, Mapping):
        raise DataError(
            Message("error.surveyjs.survey-object"),
            [_not_an_object("", Message("surveyjs.what.survey"), survey)],
        )
    unfit = _input_problems(survey, "")
    if unfit:
        raise DataError(Message("error.surveyjs.bad-input"), unfit)
    problems: list[Finding] = []
    pages = survey.get("pages")
    if not isinstance(pages, list):
        pages = [{"name": "page1", "elements": survey.get("elements", [])}]
        page_path = "elements"
    else:
        page_path = "pages"
    sections = []
    role_set = _roles(answered_by)
    found = _survey_languages(survey, default_language, set())
    lang = _Lang(default_language, tuple(sorted(found or {default_language})))
    for pi, page in enumerate(pages):
        ppath = f"pages[{pi}]" if page_path == "pages" else ""
        if not isinstance(page, Mapping):
            problems.append(
                _unsupported(ppath or "pages", "?", "?", Message("surveyjs.reason.page-object"))
            )
            continue
        raw_name = page.get("name")
        name = raw_name if isinstance(raw_name, str) else f"page{pi + 1}"
        questions = []
        for epath, element in _elements(page.get("elements"), f"{ppath}.elements".lstrip(".")):
            if not isinstance(element, Mapping) or not isinstance(element.get("name"), str):
                problems.append(
                    _unsupported(epath, "?", "?", Message("surveyjs.reason.element-name"))
                )
                continue
            try:
                questions.append(_question(element, lang, role_set))
            except _UnsupportedError as exc:
                if not skip_unsupported:
                    problems.append(
                        _unsupported(epath, element["name"], str(element.get("type")), exc.reason)
                    )
        if not questions and skip_unsupported:
            continue
        sections.append(
            Section(
                id=name,
                title=_text(page.get("title"), default_language) or lang.neutral(name),
                guidance=_text(page.get("description"), default_language),
                questions=questions,
            )
        )
    if problems:
        raise DataError(Message("error.surveyjs.unrepresentable"), problems)
    draft = Questionnaire(
        id=id,
        version=version,
        kinds=frozenset(ConversationKind(k) for k in kinds),
        title=_text(survey.get("title"), default_language) or lang.neutral(id),
        intro=_text(survey.get("description"), default_language),
        sections=sections,
    )
    questionnaire = attrs.evolve(draft, languages=_common_languages(draft, default_language))
    errors = [f for f in questionnaire.check() if f.severity is Severity.ERROR]
    if errors:
        raise DataError(Message("error.surveyjs.imported-problems"), errors)
    return questionnaire


def _common_languages(questionnaire: Questionnaire, first: str) -> tuple[str, ...]:
    common: set[str] | None = None
    for _, text in questionnaire.texts():
        langs = set(text.languages)
        common = langs if common is None else common & langs
    found = common or {first}
    return tuple(sorted(found, key=lambda lang: (lang != first, lang != "en", lang)))


def _unsupported(path: str, name: str, kind: str, reason: Message) -> Finding:
    return Finding.error("surveyjs.unsupported", path, name=name, kind=kind, reason=reason)


def _not_an_object(path: str, what: Message, value: Any) -> Finding:
    return Finding.error("surveyjs.not-an-object", path, what=what, type=type(value).__name__)
