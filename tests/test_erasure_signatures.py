"""Lawful redaction keeps the signatures (issue 15, point 2), on a real SQLite file."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import signing
from musframework import workflow as wf
from musframework.signing import SignatureStatus as S
from musframework.storage import SQLiteStore

HMAC = signing.HmacSigner({"sys-1": b"s" * 32})


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Copenhagen")


def signed_mus(signer: signing.Signer | None = HMAC, cid: str = "c1") -> mf.Conversation:
    c = mf.Conversation(
        id=cid,
        kind="MUS",
        participants=[mf.Participant("emp", "employee"), mf.Participant("zq", "leader")],
        scheduled_start=at(2026, 3, 3, 10),
        status="concluded",
        conclusions=["Zelda Quixote and Ane agree that Ane leads the intake"],
        goals=["Lead the intake by autumn"],
        agreements=[
            mf.Agreement(id="a1", description="Shadow the intake lead", owner="emp"),
            mf.Agreement(id="a2", description="Book the course (Zelda)", owner="zq"),
        ],
        follow_up_date=pendulum.date(2026, 9, 3),
    )
    c = wf.sign(c, person="emp", clock=mf.FixedClock(at(2026, 3, 5, 9)), signer=signer)
    return wf.sign(c, person="zq", clock=mf.FixedClock(at(2026, 3, 5, 10)), signer=signer)


@pytest.fixture
def store(tmp_path):
    clock = mf.FixedClock(at(2026, 12, 7, 9))
    with SQLiteStore(tmp_path / "mus.db", clock=clock) as store:
        store.save(mf.Person(id="emp", name="Ane Berg", email="ane@example.dk"))
        store.save(mf.Person(id="zq", name="Zelda Quixote", email="zq@example.dk"))
        yield store


def test_erasing_the_leader_keeps_both_signatures_and_says_so(store):
    store.save(signed_mus())
    store.save(signed_mus(cid="c2"))
    pseudonym = store.erase_person("zq", signer=HMAC)
    for cid in ("c1", "c2"):
        c = store.load(mf.Conversation, cid).document
        assert c.status is mf.ConversationStatus.SIGNED and wf.is_fully_signed(c)
        assert c.leader == pseudonym and "Zelda" not in mf.dumps(c)
        (redaction,) = c.redactions
        assert redaction.reason == "gdpr-art-17" and redaction.renamed == (pseudonym,)
        assert [p.position for p in redaction.changed] == [1, 3]  # conclusions, a2: hers only
        assert [x.status for x in signing.verify(c, HMAC).checks] == [S.VALID, S.VALID]
        plan = mf.DevelopmentPlan.from_conversation(c)
        assert plan.is_signed_by_both and signing.verify(plan, HMAC).is_valid
        assert signing.verify(mf.loads(mf.dumps(plan), mf.DevelopmentPlan), HMAC).is_valid
        text = mf.render(plan, "markdown", "en", signer=HMAC)
        assert "Signed by both on 5 March 2026; redacted on 7 December 2026 (GDPR art. 17)" in (
            text
        )
        da = mf.render(plan, "markdown", "da", signer=HMAC)
        assert "redigeret den 7. december 2026 (GDPR artikel 17)" in da
    # Without the system's key the redaction, and so the signatures, are only unverified.
    c = store.load(mf.Conversation, "c1").document
    assert [x.status for x in signing.verify(c).checks] == [S.UNVERIFIED, S.UNVERIFIED]
    assert "(unverified)" in mf.render(mf.DevelopmentPlan.from_conversation(c), "text", "en")


def test_only_the_erased_persons_data_changes_anything_else_voids(store):
    store.save(signed_mus())
    store.erase_person("zq", signer=HMAC)
    stored = store.load(mf.Conversation, "c1")
    c = stored.document
    assert c.goals == ("Lead the intake by autumn",)
    assert c.agreements[0] == signed_mus().agreements[0]  # the employee's own: untouched
    # An edit after the erasure breaks the chain: no signature counts any more.
    edited = attrs.evolve(c, goals=("Get a 50% raise",))
    assert [x.status for x in signing.verify(edited, HMAC).checks] == [S.VOID, S.VOID]
    assert not wf.is_fully_signed(edited)
    plan = attrs.evolve(mf.DevelopmentPlan.from_conversation(c), goals=("Get a 50% raise",))
    assert [x.status for x in signing.verify(plan, HMAC).checks] == [S.INVALID, S.INVALID]
    # A forged redaction (made without the system's key) to cover an edit is invalid.
    r = c.redactions[-1]
    forged = mf.model.Redaction(
        at=at(2026, 12, 8),
        reason="gdpr-art-17",
        before=edited.redactions and c.content_digest(),
        after=edited.content_digest(),
        changed=[
            mf.model.PartDigest(0, mf.model.conversation.signed_parts(c)[0]),
        ],
        proof=mf.model.Proof(method="hmac-sha256", key_id="sys-1", value="0" * 64),
    )
    covered = attrs.evolve(edited, redactions=(r, forged))
    found = signing.verify(covered, HMAC)
    assert [x.status for x in found.checks] == [S.INVALID, S.INVALID]
    assert "redaction.invalid" in {f.code for f in found.findings}
    assert "Signed by both" not in mf.render(covered, "text", "en", "plan", signer=HMAC)


def test_erasing_the_employee_attests_their_signature_and_keeps_the_leaders(store):
    store.save(signed_mus())
    pseudonym = store.erase_person("emp", signer=HMAC)
    c = store.load(mf.Conversation, "c1").document
    assert c.employee == pseudonym
    assert [x.status for x in signing.verify(c, HMAC).checks] == [S.VALID, S.VALID]
    assert signing.verify(c, HMAC).checks[0].redacted == c.redactions


def test_a_signature_void_before_the_erasure_is_not_revived(store):
    c = signed_mus()
    changed = wf.revise(c, by="zq", goals=["Something else"])  # both signatures void now
    changed = wf.sign(changed, person="emp", signer=HMAC)  # only the employee signs again
    store.save(changed)
    store.erase_person("zq", signer=HMAC)
    after = store.load(mf.Conversation, "c1").document
    assert [x.status for x in signing.verify(after, HMAC).checks] == [S.VOID, S.VALID]
    assert after.status is mf.ConversationStatus.CONCLUDED
    assert after.redactions[-1].renamed == ()
