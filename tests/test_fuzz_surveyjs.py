"""Fuzz the SurveyJS importers: only errors of the library's hierarchy, never another.

``questionnaire_from_surveyjs`` gets survey JSON exported from the built-in templates and
from generated questionnaires, then mutated: the generic mutations of ``tests/fuzzing.py``
(wrong types, deleted and extra keys, huge strings and numbers, deep nesting, unicode edge
cases) and SurveyJS-shaped ones (``rateValues``, ``rateMin``/``rateMax``/``rateStep``/
``rateCount``, ``choices``, ``inputType``, ``min``/``max``, ``maxLength``,
``maxSelectedChoices``, ``valueTrue``, element types, panels nested up to 200 levels,
``visibleIf`` expressions made of random tokens, unbalanced and deeply nested brackets, and
up to 50,000 characters). ``response_from_surveyjs`` gets result data for those
questionnaires: known and unknown question ids, values of every type, junk. Each input
either imports or raises ``musframework.errors.MusframeworkError`` (a ``DataError`` with
findings that have paths and messages); what imports can be written and read back
unchanged (``dumps``/``loads``), so the importer never hands over data that a store would
refuse.

Counts: the normal run tries a few dozen inputs; under the ``fuzz`` hypothesis profile
(``nox -s fuzz``) each of the four tests runs ``MUSFRAMEWORK_FUZZ_SURVEYJS_EXAMPLES`` examples
(default 5,000) of ``INPUTS_PER_EXAMPLE`` inputs (5): 100,000 inputs or more, and writes the figures to
``$MUSFRAMEWORK_FUZZ_REPORT/surveyjs.json`` (docs/reliability.md).
"""

from __future__ import annotations

import collections
import functools
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musframework as mf
from musframework.errors import DataError, MusframeworkError
from musframework.interop import surveyjs
from musframework.testing import strategies as mst

from .fuzzing import FUZZ_SETTINGS, WEIRD_TEXT, assert_own_error, deep, junk, mutated

pytestmark = pytest.mark.fuzz

_FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
INPUTS_PER_EXAMPLE = 5 if _FUZZING else 2
_EXAMPLES = int(os.environ.get("MUSFRAMEWORK_FUZZ_SURVEYJS_EXAMPLES", "5000"))
_BUDGET = settings(FUZZ_SETTINGS, max_examples=_EXAMPLES if _FUZZING else 15)

FIGURES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
TEMPLATES = mf.templates.names()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """Write the figures to $MUSFRAMEWORK_FUZZ_REPORT/surveyjs.json (nox -s fuzz)."""
    yield
    folder = os.environ.get("MUSFRAMEWORK_FUZZ_REPORT")
    if folder:
        os.makedirs(folder, exist_ok=True)
        figures = {name: dict(sorted(c.items())) for name, c in sorted(FIGURES.items())}
        with open(os.path.join(folder, "surveyjs.json"), "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=1)


@functools.cache
def template(name: str) -> mf.Questionnaire:
    return mf.templates.load(name)


@functools.cache
def exported(name: str) -> dict[str, Any]:
    return surveyjs.to_surveyjs(template(name))


def attempt(test: str, call: Callable[[], Any]) -> Any:
    """Run one import; count it; the library's own error is fine, any other fails."""
    FIGURES[test]["inputs"] += 1
    try:
        result = call()
    except MusframeworkError as exc:
        assert_own_error(exc)
        FIGURES[test][f"refused: {type(exc).__name__}"] += 1
        if isinstance(exc, DataError):
            FIGURES[test]["findings"] += len(exc.findings)
        return None
    FIGURES[test]["imported"] += 1
    # What imports can be written and read back: no store refuses it later.
    assert mf.loads(mf.dumps(result), type(result)) == result
    return result


# ------------------------------------------------------------- SurveyJS-shaped mutations

TOKENS = ["{a}", "{q1}", "{", "}", "(", ")", "[", "]", "'x'", '"y"', "1", "-2.5", "true"]
TOKENS += ["=", "==", ">", "<", "anyof", "contains", "and", "or", "notempty", ",", "\\", " "]

expressions = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.integers(1, 3_000).map(lambda n: "{a} anyof " + "[" * n + "'x'" + "]" * n),
    st.integers(1, 3_000).map(lambda n: "(" * n + "{a} = 1" + ")" * n),
    st.integers(1, 5_000).map(lambda n: " and ".join(["{a} = 1"] * n)),
    st.integers(1, 50_000).map(lambda n: "{a} = '" + "x" * n + "'"),
    st.sampled_from(WEIRD_TEXT),
    junk,
)
ELEMENT_TYPES = ["text", "comment", "rating", "radiogroup", "dropdown", "checkbox", "tagbox"]
ELEMENT_TYPES += ["boolean", "panel", "flowpanel", "matrix", "html", "", "TEXT"]
shaped = st.fixed_dictionaries(
    {},
    optional={
        "type": st.one_of(st.sampled_from(ELEMENT_TYPES), junk),
        "name": st.one_of(st.sampled_from(["a", "q1", "", "\ud800"]), junk),
        "rateValues": st.one_of(
            junk, st.lists(st.one_of(junk, st.fixed_dictionaries({"value": junk}))), st.just(5)
        ),
        "rateMin": junk,
        "rateMax": junk,
        "rateStep": junk,
        "rateCount": st.one_of(junk, st.integers(-5, 2**64)),
        "choices": st.one_of(
            junk, st.lists(st.one_of(junk, st.fixed_dictionaries({"value": junk})))
        ),
        "inputType": st.one_of(
            st.sampled_from(["number", "date", "range", "color", "email"]), junk
        ),
        "min": junk,
        "max": junk,
        "step": junk,
        "maxLength": junk,
        "maxSelectedChoices": junk,
        "valueTrue": junk,
        "isRequired": junk,
        "visibleIf": expressions,
        "title": junk,
        "elements": st.one_of(junk, st.integers(1, 200).map(lambda n: [_panels(n)])),
    },
)


def _panels(depth: int) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "text", "name": "q1"}
    for _ in range(depth):
        element = {"type": "panel", "name": "p", "elements": [element]}
    return element


def _elements(survey: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for page in survey.get("pages", []):
        for element in page.get("elements", []):
            found.append(element)
    return found


@st.composite
def surveys(draw: st.DrawFn, original: dict[str, Any]) -> Any:
    """``original`` mutated, generically or in SurveyJS's own keys, or junk instead."""
    how = draw(st.sampled_from(["generic", "shaped", "shaped", "both", "junk", "deep"]))
    if how == "junk":
        return draw(junk)
    if how == "deep":  # far deeper is a plain test in test_input_holes.py (100,000 levels)
        return {"pages": [{"name": "p", "elements": [_panels(draw(st.integers(20, 300)))]}]}
    survey = json.loads(json.dumps(original))
    if how in ("shaped", "both"):
        elements = _elements(survey)
        for _ in range(draw(st.integers(1, 3))):
            changes = draw(shaped)
            if elements:
                draw(st.sampled_from(elements)).update(changes)
            else:
                survey.setdefault("elements", []).append(changes)
    if how in ("generic", "both"):
        pages = survey.get("pages")
        if isinstance(pages, list) and len(pages) > 1 and draw(st.booleans()):
            # one page of a long survey (cheaper than walking all of it each time)
            i = draw(st.integers(0, len(pages) - 1))
            pages[i] = draw(mutated(pages[i]))
        else:
            survey = draw(mutated(survey))
    return survey


@functools.cache
def survey_strategy(name: str) -> st.SearchStrategy[Any]:
    return surveys(exported(name))


@_BUDGET
@given(name=st.sampled_from(TEMPLATES), data=st.data(), skip=st.booleans())
def test_mutated_surveys_of_the_built_in_forms(name, data, skip):
    for _ in range(INPUTS_PER_EXAMPLE):
        survey = data.draw(survey_strategy(name))
        attempt(
            "questionnaire_from_surveyjs",
            lambda survey=survey: surveyjs.questionnaire_from_surveyjs(
                survey, id="imported", skip_unsupported=skip
            ),
        )


@_BUDGET
@given(questionnaire=mst.questionnaires(max_sections=2, max_questions=4), data=st.data())
def test_mutated_surveys_of_generated_questionnaires(questionnaire, data):
    original = surveyjs.to_surveyjs(questionnaire)
    imported = attempt(  # the unchanged export imports (every built-in type maps)
        "questionnaire_from_surveyjs",
        lambda: surveyjs.questionnaire_from_surveyjs(original, id=questionnaire.id),
    )
    assert imported is not None
    for _ in range(INPUTS_PER_EXAMPLE):
        survey = data.draw(surveys(original))
        attempt(
            "questionnaire_from_surveyjs",
            lambda survey=survey: surveyjs.questionnaire_from_surveyjs(survey, id="imported"),
        )


# ------------------------------------------------------------------------ result data


@functools.cache
def _question_ids(name: str) -> tuple[str, ...]:
    return tuple(q.id for q in template(name).questions())


values = st.one_of(
    junk,
    st.integers(-3, 12),
    st.integers(2**63, 2**70),
    st.lists(st.one_of(st.text(max_size=5), st.sampled_from(["a", "b", "yes"])), max_size=4),
    st.sampled_from([True, False, "yes", "2026-03-03", "2026-02-30", 1e308, float("nan")]),
    st.sampled_from(WEIRD_TEXT),
    st.integers(10, 5_000).map(deep),
)


@st.composite
def answers(draw: st.DrawFn, ids: tuple[str, ...]) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(junk)  # not an object at all
    keys = st.one_of(st.sampled_from(ids), st.text(max_size=10), st.sampled_from(WEIRD_TEXT))
    return draw(st.dictionaries(keys, values, max_size=8))


@functools.cache
def answer_strategy(ids: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return answers(ids)


@_BUDGET
@given(
    name=st.sampled_from(TEMPLATES),
    data=st.data(),
    role=st.sampled_from(list(mf.Role)),
    prune=st.booleans(),
)
def test_result_data_for_the_built_in_forms(name, data, role, prune):
    q = template(name)
    for _ in range(INPUTS_PER_EXAMPLE):
        given_answers = data.draw(answer_strategy(_question_ids(name)))
        attempt(
            "response_from_surveyjs",
            lambda a=given_answers: surveyjs.response_from_surveyjs(
                a, q, role=role, person="p1", prune_hidden=prune
            ),
        )


@_BUDGET
@given(questionnaire=mst.questionnaires(max_sections=2, max_questions=4), data=st.data())
def test_result_data_for_generated_questionnaires(questionnaire, data):
    ids = tuple(q.id for q in questionnaire.questions())
    response = data.draw(mst.responses(questionnaire))
    exported_data = surveyjs.response_to_surveyjs(response, questionnaire)
    back = attempt(  # a valid response, exported and imported again
        "response_from_surveyjs",
        lambda: surveyjs.response_from_surveyjs(
            exported_data, questionnaire, role=response.role, person=response.person
        ),
    )
    assert back is not None and back.answers == response.answers
    for _ in range(INPUTS_PER_EXAMPLE):
        mutant = data.draw(st.one_of(answer_strategy(ids), mutated(exported_data)))
        attempt(
            "response_from_surveyjs",
            lambda mutant=mutant: surveyjs.response_from_surveyjs(
                mutant, questionnaire, role=response.role, person=response.person
            ),
        )
