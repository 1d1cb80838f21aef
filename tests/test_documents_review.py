"""The documents as an HR consultant, an employee and a leader read them (issue 21).

One test (or a few) per line of the review checklist in docs/rendering.md ("Review
checklist"): the forms' voice lives in tests/test_templates.py, the browser checks in
tests/test_render_browser.py, the PDF in tests/test_render_pdf.py; everything else is here.
"""

from __future__ import annotations

import itertools

import attrs

import musframework as mf
from musframework.rendering import build_document, file_stem
from musframework.rendering.base import RenderContext
from musframework.rendering.blocks import Facts
from musframework.testing.sample import sample_round
from tests.render_helpers import text_of

ROUND = sample_round(seed=21, people=30)
ORG = ROUND.organisation
NOW = ROUND.clock.now()


def _of(kind, *statuses):
    return [
        c for c in ROUND.conversations if c.kind is kind and (not statuses or c.status in statuses)
    ]


SIGNED = (mf.ConversationStatus.SIGNED, mf.ConversationStatus.CONCLUDED)


def _doc(obj, document, locale="da"):
    ctx = RenderContext(
        document=document,
        locale=locale,
        names=ORG,
        conversations=ROUND.conversations,
        on=ROUND.on,
        now=NOW,
    )
    return build_document(obj, ctx)


def _facts(doc):
    return dict(item for b in doc.blocks if isinstance(b, Facts) for item in b.items)


# ------------------------------------------------------------------ 2. where a plan comes from


def test_a_group_members_two_plans_name_their_conversation_in_title_and_header():
    grus = _of(mf.ConversationKind.GRUS, *SIGNED)[0]
    member = grus.developed[0]
    mus = next(c for c in ROUND.conversations if c.kind is mf.ConversationKind.MUS)
    mus = attrs.evolve(
        mus,
        participants=[mf.Participant(member, "employee"), mf.Participant(grus.leader, "leader")],
        status="signed",
        held_at=grus.held_at.add(days=20),
    )
    plans = [mf.DevelopmentPlan.from_conversation(c, member) for c in (grus, mus)]
    docs = [_doc(p, "plan") for p in plans]
    titles = [d.title for d in docs]
    assert len(set(titles)) == 2
    name = ORG.person(member).name
    for doc, plan, kind in zip(docs, plans, ("GRUS-samtale", "MUS-samtale"), strict=True):
        day = mf.catalogue.format_date(plan.conversation_date, "da")
        assert doc.title == f"Udviklingsplan for {name} – {kind} den {day}"
        assert _facts(doc)["Samtale"] == f"{kind} den {day}"
    english = _doc(plans[0], "plan", "en")
    assert "group development conversation (GRUS) on" in english.title
    assert _facts(docs[0])["Gruppemedlem"] == name


def test_a_lus_plan_labels_the_leader_and_the_leaders_leader():
    lus = _of(mf.ConversationKind.LUS, *SIGNED)[0]
    for obj in (lus, mf.DevelopmentPlan.from_conversation(lus)):
        doc = _doc(obj, "plan")
        facts = _facts(doc)
        assert facts["Leder"] == ORG.person(lus.employee).name
        assert facts["Leders leder"] == ORG.person(lus.leader).name
        assert "Medarbejder" not in facts
        signatures = next(b for b in doc.blocks if getattr(b, "role", "") == "signatures")
        assert {row.cells[1] for row in signatures.rows} <= {"leder", "leders leder"}
        assert "Leader's leader" in _facts(_doc(obj, "plan", "en"))


def test_the_conclusions_belong_to_the_plan():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    c = attrs.evolve(c, conclusions=["Mere ansvar for planlægningen", "Ny rolle i teamet"])
    plan = mf.DevelopmentPlan.from_conversation(c)
    assert plan.conclusions == c.conclusions
    assert plan.kind is mf.ConversationKind.MUS
    assert plan.conversation_date == c.held_at.date()
    assert mf.loads(mf.dumps(plan), mf.DevelopmentPlan) == plan
    text = text_of("html", mf.render(plan, "html", people=ORG))
    assert "Konklusioner Mere ansvar for planlægningen Ny rolle i teamet" in text


def test_file_names_are_unique_readable_and_name_the_person_once():
    stems = []
    for c in ROUND.conversations:
        if c.status not in SIGNED:
            continue
        for person in c.developed:
            plan = mf.DevelopmentPlan.from_conversation(c, person)
            stem = file_stem(plan, people=ORG)
            stems.append(stem)
            assert stem.count(person) == 1, stem
            assert stem.startswith(f"udviklingsplan-{c.kind.value.lower()}-")
            assert plan.conversation_date.isoformat() in stem
            assert stem.isascii() and " " not in stem
    assert len(stems) == len(set(stems)) > 20
    mus = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    person = ORG.person(mus.employee)
    stem = file_stem(mus, "invitation", people=ORG)
    assert stem.startswith("invitation-mus-") and stem.endswith(f"-{person.id}")
    assert file_stem(ROUND.cycle, people=ORG) == "rapport-" + ROUND.cycle.id.lower()
    assert file_stem(ROUND.cycle, locale="en").startswith("report-")
    folded = file_stem(
        mf.DevelopmentPlan(conversation="c", person="p1", leader=None),
        people={"p1": "Søren Ærø Ågård"},
    )
    assert folded == "udviklingsplan-c-soeren-aeroe-aagaard-p1"


# ------------------------------------------------------------------ 4. calendars, invitations


def _calendar(conversations, clock, locale="da"):
    return mf.render(
        ROUND.cycle, "ics", locale, conversations=conversations, people=ORG, clock=clock
    )


def _events(data):
    import icalendar

    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _cancelled_round():
    out = []
    for i, c in enumerate(ROUND.conversations):
        if i % 5 == 0 and c.kind is mf.ConversationKind.MUS and c.follow_up_date is not None:
            c = attrs.evolve(c, status="cancelled", cancelled_reason="Sygdom")
        out.append(c)
    return out


def test_a_cancelled_conversation_has_no_alarm_and_no_follow_up():
    conversations = _cancelled_round()
    cancelled = {c.id for c in conversations if c.status is mf.ConversationStatus.CANCELLED}
    assert cancelled
    events = _events(_calendar(conversations, ROUND.clock))
    by_uid = {str(e["UID"]): e for e in events}
    for cid in cancelled:
        event = by_uid[mf.rendering.ics.uid(cid)]
        assert str(event["STATUS"]) == "CANCELLED"
        assert list(event.walk("VALARM")) == []
        assert not any(u.startswith(cid + ".") for u in by_uid), cid  # no follow-up, deadlines
    held = next(e for e in events if str(e.get("STATUS")) == "CONFIRMED")
    assert list(held.walk("VALARM"))


def test_the_same_round_and_clock_give_the_same_bytes():
    first = _calendar(ROUND.conversations, ROUND.clock)
    again = _calendar(ROUND.conversations, ROUND.clock)
    assert first == again
    stamps = {str(e.decoded("DTSTAMP")) for e in _events(first)}
    assert stamps == {str(NOW.in_tz("UTC"))}
    later = mf.FixedClock(NOW.add(days=1))
    assert _calendar(ROUND.conversations, later) != first


def test_calendar_titles_are_cut_at_a_word_and_keep_the_whole_text_inside():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    long = "Sidemandsoplæring i det nye sagssystem " * 250  # 10,000 characters
    a = attrs.evolve(c.agreements[0], description=long.strip(), status="open")
    c = attrs.evolve(c, agreements=[a, *c.agreements[1:]])
    data = mf.render(c, "ics", people=ORG, clock=ROUND.clock)
    deadline = next(e for e in _events(data) if ".deadline." in str(e["UID"]))
    title = str(deadline["SUMMARY"])
    assert len(title) <= mf.rendering.ics.SUMMARY_LIMIT
    assert title.endswith("…") and title.startswith("Frist: Sidemandsoplæring i det nye")
    assert title[:-1].split()[-1] in long.split()  # a whole word before the ellipsis
    assert long.strip() in str(deadline["DESCRIPTION"])
    grus = _of(mf.ConversationKind.GRUS)[0]
    event = _events(mf.render(grus, "ics", people=ORG, clock=ROUND.clock))[0]
    assert str(event["SUMMARY"]) == f"GRUS-samtale: {ORG.unit(grus.unit).name}"


def test_a_danish_calendar_has_no_english_and_no_empty_agenda():
    data = _calendar(ROUND.conversations, ROUND.clock).decode()
    assert "COMMENT" not in data and "This timezone" not in data
    assert "BEGIN:VTIMEZONE" in data
    no_agenda = attrs.evolve(_of(mf.ConversationKind.MUS)[0], agenda=())
    event = _events(mf.render(no_agenda, "ics", people=ORG, clock=ROUND.clock))[0]
    assert "Dagsorden" not in str(event["DESCRIPTION"])
    with_agenda = attrs.evolve(
        no_agenda,
        agenda=[mf.AgendaItem(title={"da": "Tilbageblik", "en": "Looking back"}, minutes=10)],
    )
    event = _events(mf.render(with_agenda, "ics", people=ORG, clock=ROUND.clock))[0]
    assert "Dagsorden:\n- Tilbageblik (10 min.)" in str(event["DESCRIPTION"])


def test_an_invitation_says_the_form_is_attached_once():
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.INVITED)[0]
    sentence = "Forberedelsesskemaet er vedlagt."
    for message in ("Velkommen til årets samtale. " + sentence, "Velkommen til årets samtale."):
        invited = attrs.evolve(c, invitation=attrs.evolve(c.invitation, message=message))
        for fmt in ("html", "text", "markdown"):
            text = text_of(fmt, mf.render(invited, fmt, document="invitation", people=ORG))
            assert text.count(sentence) == 1, (fmt, message)


# ------------------------------------------------------------------ 3. the round report


def _report_round():
    """The sample round with cancellations and an overdue GRUS agreement owned by a member."""
    conversations = _cancelled_round()
    for i, c in enumerate(conversations):
        if c.kind is mf.ConversationKind.GRUS and c.status in SIGNED and len(c.developed) > 1:
            member = c.developed[1]
            a = mf.Agreement(
                id="grus-frist",
                description="Fælles oplæg om arbejdsgange",
                owner=member,
                deadline=ROUND.on.subtract(days=3),
            )
            conversations[i] = attrs.evolve(c, agreements=[*c.agreements, a])
            return conversations, conversations[i], member
    raise AssertionError("no GRUS")


def _report(conversations, locale="da"):
    return _doc_of(ROUND.cycle, "report", conversations, locale)


def _doc_of(obj, document, conversations, locale="da"):
    ctx = RenderContext(
        document=document,
        locale=locale,
        names=ORG,
        conversations=conversations,
        on=ROUND.on,
        now=NOW,
    )
    return build_document(obj, ctx)


def _tables(doc):
    from musframework.rendering.blocks import Chart, Table

    for b in doc.blocks:
        if isinstance(b, Table):
            yield b
        elif isinstance(b, Chart):
            yield b.table


def test_the_report_has_one_status_table_per_kind():
    from musframework.rendering.blocks import Heading

    conversations, _, _ = _report_round()
    doc = _report(conversations)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    counts = [t for t in _tables(doc) if t.role == "counts"]
    kinds = [k for k in mf.ConversationKind if any(c.kind is k for c in conversations)]
    assert len(counts) == len(kinds) == 3
    for kind, table in zip(kinds, counts, strict=True):
        name = mf.rendering._i18n.enum_label(kind, "da")
        assert f"{name}: status efter enhed" in headings
        assert sum(int(r.cells[-1]) for r in table.rows) == sum(
            1 for c in conversations if c.kind is kind
        )
        assert "Dækket" not in table.columns  # coverage is its own table, for people
    assert "Samtaletype" not in _facts(doc)
    assert _facts(doc)["Samtaler"].startswith("MUS-samtale (")


def test_the_report_shows_who_was_cancelled_without_a_new_conversation():
    from musframework.model.round import CoverageState, round_coverage

    conversations, _, _ = _report_round()
    owed = [
        p.person
        for p in round_coverage(ROUND.cycle, conversations, ORG)
        if p.state is CoverageState.CANCELLED
    ]
    assert owed
    table = next(t for t in _tables(_report(conversations)) if t.role == "cancelled")
    assert [r.cells[0] for r in table.rows] == [ORG.person(p).name for p in owed]
    coverage = mf.analytics.coverage(ROUND.cycle, conversations, ORG)
    assert coverage.cancelled == len(owed)  # the one home of the round facts


def test_report_headers_are_capitalised_and_only_what_needs_action_stands_out():
    conversations, _, _ = _report_round()
    for locale in ("da", "en"):
        doc = _report(conversations, locale)
        for table in _tables(doc):
            assert all(c[:1].isupper() for c in table.columns), (table.role, table.columns)
            if table.role in ("overdue", "upcoming", "cancelled", "counts", "progress"):
                assert not any(r.highlight for r in table.rows), table.role
        coverage = next(t for t in _tables(doc) if t.role == "coverage")
        for row in coverage.rows:
            cancelled, missing = int(row.cells[-2]), int(row.cells[-1])
            assert row.highlight is bool(cancelled or missing)
        assert any(r.highlight for r in coverage.rows)


def test_a_grus_agreement_shows_its_owner_not_the_whole_group():
    conversations, grus, member = _report_round()
    overdue = next(t for t in _tables(_report(conversations)) if t.role == "overdue")
    assert overdue.columns[:3] == ("Hvad", "Ansvarlig", "Samtale")
    row = next(r for r in overdue.rows if r.cells[0] == "Fælles oplæg om arbejdsgange")
    assert row.cells[1] == ORG.person(member).name
    assert row.cells[2] == f"GRUS-samtale: {ORG.unit(grus.unit).name}"
    others = [ORG.person(p).name for p in grus.developed if p != member]
    assert not any(name in " ".join(row.cells) for name in others)


def test_the_report_draws_its_charts_inline_with_their_tables():
    import html5lib

    from musframework.rendering.svg import FILLS

    conversations, _, _ = _report_round()
    page = mf.render(ROUND.cycle, "html", conversations=conversations, people=ORG, on=ROUND.on)
    assert "<script" not in page.lower()
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    figures = tree.findall(".//figure")
    assert len(figures) == 3
    ns = "{http://www.w3.org/2000/svg}"
    for figure in figures:
        svg = figure.find(f".//{ns}svg")
        assert svg is not None and svg.get("role") == "img"
        assert svg.find(f"{ns}title").text and svg.find(f"{ns}desc").text
        table = figure.find(".//table")
        assert table is not None and table.find(".//th") is not None
        # Every number drawn is in the table beside it.
        drawn = {t.text for t in svg.iter(f"{ns}text") if t.text and t.text.isdigit()}
        assert drawn
        cells = {td.text for td in table.iter("td")}
        assert drawn <= cells
    # The fills stay apart in grey (luminance steps of at least 10 %).
    grey = sorted(
        (0.299 * int(f[1:3], 16) + 0.587 * int(f[3:5], 16) + 0.114 * int(f[5:7], 16)) / 255
        for f in FILLS[:4]
    )
    assert all(b - a >= 0.10 for a, b in itertools.pairwise(grey))
    english = mf.render(ROUND.cycle, "html", "en", conversations=conversations, people=ORG)
    assert "Coverage by unit" in english and "Dækning" not in english


# ------------------------------------------------------------------ 5. Word


def _word(obj, **extra):
    import io

    import docx

    data = mf.render(obj, "docx", people=ORG, clock=ROUND.clock, **extra)
    return data, docx.Document(io.BytesIO(data))


def test_word_properties_come_from_the_organisation_and_the_clock():
    plan = mf.DevelopmentPlan.from_conversation(
        _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    )
    data, word = _word(plan)
    props = word.core_properties
    assert props.author == props.last_modified_by == "Forvaltningen"  # the top unit
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)
    assert props.title.startswith("Udviklingsplan for ")
    assert props.language == "da"
    assert props.created == props.modified == NOW.in_tz("UTC").replace(microsecond=0)
    assert data == _word(plan)[0]  # the same plan and clock: the same bytes
    own = mf.rendering.docx.DocxRenderer(author="Eksempel Kommune")
    ctx = RenderContext(document="plan", names=ORG, on=ROUND.on, now=NOW)
    import io

    import docx

    assert docx.Document(io.BytesIO(own(plan, ctx))).core_properties.author == "Eksempel Kommune"


def test_word_columns_fit_their_words_and_the_signature_column_is_labelled():
    from docx.shared import Mm

    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    long_word = "Arbejdsopgaverne"
    a = attrs.evolve(c.agreements[0], description=f"Overtage {long_word} i teamet")
    plan = mf.DevelopmentPlan.from_conversation(attrs.evolve(c, agreements=[a]))
    _, word = _word(plan)
    agreements, signatures = word.tables[0], word.tables[-1]
    widths = [col.width for col in agreements.columns]
    assert len(set(widths)) > 1  # not all the same
    assert sum(widths) <= Mm(171)
    what = widths[0]
    assert what >= Mm(len(long_word) * 2)  # the longest word fits: no break mid-word
    header = [cell.text for cell in signatures.rows[0].cells]
    assert header[-1] == "Underskrift"
    assert all(row.cells[-1].text == "" for row in signatures.rows[1:])
    assert all(row.height >= Mm(12) for row in signatures.rows[1:])


def test_word_spacing_comes_from_the_styles():
    from docx.shared import Pt

    plan = mf.DevelopmentPlan.from_conversation(
        _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    )
    _, word = _word(plan)
    assert word.styles["Normal"].paragraph_format.space_after == Pt(4)
    assert all(p.text.strip() for p in word.paragraphs)  # no empty paragraphs for spacing
    body = word.element.body
    for table in body.iterchildren("{*}tbl"):
        following = table.getnext()
        if following is not None and following.tag.endswith("}p"):
            style = following.find(".//{*}pStyle")
            assert style is not None, "the paragraph after a table keeps its distance"


# ------------------------------------------------------------------ 7. direction of user text


def test_names_and_user_text_keep_their_own_direction_in_html():
    import html5lib

    grus = next(c for c in _of(mf.ConversationKind.GRUS, *SIGNED) if len(c.developed) > 1)
    arabic, hebrew = "ليلى حسن", "נועה כהן"
    people = {p.id: p.name for p in ORG.people}
    people[grus.developed[0]], people[grus.developed[1]] = arabic, hebrew
    for doc in ("plan", "invitation", "follow_up"):
        page = mf.render(grus, "html", document=doc, people=people)
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        isolated = [b.text for b in tree.iter("bdi")]
        assert arabic in isolated and hebrew in isolated, doc
        for tag in ("td", "dd", "li"):
            for element in tree.iter(tag):
                assert element.get("dir") == "auto", (doc, tag)
        assert tree.find(".//h1").get("dir") == "auto"
    # The other formats write the names as they are, without marks.
    text = mf.render(grus, "text", document="plan", people=people)
    assert f"{arabic}, {hebrew}" in text and "\u2068" not in text


# ------------------------------------------------------------------ side by side


def test_side_by_side_tells_not_asked_from_not_answered_and_drops_an_empty_gap_column():
    form = mf.templates.load("mus-standard")  # no ratings
    c = _of(mf.ConversationKind.MUS, mf.ConversationStatus.SIGNED)[0]
    employee = form.new_response("employee", c.employee, {"goals": "Lære mere"})
    leader = form.new_response("leader", c.leader, {"goals": "Projektledelse"})
    c = attrs.evolve(c, questionnaire=form.ref, responses=[employee, leader])
    ctx = RenderContext(
        document="side_by_side", names=ORG, questionnaire=form, on=ROUND.on, now=NOW
    )
    doc = build_document(c, ctx)
    tables = list(_tables(doc))
    assert all("Forskel" not in t.columns for t in tables)
    rows = {r.cells[0]: r.cells[1:] for t in tables for r in t.rows}
    strengths = form.question("strengths").text.get("da")  # the employee's question only
    assert rows[strengths] == ("ikke besvaret", "ikke spurgt")
    scored = mf.templates.load("mus-scored")
    ctx = attrs.evolve(ctx, questionnaire=scored)
    c = attrs.evolve(c, questionnaire=scored.ref, responses=[])
    assert any("Forskel" in t.columns for t in _tables(build_document(c, ctx)))
