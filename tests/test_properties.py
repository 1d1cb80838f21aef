"""Property tests: generated valid responses pass, targeted mutations are caught."""

import attrs
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
from musframework.testing import strategies as mst


@given(st.data())
def test_generated_responses_pass_check_response(data):
    q = data.draw(mst.questionnaires())
    r = data.draw(mst.responses(q))
    assert q.check_response(r) == []


def _codes(q, r):
    return {f.code for f in q.check_response(r)}


@given(st.data())
def test_unknown_question_is_caught(data):
    q = data.draw(mst.questionnaires())
    r = data.draw(mst.responses(q))
    ids = {x.id for x in q.questions()}
    ghost = data.draw(mst.identifiers().filter(lambda i: i not in ids))
    assert "response.unknown-question" in _codes(q, r.with_answer(ghost, mf.TextAnswer("x")))


ALL_ROLES = frozenset(mf.Role)


def with_question(q, question):
    """q plus one more section holding ``question`` (asked of everyone, required, unconditional)."""
    extra = mf.Section(id="§extra", title={"da": "x", "en": "x"}, questions=[question])
    return attrs.evolve(q, sections=(*q.sections, extra))


@st.composite
def case(draw, question):
    q = with_question(draw(mst.questionnaires()), question)
    return q, draw(mst.responses(q))


SCALE = mf.ScaleQuestion(id="§scale", text="s", required=True, answered_by="all", min=1, max=5)
CHOICE = mf.SingleChoiceQuestion(
    id="§choice",
    text="c",
    required=True,
    answered_by="all",
    options=[mf.Option("a", "A"), mf.Option("b", "B")],
)


@given(
    case(SCALE), st.sampled_from([mf.YesNoAnswer(True), mf.TextAnswer("x"), mf.ChoiceAnswer("a")])
)
def test_wrong_type_is_caught(qr, wrong):
    q, r = qr
    assert "response.wrong-type" in _codes(q, r.with_answer("§scale", wrong))


@given(case(SCALE), st.integers(6, 1000) | st.integers(-1000, 0))
def test_out_of_range_scale_is_caught(qr, value):
    q, r = qr
    assert "response.out-of-range" in _codes(q, r.with_answer("§scale", mf.ScaleAnswer(value)))


@given(case(CHOICE), mst.identifiers().filter(lambda c: c not in ("a", "b")))
def test_option_not_offered_is_caught(qr, code):
    q, r = qr
    assert "response.unknown-option" in _codes(q, r.with_answer("§choice", mf.ChoiceAnswer(code)))


@given(case(SCALE))
def test_missing_required_is_caught(qr):
    q, r = qr
    assert _codes(q, r.without_answer("§scale")) == {"response.missing-required"}


@given(st.data())
def test_answer_from_role_not_asked_is_caught(data):
    role = data.draw(st.sampled_from(list(mf.Role)))
    other = next(x for x in mf.Role if x is not role)
    question = mf.TextQuestion(id="§other", text="t", answered_by=[other])
    q = with_question(data.draw(mst.questionnaires()), question)
    r = data.draw(mst.responses(q, role))
    assert _codes(q, r.with_answer("§other", mf.TextAnswer("x"))) == {"response.role-not-asked"}


@given(st.data())
def test_hidden_answers_are_caught(data):
    gate = mf.YesNoQuestion(id="§gate", text="g", required=True, answered_by="all")
    q, r = data.draw(case(gate))
    answered = r.answers["§gate"].value
    hidden = mf.TextQuestion(
        id="§hidden",
        text="h",
        answered_by="all",
        condition=mf.Condition.when("§gate", "equals", not answered),
    )
    dependant = mf.TextQuestion(
        id="§dep",
        text="d",
        answered_by="all",
        condition=mf.Condition.when("§hidden", "equals", "x"),
    )
    q2 = attrs.evolve(
        q,
        sections=(
            *q.sections[:-1],
            attrs.evolve(q.sections[-1], questions=(gate, hidden, dependant)),
        ),
    )
    assert q2.check_response(r) == []
    r2 = r.with_answer("§hidden", mf.TextAnswer("x")).with_answer("§dep", mf.TextAnswer("y"))
    found = q2.check_response(r2)
    # Hiding cascades: §dep depends on a hidden question, so it is hidden too.
    assert {(f.code, f.path) for f in found} == {
        ("response.hidden-question-answered", "answers.§hidden"),
        ("response.hidden-question-answered", "answers.§dep"),
    }


@given(mst.questionnaires())
def test_a_duplicate_id_is_caught(q):
    first = next(q.questions())
    section = q.sections[-1]
    dup = attrs.evolve(first, condition=None)
    q2 = attrs.evolve(
        q, sections=(*q.sections[:-1], attrs.evolve(section, questions=(*section.questions, dup)))
    )
    assert "questionnaire.duplicate-id" in {f.code for f in q2.check()}
