"""User text can never become live markup: script and HTML payloads through every text field."""

import attrs
import html5lib
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
from musframework.rendering.base import ISOLATED, clean_text, isolate
from tests.render_helpers import markdown_html, norm, strict_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</td></tr></table><b>bold</b><svg onload=alert(1)>",
    "[click](javascript:alert(1)) <a href='javascript:alert(1)'>x</a>",
    "<!-- hidden --> &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}",
    "*emph* __strong__ `code` # not a heading\n- not a list\n\n<iframe src=x></iframe>",
]
CLOCK = mf.FixedClock(pendulum.datetime(2026, 3, 1, 9, tz="Europe/Copenhagen"))
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "data"}
LIVE_TAGS = {"script", "img", "svg", "b", "a", "iframe", "code"}


def world(p: str):
    """Every document's objects with ``p`` in every text field (and many ids)."""
    t = {"da": p, "en": p}
    questionnaire = mf.Questionnaire(
        id="form",
        title=t,
        intro=t,
        sections=[
            mf.Section(
                id="s1",
                title=t,
                minutes=10,
                guidance=t,
                questions=[
                    mf.ScaleQuestion(id="rate", text=t, help=t, labels=[mf.ScalePoint(1, t)]),
                    mf.SingleChoiceQuestion(id="one", text=t, options=[mf.Option(p, t)]),
                    mf.MultipleChoiceQuestion(id="many", text=t, options=[mf.Option("o", t)]),
                    mf.TextQuestion(id="free", text=t, help=t, long=True),
                    mf.TextQuestion(id=p, text=t),
                    mf.YesNoQuestion(id="yn", text=t),
                    mf.NumberQuestion(id="num", text=t),
                    mf.DateQuestion(id="day", text=t),
                ],
            )
        ],
    )
    employee = questionnaire.new_response(
        "employee", "emp", {"rate": 1, "one": p, "many": ["o"], "free": p, p: p}
    )
    leader = questionnaire.new_response("leader", "boss", {"rate": 5, "free": p})
    start = pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen")
    agreement = mf.Agreement(
        id="a1", description=p, owner="emp", deadline=pendulum.date(2026, 3, 10)
    ).with_status("in_progress", by="boss", at=start, note=p)
    conversation = mf.Conversation(
        id="c1",
        kind="MUS",
        unit="u1",
        participants=[
            mf.Participant("emp", "employee"),
            mf.Participant("boss", "leader"),
            mf.Participant(p, "group_member"),
        ],
        scheduled_start=start,
        place=p,
        questionnaire=questionnaire.ref,
        responses=[employee, leader],
        agenda=[mf.AgendaItem(title=t, minutes=10)],
        notes=[mf.Note(author="emp", text=p)],
        conclusions=[p],
        goals=[p],
        practice_changes=[p],
        agreements=[agreement],
        status="signed",
        invitation=mf.Invitation(sent_at=start.subtract(days=10), sent_by="boss", message=p),
        follow_up_date=pendulum.date(2026, 9, 1),
        next_conversation_date=pendulum.date(2027, 3, 1),
        follow_up=mf.FollowUp(
            held_at=start.add(months=6),
            by="boss",
            note=p,
            entries=[mf.FollowUpEntry(agreement="a1", status="done", note=p)],
        ),
    )
    conversation = attrs.evolve(
        conversation,
        signatures=[
            mf.Signature(
                person="emp",
                role="employee",
                signed_at=start.add(days=1),
                digest=conversation.content_digest(),
            ),
            mf.Signature(person="boss", role="leader", signed_at=start.add(days=1), digest="0"),
        ],
    )
    plan = mf.DevelopmentPlan.from_conversation(conversation, "emp")
    organisation = mf.Organisation(
        people=[mf.Person(id="emp", name=p), mf.Person(id="boss", name=p)],
        units=[mf.OrgUnit(id="u1", name=p, leader="boss", members=["emp"])],
    )
    cycle = mf.Cycle(
        id="r1",
        name=p,
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 6, 30)),
        scope=["u1"],
    )
    jobs = [
        (questionnaire, "form", {"role": "employee"}),
        (questionnaire, "form", {"role": "leader"}),
        (employee, "response", {"questionnaire": questionnaire}),
        (plan, "plan", {}),
        (cycle, "report", {"conversations": [conversation]}),
    ]
    jobs += [
        (conversation, doc, {"questionnaire": questionnaire})
        for doc in ("invitation", "side_by_side", "plan", "follow_up")
    ]
    return jobs, organisation


def assert_inert(tree, payload):
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.endswith("}svg") and element.get("class") == "mf-chart-svg":
            continue  # the report's own chart; what is drawn inside it is checked below
        assert tag.split("}")[-1] not in LIVE_TAGS, f"live <{tag}> from {payload!r}"
        for name, value in element.attrib.items():
            assert not str(name).lower().startswith("on"), f"event handler {name} live"
            if str(name).lower() in URL_ATTRIBUTES:
                assert "javascript:" not in str(value).lower(), f"javascript: URL in {name}"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("locale", ["da", "en"])
def test_no_payload_is_live_in_html_or_markdown(payload, locale):
    jobs, organisation = world(payload)
    for obj, document, options in jobs:
        html = mf.render(obj, "html", locale, document, people=organisation, clock=CLOCK, **options)
        tree = strict_html(html)
        assert_inert(tree, payload)
        # the payload is shown as text, not dropped
        assert norm(payload) in norm(" ".join(tree.itertext())), (document, "html")

        markdown = mf.render(
            obj, "markdown", locale, document, people=organisation, clock=CLOCK, **options
        )
        md_tree = html5lib.parse(markdown_html(markdown), namespaceHTMLElements=False)
        assert_inert(md_tree, payload)
        assert norm(payload) in norm(" ".join(md_tree.itertext())), (document, "markdown")


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_notebook_views_escape_too(payload):
    jobs, _ = world(payload)
    for obj, _document, _options in jobs:
        fragment = obj._repr_html_()
        tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(fragment)
        assert_inert(tree, payload)
        md_tree = html5lib.parse(markdown_html(obj._repr_markdown_()), namespaceHTMLElements=False)
        assert_inert(md_tree, payload)


def test_ids_in_attributes_are_escaped():
    jobs, _ = world('"><script>x</script>')
    questionnaire = jobs[0][0]
    html = mf.render(questionnaire, "html")
    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


@given(
    st.text(
        alphabet=st.sampled_from(["\u2068", "\u2069", "a", "\r", "\n", "\x00", "\ufdd0", " "])
        | st.characters(),
        max_size=30,
    )
)
def test_cleaning_a_cleaned_text_changes_nothing(text):
    # Renderers clean a text where it is built and again where it is written: nested
    # isolate marks ("\u2068\u2068\u2069\u2069") must not lose one pair per pass.
    once = clean_text(text)
    assert clean_text(once) == once
    innermost_first, count = text, 1  # the oracle: drop innermost pairs until none is left
    while count:
        innermost_first, count = ISOLATED.subn(r"\1", innermost_first)
    assert once == clean_text(innermost_first)
    assert not ISOLATED.search(once)
    assert clean_text(isolate(text)) == once
