"""Questionnaire files in TOML and JSON, and their JSON Schema."""

import json
import pathlib
import sys
import tempfile
import tomllib

import jsonschema
import pytest
from hypothesis import given, settings

import musframework as mf
from musframework.errors import LoadError, MissingExtraError
from musframework.serialization.schema import questionnaire_schema, questionnaire_schema_text
from musframework.testing import strategies as mst

ROOT = pathlib.Path(__file__).parent.parent
SCHEMA_FILE = ROOT / "docs" / "questionnaire.schema.json"

BROKEN_STRUCTURE = """\
id = "broken"
title = { da = "Brudt", en = "Broken" }

[[sections]]
id = "past"
title = "Fortid"
minutes = "ten"

[[sections.questions]]
type = "scale"
id = "rating"
text = { da = "Hvordan?", en = "How?" }
colour = "red"

[[sections.questions]]
type = "traffic_light"
id = "light"
text = "Lys"

[[sections]]
id = "future"
title = "Fremtid"

[[sections.questions]]
type = "yes_no"
text = "Mangler id"
"""

BROKEN_CHECK = """\
id = "half-done"
title = { da = "Halvfærdig", en = "Half done" }

[[sections]]
id = "past"
title = { da = "Fortid", en = "Past" }

[[sections.questions]]
type = "scale"
id = "rating"
min = 5
max = 1
text = { da = "Hvordan?", en = "How?" }

[[sections.questions]]
type = "text"
id = "why"
text = { da = "Hvorfor?" }
condition.comparisons = [{ question = "later", operator = "equals", value = "x" }]

[[sections.questions]]
type = "text"
id = "later"
text = { da = "Senere", en = "Later" }
"""


_VALIDATOR = jsonschema.Draft202012Validator(questionnaire_schema())


def validator():
    return _VALIDATOR


def test_committed_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == questionnaire_schema_text(), (
        "regenerate docs/questionnaire.schema.json with "
        "musframework.serialization.schema.questionnaire_schema_text()"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


@pytest.mark.parametrize("name", mf.templates.names())
def test_every_builtin_validates_against_the_schema(name):
    for version in mf.templates.versions(name):  # earlier versions too
        data = tomllib.loads(mf.templates.text(name, version))
        validator().validate(data)
        validator().validate(mf.to_dict(mf.templates.load(name, version)))


def test_broken_structure_reports_every_problem_with_file_and_position(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(BROKEN_STRUCTURE, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(path)
    error = info.value
    assert error.source == str(path)
    assert str(error).startswith(str(path))
    by_path = {f.path: f for f in error.findings}
    # Shape and meaning together: the titles without English are reported beside the shape
    # problems, in the order of the file.
    assert [f.path for f in error.findings] == [
        "sections[0].title",
        "sections[0].minutes",
        "sections[0].questions[0]",
        "sections[0].questions[1]",
        "sections[1].title",
        "sections[1].questions[0].id",
    ]
    assert by_path["sections[1].title"].code == "text.missing-language"
    assert [f.line for f in error.findings] == [6, 7, 13, 15, 22, 24]
    assert by_path["sections[0].questions[0]"].code == "load.unknown-field"
    en = {p: f.text("en") for p, f in by_path.items()}
    assert en["sections[0].minutes"].startswith("section 'past': ")
    assert en["sections[0].questions[0]"].startswith("section 'past', question 'rating': ")
    assert "colour" in en["sections[0].questions[0]"]
    assert "unknown question type 'traffic_light'" in en["sections[0].questions[1]"]
    assert en["sections[1].questions[0].id"].startswith("section 'future', question #1: ")
    assert by_path["sections[0].minutes"].text("da").startswith("afsnit 'past': ")
    # The schema rejects the same file, before any Python runs.
    assert len(list(validator().iter_errors(tomllib.loads(BROKEN_STRUCTURE)))) >= 4


def test_definition_problems_are_reported_too_with_question_ids():
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(BROKEN_CHECK, format="toml", name="half-done.toml")
    error = info.value
    assert error.source == "half-done.toml"
    lines = [f.format("en") for f in error.findings]
    assert any(
        "sections[0].questions[0].max: section 'past', question 'rating'" in x for x in lines
    )
    assert any("question 'why'" in x and "missing in English" in x for x in lines)
    assert any("question 'why'" in x and "does not come before" in x for x in lines)
    # Valid shape, so the schema accepts it: cross-field rules are check()'s job.
    validator().validate(tomllib.loads(BROKEN_CHECK))
    # Drafts can still be loaded without the check.
    draft = mf.load_questionnaire(BROKEN_CHECK, format="toml", check=False)
    assert draft.has_errors()


@pytest.mark.parametrize(
    ("text", "fmt", "where"),
    [
        ('id = "x"\ntitle = = 3\n', "toml", "line 2"),
        ('{"id": "x",\n "title": }', "json", "line 2, column 11"),
    ],
)
def test_syntax_errors_name_the_line(text, fmt, where):
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(text, format=fmt, name=f"form.{fmt}")
    (finding,) = info.value.findings
    assert finding.code == f"load.{fmt}"
    assert where in finding.text("en")
    assert info.value.source == f"form.{fmt}"


@pytest.mark.parametrize(
    "data",
    [
        {"title": "Mangler id"},
        {"id": "x", "title": "T", "sections": [{"id": "s", "title": "S", "minutes": 1.5}]},
        {"id": "x", "title": {"da": 3}},
        {"id": "x", "title": "T", "kinds": ["SALARY"]},
        {
            "id": "x",
            "title": "T",
            "sections": [
                {"id": "s", "title": "S", "questions": [{"type": "scale", "id": "q", "max": "5"}]}
            ],
        },
        {
            "id": "x",
            "title": "T",
            "sections": [{"id": "s", "title": "S", "questions": [{"id": "q", "text": "no type"}]}],
        },
        {"id": "x", "title": "T", "schema_version": 99},
    ],
)
def test_broken_data_is_rejected_by_schema_and_loader(data):
    assert not validator().is_valid(data)
    with pytest.raises(LoadError):
        mf.load_questionnaire(json.dumps(data), format="json", check=False)


def test_file_names_and_text_are_told_apart(tmp_path, monkeypatch):
    q = mf.templates.load("evaluation")
    monkeypatch.chdir(tmp_path)
    mf.save_questionnaire(q, "evaluering.json")
    assert mf.load_questionnaire("evaluering.json") == q
    assert mf.load_questionnaire(pathlib.Path("evaluering.json")) == q
    text = mf.dump_questionnaire(q, "json")
    assert mf.load_questionnaire(text) == q  # JSON recognised by its opening brace
    assert mf.load_questionnaire(text.encode()) == q
    hinted = json.dumps({"$schema": "./questionnaire.schema.json", **json.loads(text)})
    assert mf.load_questionnaire(hinted) == q  # the editor hint is ignored
    validator().validate(json.loads(hinted))
    with pytest.raises(ValueError, match="format"):
        mf.load_questionnaire(pathlib.Path("evaluering.yaml"))


def test_writing_toml_without_the_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    with pytest.raises(MissingExtraError, match=r"musframework\[toml\]"):
        mf.dump_questionnaire(mf.templates.load("evaluation"), "toml")
    # Reading TOML needs only the standard library.
    assert mf.templates.load("evaluation").id == "evaluation"


def test_custom_question_type_is_described_by_the_schema():
    from tests.test_custom_question_type import TrafficLightQuestion, questionnaire

    mf.register_question_type(TrafficLightQuestion)
    try:
        schema = questionnaire_schema()
        assert "question.traffic_light" in schema["$defs"]
        jsonschema.validate(mf.to_dict(questionnaire()), schema)
        assert "traffic_light" not in json.dumps(questionnaire_schema(["text", "scale"]))
    finally:
        mf.unregister_question_type("traffic_light")


@settings(deadline=None)
@given(mst.questionnaires(max_sections=2, max_questions=3))
def test_generated_questionnaires_round_trip_through_toml_and_json_files(q):
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("toml", "json"):
            path = mf.save_questionnaire(q, pathlib.Path(tmp) / f"q.{fmt}")
            back = mf.load_questionnaire(path)
            assert back == q
            assert mf.dump_questionnaire(back, fmt) == path.read_text(encoding="utf-8")
    validator().validate(json.loads(mf.dump_questionnaire(q, "json")))
