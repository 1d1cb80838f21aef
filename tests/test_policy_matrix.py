"""The access matrix: role x action x object part, every cell asserted.

Columns: S schedule/participants, R responses, N notes, C conclusions and plan, A agreements,
G signatures, * the object as a whole. ``Y`` allowed, ``.`` denied.
"""

import functools

import attrs
import pendulum
import pytest

import musframework as mf
from musframework.errors import AccessDeniedError
from musframework.policy import Action, Part, authorize, may, view

from .policy_scenario import POLICY, VIEWERS, grus, lus, mus

COLUMNS = [
    Part.SCHEDULE,
    Part.RESPONSES,
    Part.NOTES,
    Part.CONCLUSIONS,
    Part.AGREEMENTS,
    Part.SIGNATURES,
    None,
]

MUS_MATRIX = """
                 action   S R N C A G *
employee         view     Y Y Y Y Y Y Y
employee         edit     . Y Y Y Y . Y
employee         sign     . . . . . Y Y
employee         share    . Y Y . . . Y
employee         export   Y Y Y Y Y Y Y
leader           view     Y Y Y Y Y Y Y
leader           edit     Y Y Y Y Y . Y
leader           sign     . . . . . Y Y
leader           share    . Y Y . . . Y
leader           export   Y Y Y Y Y Y Y
leaders_leader   view     . . . . . . .
leaders_leader   edit     . . . . . . .
leaders_leader   sign     . . . . . . .
leaders_leader   share    . . . . . . .
leaders_leader   export   . . . . . . .
colleague        view     . . . . . . .
colleague        edit     . . . . . . .
colleague        sign     . . . . . . .
colleague        share    . . . . . . .
colleague        export   . . . . . . .
hr               view     Y Y Y Y Y Y Y
hr               edit     . . . . . . .
hr               sign     . . . . . . .
hr               share    . . . . . . .
hr               export   Y Y Y Y Y Y Y
stranger         view     . . . . . . .
stranger         edit     . . . . . . .
stranger         sign     . . . . . . .
stranger         share    . . . . . . .
stranger         export   . . . . . . .
"""

# The leader being developed (boss) is the employee of a LUS; their leader (director) holds it.
LUS_MATRIX = """
                 action   S R N C A G *
leader           view     Y Y Y Y Y Y Y
leader           edit     . Y Y Y Y . Y
leader           sign     . . . . . Y Y
leader           share    . Y Y . . . Y
leader           export   Y Y Y Y Y Y Y
leaders_leader   view     Y Y Y Y Y Y Y
leaders_leader   edit     Y Y Y Y Y . Y
leaders_leader   sign     . . . . . Y Y
leaders_leader   share    . Y Y . . . Y
leaders_leader   export   Y Y Y Y Y Y Y
employee         view     . . . . . . .
employee         edit     . . . . . . .
employee         sign     . . . . . . .
employee         share    . . . . . . .
employee         export   . . . . . . .
hr               view     Y Y Y Y Y Y Y
hr               edit     . . . . . . .
hr               sign     . . . . . . .
hr               share    . . . . . . .
hr               export   Y Y Y Y Y Y Y
"""

GRUS_MATRIX = """
                 action   S R N C A G *
employee         view     Y Y Y Y Y Y Y
employee         edit     . Y Y . Y . Y
employee         sign     . . . . . Y Y
employee         share    . Y Y . . . Y
employee         export   Y Y Y Y Y Y Y
colleague        view     Y Y Y Y Y Y Y
colleague        edit     . Y Y . Y . Y
colleague        sign     . . . . . Y Y
colleague        share    . Y Y . . . Y
colleague        export   Y Y Y Y Y Y Y
leader           view     Y Y Y Y Y Y Y
leader           edit     Y Y Y Y Y . Y
leader           sign     . . . . . Y Y
leader           share    . Y Y . . . Y
leader           export   Y Y Y Y Y Y Y
leaders_leader   view     . . . . . . .
leaders_leader   edit     . . . . . . .
hr               view     Y Y Y Y Y Y Y
hr               edit     . . . . . . .
hr               sign     . . . . . . .
stranger         view     . . . . . . .
"""

# A development plan has no responses or notes: those columns are denied for everyone.
PLAN_MATRIX = """
                 action   S R N C A G *
employee         view     Y . . Y Y Y Y
employee         edit     . . . Y Y . Y
employee         sign     . . . . . Y Y
employee         share    . . . . . . .
employee         export   Y . . Y Y Y Y
leader           view     Y . . Y Y Y Y
leader           edit     Y . . Y Y . Y
leader           sign     . . . . . Y Y
leader           export   Y . . Y Y Y Y
leaders_leader   view     . . . . . . .
colleague        view     . . . . . . .
hr               view     Y . . Y Y Y Y
hr               edit     . . . . . . .
hr               sign     . . . . . . .
hr               export   Y . . Y Y Y Y
stranger         view     . . . . . . .
"""


def _cells(name, table, make):
    make = functools.cache(make)  # frozen objects: one per table is enough
    lines = [line.split() for line in table.strip().splitlines()[1:]]
    for role, action, *marks in lines:
        assert len(marks) == len(COLUMNS), (name, role, action)
        for part, mark in zip(COLUMNS, marks, strict=True):
            label = f"{name}-{role}-{action}-{part.value if part else 'whole'}"
            yield pytest.param(make, role, Action(action), part, mark == "Y", id=label)


def _plan():
    return mf.DevelopmentPlan.from_conversation(mus(), "emp")


CELLS = [
    *_cells("mus", MUS_MATRIX, mus),
    *_cells("lus", LUS_MATRIX, lus),
    *_cells("grus", GRUS_MATRIX, grus),
    *_cells("plan", PLAN_MATRIX, _plan),
]


@pytest.mark.parametrize(("make", "role", "action", "part", "expected"), CELLS)
def test_matrix_cell(make, role, action, part, expected):
    assert may(VIEWERS[role], action, make(), POLICY, part) is expected


def test_matrix_covers_every_action_for_the_mus():
    rows = {(c.values[1], c.values[2]) for c in CELLS if c.id.startswith("mus-")}
    assert rows == {(r, a) for r in VIEWERS for a in Action}


# ------------------------------------------------------------------ items and views


def _texts(obj):
    return mf.dumps(obj)


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        (
            "employee",
            ["EMP-PREP", "BOSS-PREP-SHARED", "EMP-PRIVATE", "SHARED-NOTE", "BOSS-AGREEMENT"],
            ["BOSS-PRIVATE"],
        ),
        (
            "leader",
            ["BOSS-PREP-SHARED", "BOSS-PRIVATE", "SHARED-NOTE", "EMP-AGREEMENT"],
            ["EMP-PREP", "EMP-PRIVATE"],
        ),
        (
            "hr",
            ["BOSS-PREP-SHARED", "SHARED-NOTE", "CONCLUSION", "EMP-AGREEMENT", "Room 2"],
            ["EMP-PREP", "EMP-PRIVATE", "BOSS-PRIVATE"],
        ),
    ],
)
def test_mus_view_keeps_what_the_role_may_see_and_nothing_else(role, sees, hidden):
    text = _texts(view(mus(), VIEWERS[role], POLICY))
    for secret in sees:
        assert secret in text
    for secret in hidden:
        assert secret not in text


@pytest.mark.parametrize("role", ["leaders_leader", "colleague", "stranger"])
def test_outsiders_get_access_denied_without_content(role):
    with pytest.raises(AccessDeniedError) as info:
        view(mus(), VIEWERS[role], POLICY)
    assert "mus" in str(info.value)
    assert "EMP" not in str(info.value)


def test_unshared_response_becomes_visible_to_the_other_party_once_shared():
    conversation = mus()
    own = conversation.response_of("emp")
    boss = VIEWERS["leader"]
    assert not may(boss, Action.VIEW, conversation, POLICY, Part.RESPONSES, own)
    shared = own.shared_with_other_party()
    later = attrs.evolve(conversation, responses=[shared, conversation.response_of("boss")])
    assert may(boss, Action.VIEW, later, POLICY, Part.RESPONSES, shared)
    assert "EMP-PREP" in _texts(view(later, boss, POLICY))


def test_only_the_author_shares_or_edits_a_response_or_note():
    conversation = mus()
    emp, boss = VIEWERS["employee"], VIEWERS["leader"]
    own, other = conversation.response_of("emp"), conversation.response_of("boss")
    for action in (Action.SHARE, Action.EDIT):
        assert may(emp, action, conversation, POLICY, Part.RESPONSES, own)
        assert not may(emp, action, conversation, POLICY, Part.RESPONSES, other)
        assert not may(boss, action, conversation, POLICY, Part.RESPONSES, own)
        boss_note = conversation.notes[2]
        assert may(boss, action, conversation, POLICY, Part.NOTES, boss_note)
        assert not may(emp, action, conversation, POLICY, Part.NOTES, boss_note)


def test_grus_members_see_group_content_but_not_each_others_plans():
    conversation = grus()
    emp_view = _texts(view(conversation, VIEWERS["employee"], POLICY))
    for shared in ["GROUP-CONCLUSION", "GROUP-GOAL", "GROUP-NOTE", "TEAM-ACTION", "EMP-PLAN"]:
        assert shared in emp_view
    for other in ["COL-PLAN", "COL-PRIVATE", "COL-GRUS-PREP"]:
        assert other not in emp_view
    # The leader is the other party: shared preparation reaches them, private notes do not.
    boss_view = _texts(view(conversation, VIEWERS["leader"], POLICY))
    for text in ["EMP-PLAN", "COL-PLAN", "EMP-GRUS-PREP", "COL-GRUS-PREP"]:
        assert text in boss_view
    assert "COL-PRIVATE" not in boss_view
    # The leader's shared preparation reaches every member.
    assert "BOSS-GRUS-PREP" in emp_view
    # A member may change the status of their own agreement only.
    emp = VIEWERS["employee"]
    g1, g2, g3 = conversation.agreements
    assert may(emp, Action.EDIT, conversation, POLICY, Part.AGREEMENTS, g1)
    assert not may(emp, Action.EDIT, conversation, POLICY, Part.AGREEMENTS, g2)
    assert not may(emp, Action.EDIT, conversation, POLICY, Part.AGREEMENTS, g3)


def test_grus_plans_are_individual():
    conversation = grus()
    emp_plan = mf.DevelopmentPlan.from_conversation(conversation, "emp")
    col_plan = mf.DevelopmentPlan.from_conversation(conversation, "col")
    assert view(emp_plan, VIEWERS["employee"], POLICY) == emp_plan
    with pytest.raises(AccessDeniedError):
        view(col_plan, VIEWERS["employee"], POLICY)
    assert view(col_plan, VIEWERS["leader"], POLICY) == col_plan
    assert view(col_plan, VIEWERS["hr"], POLICY) == col_plan


def test_a_response_on_its_own():
    conversation = mus()
    own = conversation.response_of("emp")
    shared = conversation.response_of("boss")
    assert view(own, VIEWERS["employee"], POLICY) is own
    with pytest.raises(AccessDeniedError):
        view(own, VIEWERS["leader"], POLICY)
    with pytest.raises(AccessDeniedError):
        view(own, VIEWERS["hr"], POLICY)
    # HR sees shared responses; with the conversation, the other party does too.
    assert view(shared, VIEWERS["hr"], POLICY) is shared
    assert view(shared, VIEWERS["employee"], POLICY, conversation=conversation) is shared
    with pytest.raises(AccessDeniedError):
        view(own, VIEWERS["leader"], POLICY, conversation=conversation)
    with pytest.raises(AccessDeniedError):
        view(shared, VIEWERS["stranger"], POLICY, conversation=conversation)


def test_cycle_view_keeps_only_visible_conversations_redacted():
    cycle = mf.Cycle(
        id="r",
        name="MUS 2026",
        period=mf.Period(pendulum.date(2026, 1, 1), pendulum.date(2026, 12, 31)),
    )
    rows = [mus(), lus(), grus()]
    seen = view(cycle, VIEWERS["employee"], POLICY, conversations=rows)
    assert [c.id for c in seen.conversations] == ["mus", "grus"]
    assert "BOSS-PRIVATE" not in _texts(seen.conversations[0])
    assert [c.id for c in view(cycle, VIEWERS["hr"], POLICY, conversations=rows).conversations] == [
        "mus",
        "lus",
        "grus",
    ]
    assert may(VIEWERS["hr"], Action.EDIT, cycle, POLICY)
    assert not may(VIEWERS["leader"], Action.EDIT, cycle, POLICY)
    with pytest.raises(AccessDeniedError):
        view(cycle, mf.policy.Viewer("nobody"), POLICY)


def test_authorize_raises_for_denied_actions_and_passes_allowed_ones():
    conversation = mus()
    authorize(VIEWERS["employee"], Action.SIGN, conversation, POLICY)
    with pytest.raises(AccessDeniedError, match="'hr1' may not sign the conversation 'mus'"):
        authorize(VIEWERS["hr"], Action.SIGN, conversation, POLICY)
    with pytest.raises(AccessDeniedError, match=r"\(schedule\)"):
        authorize(VIEWERS["employee"], Action.EDIT, conversation, POLICY, Part.SCHEDULE)


def test_signatures_stay_valid_in_a_view_that_keeps_the_signed_content():
    conversation = mus()
    assert len(conversation.valid_signatures) == 2
    for role in ["employee", "leader", "hr"]:
        assert len(view(conversation, VIEWERS[role], POLICY).valid_signatures) == 2


def test_unknown_objects_have_no_view_and_no_access():
    with pytest.raises(TypeError):
        view(object(), VIEWERS["hr"], POLICY)
    assert not may(VIEWERS["hr"], Action.VIEW, mf.Person(id="x", name="X"), POLICY)
