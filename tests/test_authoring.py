"""The form author's tools: every problem at once with its line, minutes, the command line.

Issue 18: a form with the five mistakes an author makes (duplicate id, a condition on a missing
question, a scale whose minimum is above its maximum, an unknown question type, minutes that do
not add up to the declared duration) reports all five at once, with their lines, in Danish and
English, and ``python -m musframework check`` exits non-zero.
"""

import json
import os
import pathlib
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import given, settings

import musframework as mf
from musframework import cli
from musframework.errors import LoadError, RegistryError
from musframework.serialization.positions import PositionIndex, parse_path
from musframework.serialization.schema import questionnaire_schema
from musframework.testing import strategies as mst

FIVE_MISTAKES = """\
#:schema ./questionnaire.schema.json
id = "team-mus"
version = "1"
duration_minutes = 60
title.da = "Teamets MUS"
title.en = "The team's development conversation"

[[sections]]
id = "past"
minutes = 20
title.da = "Fortid"
title.en = "Past"

[[sections.questions]]
type = "scale"
id = "rating"
min = 6
max = 1
text.da = "Hvordan gik året?"
text.en = "How did the year go?"
labels = [
    { value = 1, label = { da = "Dårligt", en = "Badly" } },
    { value = 6, label = { da = "Godt", en = "Well" } },
]

[[sections.questions]]
type = "yes_no"
id = "rating"
text.da = "Nåede du dine mål?"
text.en = "Did you reach your goals?"

[[sections]]
id = "future"
minutes = 50
title.da = "Fremtid"
title.en = "Future"

[[sections.questions]]
type = "slider"
id = "energy"
text.da = "Hvor meget energi har du?"
text.en = "How much energy do you have?"

[[sections.questions]]
type = "text"
id = "why"
text.da = "Hvorfor?"
text.en = "Why?"
condition.comparisons = [{ question = "goals_met", operator = "equals", value = true }]
"""

# (line, column, code) of each mistake, in the order of the file.
EXPECTED = [
    (4, 1, "questionnaire.minutes"),
    (18, 1, "question.scale-range"),
    (28, 1, "questionnaire.duplicate-id"),
    (38, 1, "load.invalid-value"),
    (49, 28, "questionnaire.condition-unknown-question"),
]

VALID = """\
#:schema ./questionnaire.schema.json
id = "acme-mus"
version = "1"
duration_minutes = 30
title.da = "MUS hos Acme"
title.en = "Development conversation at Acme"

[[sections]]
id = "year"
minutes = 20
title.da = "Året"
title.en = "The year"

[[sections.questions]]
type = "scale"
id = "rating"
min = 1
max = 6
required = true
text.da = "Hvordan gik året?"
text.en = "How did the year go?"
labels = [
    { value = 1, label = { da = "Dårligt", en = "Badly" } },
    { value = 6, label = { da = "Godt", en = "Well" } },
]

[[sections.questions]]
type = "multiple_choice"
id = "methods"
text.da = "Hvordan vil du helst lære?"
text.en = "How do you prefer to learn?"
options = [
    { code = "course", label = { da = "Kursus", en = "Course" }, weight = 1.0 },
    { code = "mentor", label = { da = "Mentor", en = "Mentor" }, weight = 2.0 },
]

[[sections.questions]]
type = "yes_no"
id = "goals_met"
text.da = "Nåede du dine mål?"
text.en = "Did you reach your goals?"

[[sections.questions]]
type = "text"
id = "why_not"
text.da = "Hvad stod i vejen?"
text.en = "What stood in the way?"
condition.comparisons = [{ question = "goals_met", operator = "equals", value = false }]

[[sections]]
id = "next"
minutes = 10
title.da = "Næste år"
title.en = "Next year"

[[sections.questions]]
type = "date"
id = "follow_up"
text.da = "Hvornår følger vi op?"
text.en = "When do we follow up?"

[[sections.questions]]
type = "text"
id = "leader_notes"
answered_by = "leader"
text.da = "Lederens noter"
text.en = "The leader's notes"
"""


def _run(*args: str, cwd: pathlib.Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MUSFRAMEWORK_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "musframework", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def broken(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "form.toml"
    path.write_text(FIVE_MISTAKES, encoding="utf-8")
    return path


@pytest.fixture
def valid(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "acme.toml"
    path.write_text(VALID, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- every problem


def test_five_mistakes_give_five_findings_at_their_lines(broken):
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(broken)
    found = [(f.line, f.column, f.code) for f in info.value.findings]
    assert found == EXPECTED


def test_the_same_file_as_json_gives_the_same_findings_at_its_own_lines(tmp_path):
    import tomllib

    data = tomllib.loads(FIVE_MISTAKES)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path = tmp_path / "form.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(path)
    findings = info.value.findings
    assert [f.code for f in findings] == [code for _, _, code in EXPECTED]
    lines = text.splitlines()
    # Each finding points at the key its path ends in, or at the item it names.
    for finding in findings:
        last = parse_path(finding.path)[-1]
        line = lines[finding.line - 1]
        if isinstance(last, str):
            assert line[finding.column - 1 :].startswith(f'"{last}"')
        else:
            assert line[finding.column - 1 :] == "{"
            assert lines[finding.line].strip() == '"type": "slider",'


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["add up to 70 minutes", "past 20, future 50", "minimum (6)", "'slider'"]),
        ("da", ["tilsammen 70 minutter", "past 20, future 50", "minimum (6)", "'slider'"]),
    ],
)
def test_the_error_reads_like_a_compilers_in_both_languages(broken, locale, words):
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(broken)
    lines = info.value.text(locale).splitlines()
    assert len(lines) == 6  # the summary, then one line per mistake
    for (line, column, code), text in zip(EXPECTED, lines[1:], strict=True):
        assert text.startswith(f"{broken}:{line}:{column}: error {code}: ")
    for word in words:
        assert word in "\n".join(lines)


def test_one_finding_per_root_cause_a_reversed_scale_does_not_judge_its_labels():
    form = mf.Questionnaire(
        id="f",
        title={"da": "F", "en": "F"},
        sections=[
            mf.Section(
                id="s",
                title={"da": "S", "en": "S"},
                questions=[
                    mf.ScaleQuestion(
                        id="q",
                        text={"da": "Q", "en": "Q"},
                        min=6,
                        max=1,
                        labels=[
                            mf.ScalePoint(v, {"da": str(v), "en": str(v)}) for v in range(1, 7)
                        ],
                    )
                ],
            )
        ],
    )
    assert [f.code for f in form.check()] == ["question.scale-range"]


def test_an_unreadable_part_does_not_hide_the_others_nor_add_its_own_noise(tmp_path):
    text = FIVE_MISTAKES.replace('type = "slider"', 'type = "scale"\nmin = "low"')
    path = tmp_path / "form.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(path)
    codes = [f.code for f in info.value.findings]
    # The unreadable minimum is one finding; the other four mistakes are still found.
    assert codes.count("load.invalid-value") == 1
    assert set(codes) == {c for _, _, c in EXPECTED}
    bad = next(f for f in info.value.findings if f.code == "load.invalid-value")
    assert bad.path == "sections[1].questions[0].min"
    assert text.splitlines()[bad.line - 1] == 'min = "low"'


def test_a_question_that_cannot_be_read_still_counts_for_conditions_and_ids(tmp_path):
    text = FIVE_MISTAKES.replace('question = "goals_met"', 'question = "energy"')
    with pytest.raises(LoadError) as info:
        mf.load_questionnaire(text, format="toml", name="form.toml")
    codes = [f.code for f in info.value.findings]
    assert "questionnaire.condition-unknown-question" not in codes
    assert len(codes) == 4


def test_check_false_loads_a_draft_with_only_meaning_problems(tmp_path):
    draft = FIVE_MISTAKES.replace('type = "slider"', 'type = "scale"')
    form = mf.load_questionnaire(draft, format="toml", check=False)
    assert form.duration_minutes == 60
    codes = {f.code for f in form.check()}
    assert {"questionnaire.minutes", "question.scale-range", "questionnaire.duplicate-id"} <= codes


# --------------------------------------------------------------------------- minutes


def test_check_names_the_sections_when_the_minutes_do_not_add_up():
    base = mf.templates.load("mus-standard")
    form = mf.Questionnaire(id="x", title=base.title, sections=base.sections, duration_minutes=45)
    (finding,) = form.check()
    assert finding.code == "questionnaire.minutes"
    assert finding.path == "duration_minutes"
    text = finding.text("en")
    assert "add up to 60 minutes" in text and "45-minute" in text
    for section in base.sections:
        assert f"{section.id} {section.minutes}" in text
    assert (
        mf.Questionnaire(
            id="x", title=base.title, sections=base.sections, duration_minutes=60
        ).check()
        == []
    )


def test_a_duration_that_is_no_duration_is_one_finding():
    form = attrs_evolve(mf.templates.load("mus-standard"), duration_minutes=0)
    assert [f.code for f in form.check()] == ["questionnaire.duration"]


def attrs_evolve(obj, **changes):
    import attrs

    return attrs.evolve(obj, **changes)


def test_every_built_in_form_declares_its_duration_and_keeps_to_it():
    for name in mf.templates.names():
        form = mf.templates.load(name)
        assert form.duration_minutes == (form.total_minutes or None), name
        assert form.check() == []


# --------------------------------------------------------------------------- positions


def test_the_position_index_knows_tables_dotted_keys_and_inline_values():
    text = mf.templates.text("mus-scored")
    index = PositionIndex.of_toml(text)
    lines = text.splitlines()
    line, _ = index.find("sections[1].questions[0].id")
    assert lines[line - 1].startswith("id = ")
    line, column = index.find("sections[1].questions[0].labels[2].value")
    assert lines[line - 1][column - 1 :].startswith("value = 3")
    line, _ = index.find("sections[2].title")
    assert lines[line - 1].startswith("title.da")


def test_paths_with_quoted_keys_are_read():
    assert parse_path("answers['a b'].value") == ("answers", "a b", "value")
    assert parse_path("sections[2].questions[0]") == ("sections", 2, "questions", 0)


# --------------------------------------------------------------------------- command line


def test_check_exits_non_zero_and_prints_every_mistake_in_english_and_danish(broken):
    for lang, summary in (("en", "5 errors"), ("da", "5 fejl")):
        proc = _run("check", broken.name, cwd=broken.parent, lang=lang)
        assert proc.returncode == 1, proc.stderr
        lines = proc.stdout.splitlines()
        assert [line.split(": ", 2)[0:2] for line in lines[:5]] == [
            [f"form.toml:{ln}:{col}", f"error {code}"] for ln, col, code in EXPECTED
        ]
        assert lines[5] == f"form.toml: {summary}"


def test_check_with_json_output_gives_editors_every_position(broken, valid):
    proc = _run("check", "--format", "json", broken.name, valid.name, cwd=broken.parent)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    first, second = report["files"]
    assert first["ok"] is False
    assert [(f["line"], f["column"], f["code"]) for f in first["findings"]] == EXPECTED
    assert second == {"file": "acme.toml", "ok": True, "findings": []}


def test_check_passes_a_valid_form(valid):
    proc = _run("check", valid.name, cwd=valid.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "acme.toml: ok (acme-mus@1, 6 questions, 30 minutes)\n"


def test_preview_writes_the_blank_form_per_role_and_language(valid):
    for role, lang, present, absent in (
        ("employee", "en", "How did the year go?", "The leader's notes"),
        ("leader", "da", "Lederens noter", "How did the year go?"),
    ):
        out = valid.parent / f"{role}.html"
        proc = _run(
            "preview", valid.name, "--role", role, "--form-lang", lang, "-o", out.name,
            cwd=valid.parent,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        html = out.read_text(encoding="utf-8")
        assert present in html and absent not in html
        assert f'lang="{lang}"' in html


def test_export_to_surveyjs_and_to_json_that_the_schema_accepts(valid):
    proc = _run("export", valid.name, "--to", "surveyjs", cwd=valid.parent)
    assert proc.returncode == 0, proc.stderr
    survey = json.loads(proc.stdout)
    names = [e["name"] for page in survey["pages"] for e in page["elements"]]
    assert names == ["rating", "methods", "goals_met", "why_not", "follow_up", "leader_notes"]
    proc = _run("export", valid.name, "--to", "json", "-o", "acme.json", cwd=valid.parent)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((valid.parent / "acme.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(questionnaire_schema()).validate(data)
    assert mf.load_questionnaire(valid.parent / "acme.json") == mf.load_questionnaire(valid)


def test_gaps_lists_the_texts_without_a_translation_with_their_lines(tmp_path):
    text = VALID.replace('title.en = "The year"\n', "").replace(
        'text.en = "When do we follow up?"\n', ""
    )
    path = tmp_path / "draft.toml"
    path.write_text(text, encoding="utf-8")
    proc = _run("gaps", path.name, "--for", "en", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("draft.toml:11:1: info text.gap: no English text; in Danish: ")
    assert "Året" in lines[0]
    assert "Hvornår følger vi op?" in lines[1]
    assert lines[2] == "draft.toml: 2 texts lack English"
    clean = _run("gaps", path.name, "--for", "da", cwd=tmp_path)
    assert clean.returncode == 0 and "0 texts" in clean.stdout


def test_diff_says_what_an_old_response_keeps_and_loses(valid):
    new = valid.parent / "acme-2.toml"
    new.write_text(
        VALID.replace('version = "1"', 'version = "2"')
        .replace(
            '{ code = "course", label = { da = "Kursus", en = "Course" }, weight = 1.0 },\n', ""
        )
        .replace('type = "date"', 'type = "text"')
        .replace('id = "leader_notes"', 'id = "leader_notes_2"\nrequired = true'),
        encoding="utf-8",
    )
    proc = _run("diff", valid.name, new.name, cwd=valid.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "Responses to acme-mus@1 read with acme-mus@2:",
        "  methods: kept except the answers course (those options were removed)",
        "  follow_up: lost, its type changed from date to text",
        "  leader_notes: lost, the question was removed",
        "  leader_notes_2: new and required; old responses are therefore incomplete",
        "kept: 3, partly: 1, lost: 2, new: 1",
    ]
    data = json.loads(
        _run("diff", "--format", "json", valid.name, new.name, cwd=valid.parent).stdout
    )
    assert data["counts"] == {"kept": 3, "partly": 1, "lost": 2, "new": 1}
    # What the diff predicts is what check_response says of an old answer under the new form.
    old_form, new_form = mf.load_questionnaire(valid), mf.load_questionnaire(new)
    answer = old_form.new_response("employee", "ane", {"methods": ["course"], "rating": 5})
    moved = attrs_evolve(answer, questionnaire=new_form.ref)
    assert [f.code for f in new_form.check_response(moved)] == ["response.unknown-option"]


def test_copy_starts_from_a_built_in_with_the_schema_beside_it(tmp_path):
    proc = _run("copy", "mus-standard", "mine.toml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "mine.toml").read_text(encoding="utf-8")
    assert text.startswith("#:schema ./questionnaire.schema.json\n")
    schema = json.loads((tmp_path / "questionnaire.schema.json").read_text(encoding="utf-8"))
    assert schema == questionnaire_schema()
    again = _run("copy", "mus-standard", "mine.toml", cwd=tmp_path)
    assert again.returncode == 1 and "--force" in again.stdout
    assert _run("check", "mine.toml", cwd=tmp_path).returncode == 0


def test_a_wrong_command_line_exits_with_two_and_a_missing_file_with_one(
    tmp_path, monkeypatch, capsys
):
    # In the process (the subprocess tests above run the same main()): cheaper.
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check"]) == 2
    assert cli.main(["nonsense"]) == 2
    capsys.readouterr()
    assert cli.main(["--lang", "en", "preview", "nowhere.toml"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nowhere.toml" in err


def test_help_speaks_the_chosen_language(capsys):
    assert cli.main(["--lang", "da", "--help"]) == 0
    assert "Kontrollér skemafiler" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "--help"]) == 0
    assert "Check questionnaire files" in capsys.readouterr().out


def test_a_plugin_registers_and_unregisters_a_command(capsys):
    def run(args, out):
        out.write(f"verified {args.url}\n")
        return 3

    command = cli.Command(
        "verify",
        {"da": "Efterprøv lageret", "en": "Verify the store"},
        configure=lambda parser, locale: parser.add_argument("url"),
        run=run,
    )
    cli.register_command(command)
    try:
        assert "verify" in cli.command_names()
        cli.register_command(command)  # the same command again is no clash
        with pytest.raises(RegistryError):
            cli.register_command(attrs_evolve(command, run=lambda args, out: 0))
        assert cli.main(["verify", "sqlite:///x.db"]) == 3
        assert capsys.readouterr().out == "verified sqlite:///x.db\n"
    finally:
        assert cli.unregister_command("verify") is command
    assert "verify" not in cli.command_names()
    assert cli.main(["verify", "x"]) == 2


def test_the_built_in_commands_are_declared_as_entry_points():
    from importlib.metadata import entry_points

    declared = {ep.name: ep.load() for ep in entry_points(group="musframework.commands")}
    assert sorted(declared) == ["check", "copy", "diff", "export", "gaps", "preview", "schema"]
    assert all(cli.get_command(name) is command for name, command in declared.items())


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.append((*prefix, i))
            found.extend(_paths(value, (*prefix, i)))
    return found


@settings(max_examples=40, deadline=None)
@given(form=mst.questionnaires(max_sections=2, max_questions=3))
def test_every_key_and_item_of_a_written_file_has_its_own_position(form):
    data = mf.to_dict(form)
    for fmt in ("toml", "json"):
        text = mf.dump_questionnaire(form, fmt)
        index = PositionIndex.of_toml(text) if fmt == "toml" else PositionIndex.of_json(text)
        starts = [0]
        for line in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        for path in _paths(data):
            assert path in index.positions, (fmt, path)
            line, column = index.positions[path]
            rest = text[starts[line - 1] + column - 1 :]
            last = path[-1]
            if isinstance(last, str):
                # The key itself, quoted or bare, or the header of its table.
                assert rest.startswith((last, f'"{last}"', "[")), (fmt, path, rest[:40])
            else:
                assert rest[:1] not in ("", " ", ",", "]", "}"), (fmt, path, rest[:40])


@pytest.mark.parametrize(
    ("name", "text", "code", "line"),
    [
        ("form.toml", 'id = "x"\ntitle = \n', "load.toml", 2),
        ("form.json", '{\n  "id": "x",\n  "title": \n}\n', "load.json", 4),
    ],
)
def test_a_syntax_error_has_its_line_too(tmp_path, name, text, code, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc = _run("check", name, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{name}:{line}:")
    assert f"error {code}:" in proc.stdout.splitlines()[0]
