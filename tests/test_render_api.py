"""The render API: documents' content, choosing documents and renderers, registry, overrides."""

import ast
import io
import pathlib
import subprocess
import sys

import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import RegistryError
from musframework.rendering import (
    DocumentError,
    Names,
    RenderContext,
    Renderer,
    build_document,
    get_renderer,
    register_renderer,
    renderer_names,
    round_figures,
    unregister_renderer,
)
from musframework.rendering.html import HtmlRenderer
from musframework.rendering.markdown import MarkdownRenderer

from .helpers import at, mus, small_questionnaire
from .render_helpers import docx_text, markdown_text, norm, strict_html

CLOCK = mf.FixedClock(at(2026, 3, 1, 9))
PEOPLE = {"emp": "Ane Jensen", "boss": "Bo Hansen"}


def invited() -> mf.Conversation:
    return mus(
        place="Mødelokale 2",
        status="invited",
        agenda=[
            mf.AgendaItem(title={"da": "Velkomst", "en": "Welcome"}, minutes=5),
            mf.AgendaItem(title={"da": "Fremtiden", "en": "The future"}, minutes=55),
        ],
        invitation=mf.Invitation(
            sent_at=at(2026, 2, 17, 9),
            sent_by="boss",
            message="Vi ses i lokale 2",
            respond_by=pendulum.date(2026, 2, 27),
        ),
    )


def concluded() -> mf.Conversation:
    q = small_questionnaire()
    c = mus(
        status="concluded",
        responses=[
            q.new_response("employee", "emp", {"rating": 1, "why_low": "travlt", "hours": 37}),
            q.new_response("leader", "boss", {"rating": 4, "hours": 36}),
        ],
        goals=["Lære Python"],
        agreements=[
            mf.Agreement(
                id="a1",
                description="Kursus i Python",
                owner="emp",
                deadline=pendulum.date(2026, 6, 1),
                learning_method=mf.LearningMethod.COURSE,
            ),
            mf.Agreement(
                id="a2",
                description="Sidemandsoplæring",
                owner="boss",
                deadline=pendulum.date(2026, 2, 1),
                learning_method=mf.LearningMethod.ON_THE_JOB_TRAINING,
            ),
        ],
        follow_up_date=pendulum.date(2026, 9, 3),
        next_conversation_date=pendulum.date(2027, 3, 3),
    )
    good = mf.Signature(
        person="emp", role="employee", signed_at=at(2026, 3, 4, 12), digest=c.content_digest()
    )
    stale = mf.Signature(person="boss", role="leader", signed_at=at(2026, 3, 4, 13), digest="0")
    return attrs.evolve(c, signatures=[good, stale])


# ------------------------------------------------------------------ documents


def test_invitation_in_danish_words():
    text = mf.render(invited(), "text", people=PEOPLE, clock=CLOCK)
    flat = norm(text)
    assert "Invitation til MUS-samtale" in flat
    assert "Hvornår: tirsdag d. 3. marts 2026 kl. 10.00" in flat
    assert "Hvor: Mødelokale 2" in flat
    assert "Varighed: 60 minutter" in flat
    assert "Ane Jensen (medarbejder), Bo Hansen (leder)" in flat
    assert "ikke en lønsamtale" in flat
    assert "Velkomst Varighed: 5 minutter" in flat
    assert "Send skemaet senest: fredag d. 27. februar 2026" in flat
    assert "Vi ses i lokale 2" in flat


def test_invitation_in_english_words():
    flat = norm(mf.render(invited(), "text", "en", people=PEOPLE, clock=CLOCK))
    assert "When: Tuesday 3 March 2026 at 10:00" in flat
    assert "The future" in flat
    assert "not a salary negotiation" in flat
    assert "Return the form by: Friday 27 February 2026" in flat


def test_locale_is_never_set_process_wide():
    before = pendulum.get_locale()
    mf.render(invited(), "text", "da")
    assert pendulum.get_locale() == before


def test_blank_form_has_the_right_inputs():
    q = small_questionnaire()
    tree = strict_html(mf.render(q, "html", "en", role="employee"))
    inputs = tree.findall(".//input")
    radios = [i for i in inputs if i.get("type") == "radio"]
    checkboxes = [i for i in inputs if i.get("type") == "checkbox"]
    assert len(radios) == 5 + 2  # the 1-5 scale and the single choice
    assert len(checkboxes) == 2  # the multiple choice
    assert [i.get("type") for i in inputs if i.get("type") in ("number", "date")] == [
        "number",
        "date",
    ]
    text = norm(" ".join(tree.itertext()))
    assert "Past (10 minutes)" in text and "Future (30 minutes)" in text
    assert "Choose at most 1" in text
    assert "OK?" not in text  # asked of the leader only
    leader = norm(" ".join(strict_html(mf.render(q, "html", "en", role="leader")).itertext()))
    assert "OK?" in leader and "Focus" not in leader


def test_side_by_side_highlights_large_gaps():
    q = small_questionnaire()
    tree = strict_html(
        mf.render(concluded(), "html", "en", "side_by_side", questionnaire=q, people=PEOPLE)
    )
    rows = {
        norm(" ".join(tr.itertext())): tr.get("class")
        for tr in tree.iter("tr")
        if tr.find("td") is not None
    }
    assert rows["How did it go? 1 4 3"] == "mf-highlight"
    assert rows["Hours 37 36"] is None  # not a scale: no gap
    header = norm(" ".join(tree.find(".//thead").itertext()))
    assert header == "Question Ane Jensen (employee) Bo Hansen (leader) Gap"
    # a narrower gap is not highlighted; the threshold can be set
    calm = mf.render(concluded(), "text", "en", "side_by_side", questionnaire=q, gap_threshold=4)
    assert "! How did it go?" not in calm and "* How did it go?" in calm


def test_plan_shows_agreements_and_signature_validity():
    text = norm(mf.render(concluded(), "text", "da", "plan", people=PEOPLE, clock=CLOCK))
    assert "Udviklingsplan for Ane Jensen" in text
    assert "Kursus i Python Ansvarlig: Ane Jensen Frist: 1. juni 2026 Status: åben" in text
    assert "Læringsform: sidemandsoplæring" in text
    assert "Opfølgning: 3. september 2026" in text
    assert "Næste samtale: 3. marts 2027" in text
    assert "Ane Jensen Rolle: medarbejder Underskrevet: onsdag d. 4. marts 2026 kl. 12.00" in text
    # Without a signer a signature on the current content cannot be called valid.
    assert "Gyldighed: ikke efterprøvet: intet bevis eller ingen nøgle" in text
    assert "Gyldighed: ugyldig: indholdet er ændret efter underskriften" in text
    assert "Gyldighed: gyldig" not in text


def test_development_plan_object_renders_like_the_conversation():
    plan = mf.DevelopmentPlan.from_conversation(concluded())
    en = norm(mf.render(plan, "markdown", "en", people=PEOPLE))
    assert "Development plan for Ane Jensen" in markdown_text(
        mf.render(plan, "markdown", "en", people=PEOPLE)
    )
    assert "Kursus i Python" in en and "on-the-job training" in en


def test_follow_up_status_shows_notes_and_overdue():
    c = concluded()
    c = attrs.evolve(
        c,
        status="followed_up",
        follow_up=mf.FollowUp(
            held_at=at(2026, 9, 3, 10),
            by="boss",
            entries=[mf.FollowUpEntry(agreement="a1", status="done", note="Bestået")],
            note="Godt arbejde",
        ),
    )
    out = mf.render(c, "html", "en", people=PEOPLE, on=pendulum.date(2026, 9, 3))
    tree = strict_html(out)
    assert tree.find(".//h1").text == "Follow-up status"
    rows = [tr for tr in tree.iter("tr") if tr.find("td") is not None]
    cells = [[norm(td.text or "") for td in tr.findall("td")] for tr in rows]
    assert cells[0][:5] == ["Kursus i Python", "Ane Jensen", "1 June 2026", "done", "Bestået"]
    assert rows[1].get("class") == "mf-highlight"  # a2 is open and past its deadline
    assert "Godt arbejde" in out


def test_round_report_figures_and_document():
    org = mf.Organisation(
        people=[mf.Person(id=i, name=i.upper()) for i in ("boss", "emp", "e2", "e3", "e4")],
        units=[
            mf.OrgUnit(id="top", name="Direktion", leader="boss", members=["e4"]),
            mf.OrgUnit(
                id="it", name="IT", leader="boss", members=["emp", "e2", "e3"], parent="top"
            ),
        ],
    )
    cycle = mf.Cycle(
        id="r",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 6, 30)),
        scope=["top"],
    )
    c1 = attrs.evolve(concluded(), unit="it", cycle="r")
    c2 = mus(
        id="c2",
        cycle="r",
        participants=[mf.Participant("e2", "employee"), mf.Participant("boss", "leader")],
        status="cancelled",
        agreements=[mf.Agreement(id="z", description="Z", deadline=pendulum.date(2026, 1, 1))],
    )
    c3 = mus(
        id="c3",
        cycle="r",
        participants=[mf.Participant("e4", "employee"), mf.Participant("boss", "leader")],
        status="planned",
    )
    on = pendulum.date(2026, 5, 15)
    figures = round_figures(cycle, [c1, c2, c3], Names(org), on=on)
    by_unit = {u.unit: u for u in figures.units}
    # c2 has no unit of its own: it is e2's unit (the round facts' unit of a conversation).
    assert by_unit["it"].by_status == {
        mf.ConversationStatus.CONCLUDED: 1,
        mf.ConversationStatus.CANCELLED: 1,
    }
    assert (by_unit["it"].in_scope, by_unit["it"].covered) == (3, 1)
    # The boss leads the top unit and has nobody above: not in scope. e4's MUS is only
    # planned; e2's is cancelled; e3 has none.
    assert (figures.in_scope, figures.covered) == (4, 1)
    assert {p.person: p.state.value for p in figures.people} == {
        "e4": "planned",
        "emp": "covered",
        "e2": "cancelled",
        "e3": "missing",
    }
    # The cancelled conversation's agreement was never agreed: it is not overdue.
    assert [a.id for _, a in figures.overdue] == ["a2"]
    assert [a.id for _, a in figures.upcoming] == ["a1"]
    text = norm(mf.render(cycle, "text", "en", conversations=[c1, c2, c3], people=org, on=on))
    assert (
        "1 of 4 people in the round have held their conversation (25 %); 1 have one planned, "
        "1 only cancelled ones and 1 none."
    ) in text
    assert "! IT In the round: 3 Covered: 1 Planned: 0 Only cancelled: 1 Missing: 1" in text
    no_org = norm(mf.render(cycle, "text", "en", conversations=[c1, c2, c3], on=on))
    assert "Coverage needs the organisation (people=)." in no_org
    tree = strict_html(
        mf.render(cycle, "html", "da", conversations=[c1, c2, c3], people=org, on=on)
    )
    overdue = tree.find(".//table[@class='mf-overdue']")
    assert "Sidemandsoplæring" in norm(" ".join(overdue.itertext()))


def test_response_document_and_names_sources():
    q = small_questionnaire()
    r = q.new_response("employee", "emp", {"rating": 4, "focus": "tasks"})
    for people in (
        PEOPLE,
        [mf.Person(id="emp", name="Ane Jensen")],
        mf.Organisation(people=[mf.Person(id="emp", name="Ane Jensen")]),
    ):
        text = norm(mf.render(r, "text", "en", questionnaire=q, people=people))
        assert "Answered by: Ane Jensen (employee)" in text
        assert "How did it go? Answer: 4" in text and "Focus Answer: Tasks" in text
    assert "Answered by: emp (employee)" in norm(mf.render(r, "text", "en"))  # unknown id


# ------------------------------------------------------------------ choosing documents and formats


@pytest.mark.parametrize(
    ("status", "title"),
    [
        ("planned", "Invitation to development conversation (MUS) on 3 March 2026"),
        ("invited", "Invitation to development conversation (MUS) on 3 March 2026"),
        ("prepared", "Preparation side by side"),
        ("held", "Preparation side by side"),
        ("concluded", "Development plan for emp – development conversation (MUS) on 3 March 2026"),
        ("signed", "Development plan for emp – development conversation (MUS) on 3 March 2026"),
        ("followed_up", "Follow-up status"),
    ],
)
def test_a_conversation_becomes_the_document_its_status_calls_for(status, title):
    out = mf.render(mus(status=status), "text", "en")
    assert out.splitlines()[0] == title


def test_asking_for_a_document_that_does_not_fit_raises():
    with pytest.raises(DocumentError, match="made from"):
        mf.render(small_questionnaire(), "html", document="plan")
    with pytest.raises(DocumentError, match="docx renderer makes"):
        mf.render(invited(), "docx", document="invitation")
    with pytest.raises(DocumentError, match="cannot render a Person"):
        mf.render(mf.Person(id="p", name="P"), "html")
    with pytest.raises(RegistryError, match="unknown renderer 'rtf'"):
        mf.render(invited(), "rtf")


def test_a_conversation_in_word_is_its_plan():
    data = mf.render(concluded(), "docx", "en", people=PEOPLE)
    assert "Development plan for Ane Jensen" in docx_text(data)


def test_render_to_chooses_by_extension(tmp_path):
    c = concluded()
    written = {}
    for name in ("plan.html", "plan.md", "plan.txt", "plan.docx", "plan.ics"):
        path = mf.render_to(tmp_path / name, c, people=PEOPLE, clock=CLOCK)
        written[name] = path.read_bytes()
    assert written["plan.html"].startswith(b"<!DOCTYPE html>")
    assert written["plan.md"].startswith(b"# Udviklingsplan")
    assert written["plan.txt"].startswith(b"Udviklingsplan")
    assert written["plan.docx"][:2] == b"PK"
    assert written["plan.ics"].startswith(b"BEGIN:VCALENDAR")
    with pytest.raises(RegistryError, match=r"no renderer writes '\.rtf'"):
        mf.render_to(tmp_path / "plan.rtf", c)
    path = mf.render_to(tmp_path / "plan.out", c, format="markdown")
    assert path.read_text(encoding="utf-8").startswith("# ")


# ------------------------------------------------------------------ registry and custom renderers


class CsvRenderer:
    """A third-party renderer: agreements as CSV."""

    name = "csv"
    media_type = "text/csv"
    extension = ".csv"
    documents = ("agreements",)

    def __init__(self, delimiter: str = ";") -> None:
        self.delimiter = delimiter

    def __call__(self, obj, context: RenderContext) -> str:
        import csv

        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\n")
        writer.writerow(["what", "owner", "deadline"])
        for a in obj.agreements:
            writer.writerow([a.description, context.names.name(a.owner), a.deadline])
        return out.getvalue()


def test_builtins_are_registered_through_entry_points():
    assert {"docx", "html", "ics", "markdown", "text"} <= set(renderer_names())
    for name in ("docx", "html", "ics", "markdown", "text"):
        renderer = get_renderer(name)
        assert isinstance(renderer, Renderer)
        assert renderer.name == name and renderer.extension.startswith(".")


def test_custom_renderer_registered_and_used_via_render_to(tmp_path):
    register_renderer("csv", CsvRenderer())
    try:
        assert "csv" in renderer_names()
        with pytest.raises(RegistryError, match="already registered"):
            register_renderer("csv", CsvRenderer())
        path = mf.render_to(tmp_path / "aftaler.csv", concluded(), people=PEOPLE)
        assert path.read_text(encoding="utf-8").splitlines() == [
            "what;owner;deadline",
            "Kursus i Python;Ane Jensen;2026-06-01",
            "Sidemandsoplæring;Bo Hansen;2026-02-01",
        ]
    finally:
        unregister_renderer("csv")
    assert "csv" not in renderer_names()
    with pytest.raises(RegistryError):
        mf.render_to(tmp_path / "again.csv", concluded())


def test_a_renderer_class_is_instantiated_once():
    register_renderer("csv2", CsvRenderer)
    try:
        assert get_renderer("csv2") is get_renderer("csv2")
    finally:
        unregister_renderer("csv2")


# ------------------------------------------------------------------ template overrides


def test_template_override_changes_the_look_and_keeps_escaping(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "base.html.j2").write_text(
        '{% extends "html/document.html.j2" %}'  # never used: document extends base
    )
    (tmp_path / "html" / "base.html.j2").write_text(
        '<!DOCTYPE html>\n<html lang="{{ lang }}"><head><meta charset="utf-8">'
        "<title>{{ document.title }}</title><style>body { color: #003366; }</style></head>"
        "<body><header>Aarhus Kommune</header>{% block content %}{% endblock %}</body></html>\n"
    )
    branded = HtmlRenderer(template_dirs=[tmp_path])
    register_renderer("branded", branded)
    try:
        c = attrs.evolve(concluded(), goals=["<script>x()</script>"])
        out = mf.render(c, "branded", people=PEOPLE)
    finally:
        unregister_renderer("branded")
    tree = strict_html(out)
    assert tree.find(".//header").text == "Aarhus Kommune"
    assert "color: #003366" in out
    assert "Kursus i Python" in out  # the package's document template still fills the page
    assert "<script>x()" not in out and "&lt;script&gt;x()" in out


def test_one_document_template_can_be_replaced(tmp_path):
    (tmp_path / "markdown").mkdir()
    (tmp_path / "markdown" / "plan.md.j2").write_text(
        "Plan: {{ document.title }}\n{% for b in document.blocks if b.kind == 'table' and b.role == 'agreements' %}"
        "{% for row in b.rows %}* {{ row.cells[0] }}\n{% endfor %}{% endfor %}"
    )
    renderer = MarkdownRenderer(template_dirs=[tmp_path])
    context = RenderContext(document="plan", on=CLOCK.now().date(), now=CLOCK.now())
    c = attrs.evolve(concluded(), agreements=[mf.Agreement(id="x", description="*vigtig*")])
    assert (
        renderer(c, context)
        == "Plan: Udviklingsplan for emp – MUS-samtale den 3. marts 2026\n* \\*vigtig\\*\n"
    )
    # the other documents keep the package's templates
    context = attrs.evolve(context, document="invitation")
    assert renderer(c, context).startswith("# Invitation til MUS-samtale")


def test_html_is_self_contained_with_a4_print_css():
    out = mf.render(concluded(), "html")
    tree = strict_html(out)
    assert tree.find(".//link") is None and tree.find(".//script") is None
    assert not [e for e in tree.iter() if e.get("src") or e.get("href")]
    assert "@page { size: A4" in out and "@media print" in out


# ------------------------------------------------------------------ Word and calendar details


def test_word_form_is_a4_with_boxes_and_lines():
    import docx

    data = mf.render(small_questionnaire(), "docx", "en")
    word = docx.Document(io.BytesIO(data))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text = docx_text(data)
    assert "☐ Skills" in text and "☐ Course" in text
    assert "_" * 70 in text
    assert word.core_properties.title == "Demo"


def test_calendar_round_trip_of_one_conversation():
    import icalendar

    org = mf.Organisation(
        people=[
            mf.Person(id="emp", name="Ane", email="ane@example.dk"),
            mf.Person(id="boss", name="Bo", email="bo@example.dk"),
        ]
    )
    c = attrs.evolve(invited(), follow_up_date=pendulum.date(2026, 9, 3))
    cal = icalendar.Calendar.from_ical(mf.render(c, "ics", people=org, clock=CLOCK))
    (event, follow) = cal.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:bo@example.dk"
    assert event["ORGANIZER"].params["CN"] == "Bo"
    assert str(event["ATTENDEE"]) == "mailto:ane@example.dk"
    assert str(event["LOCATION"]) == "Mødelokale 2"
    assert "Velkomst (5 min.)" in str(event["DESCRIPTION"])
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -pendulum.duration(days=1)
    assert follow.decoded("DTSTART") == pendulum.date(2026, 9, 3)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"


# ------------------------------------------------------------------ notebooks


def test_models_show_themselves_in_notebooks():
    q = small_questionnaire()
    r = q.new_response("employee", "emp", {"rating": 4})
    cycle = mf.Cycle(
        id="r",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 2, 1)),
    )
    plan = mf.DevelopmentPlan.from_conversation(concluded())
    for obj in (q, r, concluded(), plan, cycle):
        fragment = obj._repr_html_()
        assert fragment.startswith('<div class="mf-doc')
        assert obj._repr_markdown_().startswith("# ")


def test_model_modules_do_not_import_render_at_import_time():
    model = pathlib.Path(mf.__file__).parent / "model"
    for path in model.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: the display mixin imports inside methods
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("musframework.rendering"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("musframework.rendering") for a in node.names), (
                    path
                )


def test_without_jinja2_notebook_html_falls_back_and_markdown_too():
    code = (
        "import sys; sys.modules['jinja2'] = None\n"
        "import musframework as mf\n"
        "from musframework.errors import MissingExtraError\n"
        "q = mf.Questionnaire(id='q', title='T')\n"
        "print(q._repr_html_(), q._repr_markdown_())\n"
        "try:\n"
        "    mf.render(q, 'html')\n"
        "except MissingExtraError as e:\n"
        "    print(e)\n"
        "print(mf.render(q, 'text').splitlines()[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "None None",
        "HTML and Markdown rendering needs an optional dependency: pip install 'musframework[html]'",
        "T",
    ]


def test_build_document_is_the_shared_layout():
    context = RenderContext(document="form", locale="en", on=CLOCK.now().date(), now=CLOCK.now())
    document = build_document(small_questionnaire(), context)
    assert document.name == "form" and document.title == "Demo"
    assert "How did it go?" in list(document.strings())


def test_development_plan_calendar_has_follow_up_next_and_deadlines():
    import icalendar

    plan = mf.DevelopmentPlan.from_conversation(concluded())
    cal = icalendar.Calendar.from_ical(mf.render(plan, "ics", "en", people=PEOPLE, clock=CLOCK))
    items = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(items) == {
        "c1.follow-up@musframework",
        "c1.next.emp@musframework",
        "c1.deadline.a1@musframework",
        "c1.deadline.a2@musframework",
    }
    assert str(items["c1.next.emp@musframework"]["SUMMARY"]) == "Next conversation: Ane Jensen"
    assert items["c1.deadline.a1@musframework"].decoded("DTSTART") == pendulum.date(2026, 6, 1)
    assert str(cal["X-WR-CALNAME"]) == "Development plan for Ane Jensen"


def test_builtin_fallback_matches_the_declared_entry_points():
    import tomllib

    from musframework.rendering import _BUILTINS

    pyproject = pathlib.Path(__file__).parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["entry-points"]
    assert declared["musframework.renderers"] == _BUILTINS


def test_a_builtin_can_be_unregistered_and_replaced():
    original = unregister_renderer("text")
    try:
        assert "text" not in renderer_names()
        with pytest.raises(RegistryError):
            mf.render(invited(), "text")
        register_renderer("text", original)
        assert mf.render(invited(), "text").startswith("Invitation")
    finally:
        register_renderer("text", original, replace=True)


def test_notebook_display_is_a_hook_that_can_be_replaced_and_removed():
    from musframework.model import display

    q = small_questionnaire()
    assert display.display_hook_names() == ["html", "markdown"]
    builtin = display.display_hook("html")
    display.register_display_hook("html", lambda obj: f"<b>{obj.id}</b>", replace=True)
    try:
        assert q._repr_html_() == f"<b>{q.id}</b>"
        with pytest.raises(mf.errors.RegistryError, match="already registered"):
            display.register_display_hook("html", builtin)
    finally:
        display.register_display_hook("html", builtin, replace=True)
    assert q._repr_html_().startswith('<div class="mf-doc')
    removed = display.unregister_display_hook("markdown")
    try:
        assert q._repr_markdown_() is None  # IPython falls back to the plain repr
        assert display.display_hook("markdown") is None
    finally:
        display.register_display_hook("markdown", removed)
    assert q._repr_markdown_().startswith("# ")


def test_the_model_shows_itself_without_importing_rendering_first():
    code = (
        "import sys\n"
        "from musframework.model import Questionnaire\n"
        "assert 'musframework.rendering' not in sys.modules\n"
        "q = Questionnaire(id='q', title='T')\n"
        "print(q._repr_html_().startswith('<div'), 'musframework.rendering' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
