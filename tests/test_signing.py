"""Signatures with proof (issue 15, point 1): validity recomputed from content, Signer proofs."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import musframework as mf
from musframework import signing
from musframework import workflow as wf
from musframework.errors import SigningError
from musframework.signing import SignatureStatus as S

from .rules_fixtures import valid_grus, valid_mus

KEY = b"k" * 32
HMAC = signing.HmacSigner({"2026-1": KEY})


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/Copenhagen")


def signed_with(signer: signing.Signer, conversation: mf.Conversation) -> mf.Conversation:
    """``conversation`` concluded again and signed by every required signer with ``signer``."""
    c = attrs.evolve(conversation, signatures=(), status="concluded")
    for i, person in enumerate(c.required_signers):
        c = wf.sign(c, person=person, clock=mf.FixedClock(at(2026, 3, 5, 9 + i)), signer=signer)
    assert c.status is mf.ConversationStatus.SIGNED
    return c


def statuses(obj: mf.Conversation | mf.DevelopmentPlan, signer: signing.Signer | None = HMAC):
    return [c.status for c in signing.verify(obj, signer).checks]


def rendered(obj: object, signer: signing.Signer | None = HMAC) -> str:
    out = mf.render(obj, "markdown", "en", people={"emp": "Ane", "boss": "Bo"}, signer=signer)
    assert isinstance(out, str)
    return out


def test_a_signature_made_with_a_signer_is_valid_and_binds_person_role_and_time():
    c = signed_with(HMAC, valid_mus())
    assert all(s.proof is not None and s.proof.key_id == "2026-1" for s in c.signatures)
    assert statuses(c) == [S.VALID, S.VALID]
    assert signing.verify(c, HMAC).is_valid
    # A signature moved to another person, role or moment no longer verifies.
    first = c.signatures[0]
    for moved in (
        attrs.evolve(first, signed_at=at(2026, 1, 1, 9)),
        attrs.evolve(first, role="employee"),
        attrs.evolve(first, person="emp"),
    ):
        forged = attrs.evolve(c, signatures=(moved, *c.signatures[1:]))
        assert statuses(forged)[0] is S.INVALID
    # Without a key nothing can be called valid; a key it does not know is not a key at all.
    assert statuses(c, None) == [S.UNVERIFIED, S.UNVERIFIED]
    other = signing.HmacSigner({"other": b"x" * 32})
    assert statuses(c, other) == [S.UNVERIFIED, S.UNVERIFIED]
    wrong_secret = signing.HmacSigner({"2026-1": b"y" * 32})
    assert statuses(c, wrong_secret) == [S.INVALID, S.INVALID]


def test_a_tampered_plan_round_trip_shows_invalid():
    plan = mf.DevelopmentPlan.from_conversation(signed_with(HMAC, valid_mus()))
    assert plan.is_signed_by_both and signing.verify(plan, HMAC).is_valid
    assert "Signed by both on" in rendered(plan)
    data = mf.to_dict(plan)
    data["goals"] = ["Get a 50% raise"]
    data["activities"][0]["description"] = "Get a 50% raise"
    tampered = mf.from_dict(data, mf.DevelopmentPlan)
    assert not tampered.is_signed_by_both
    assert statuses(tampered) == [S.INVALID, S.INVALID]
    text = rendered(tampered)
    assert "Get a 50% raise" in text and "invalid: altered or forged" in text
    assert "| valid" not in text and "Signed by both" not in text
    # attrs.evolve is no way around it either, and the stored digest is never believed.
    evolved = attrs.evolve(plan, goals=("Get a 50% raise",), digest=plan.digest)
    assert not evolved.is_signed_by_both and statuses(evolved) == [S.INVALID, S.INVALID]
    assert "invalid: altered or forged" in rendered(evolved)
    # Dropping an activity from the plan or hiding one among the withheld parts is caught.
    fewer = attrs.evolve(plan, activities=plan.activities[1:])
    assert statuses(fewer) == [S.INVALID, S.INVALID]
    assert mf.from_dict(mf.to_dict(plan), mf.DevelopmentPlan).is_signed_by_both


def test_every_field_of_the_signed_content_is_covered():
    plan = mf.DevelopmentPlan.from_conversation(signed_with(HMAC, valid_mus()))
    first = plan.activities[0]
    changes = {
        "goals": ("x",),
        "practice_changes": ("x",),
        "follow_up_date": pendulum.date(2030, 1, 1),
        "next_conversation_date": pendulum.date(2030, 1, 1),
        "conversation": "another",
        "activities": (attrs.evolve(first, deadline=pendulum.date(2030, 1, 1)), plan.activities[1]),
        "withheld": (mf.model.PartDigest(1, "0" * 64),),
    }
    for field, value in changes.items():
        assert statuses(attrs.evolve(plan, **{field: value})) == [S.INVALID, S.INVALID], field


def test_only_required_signers_count_and_others_are_findings():
    c = signed_with(HMAC, valid_mus())
    digest = c.content_digest()
    sig = mf.Signature(person="eve", role="employee", signed_at=at(2026, 3, 5), digest=digest)
    sig = signing.sign_statement(c.id, sig, HMAC)  # even with a good proof
    with_eve = attrs.evolve(c, signatures=(*c.signatures, sig))
    assert "eve" not in {s.person for s in with_eve.valid_signatures}
    found = signing.verify(with_eve, HMAC)
    assert [c.status for c in found.checks][-1] is S.INVALID
    assert "signature.not-required" in {f.code for f in found.findings}
    assert found.valid == ("boss", "emp")
    # In a plan only the person and the leader sign; another member's signature is a finding.
    grus = signed_with(HMAC, valid_grus())
    plan = mf.DevelopmentPlan.from_conversation(grus, "emp")
    assert {s.person for s in plan.signatures} == {"boss", "emp"}
    other = next(s for s in grus.signatures if s.person == "emp2")
    smuggled = attrs.evolve(plan, signatures=(*plan.signatures, other))
    assert "signature.not-required" in {f.code for f in signing.verify(smuggled, HMAC).findings}
    assert signing.verify(plan, HMAC).is_valid


def test_key_rotation_keeps_old_signatures_valid_until_the_key_is_dropped():
    c = signed_with(HMAC, valid_mus())
    rotated = signing.HmacSigner({"2026-1": KEY, "2027-1": b"n" * 32})
    assert rotated.current == "2027-1"
    assert statuses(c, rotated) == [S.VALID, S.VALID]
    resigned = signed_with(rotated, valid_mus())
    assert {s.proof.key_id for s in resigned.signatures if s.proof} == {"2027-1"}
    assert statuses(resigned, signing.HmacSigner({"2027-1": b"n" * 32})) == [S.VALID, S.VALID]
    assert statuses(c, signing.HmacSigner({"2027-1": b"n" * 32})) == [S.UNVERIFIED] * 2
    assert "k" * 8 not in repr(rotated)  # the key never shows, and is never stored
    assert KEY.hex() not in mf.dumps(c) and KEY.decode() not in mf.dumps(c)
    with pytest.raises(SigningError):
        signing.HmacSigner({})
    with pytest.raises(SigningError):
        signing.HmacSigner({"a": KEY}, current="b")


def test_ed25519_verifies_an_exported_plan_with_the_public_key_only():
    pytest.importorskip("cryptography")
    private = signing.Ed25519Signer.generate()
    server = signing.Ed25519Signer(private, key_id="hr-2026")
    plan = mf.DevelopmentPlan.from_conversation(signed_with(server, valid_mus()))
    exported = mf.dumps(plan)
    public_only = signing.Ed25519Signer(public_keys={"hr-2026": server.public_key()})
    received = mf.loads(exported, mf.DevelopmentPlan)
    assert signing.verify(received, public_only).is_valid
    assert "Signed by both on" in rendered(received, public_only)
    tampered = attrs.evolve(received, goals=("Get a 50% raise",))
    assert statuses(tampered, public_only) == [S.INVALID, S.INVALID]
    with pytest.raises(SigningError):
        public_only.sign(b"x")
    impostor = signing.Ed25519Signer(signing.Ed25519Signer.generate(), key_id="hr-2026")
    forged = mf.DevelopmentPlan.from_conversation(signed_with(impostor, valid_mus()))
    assert statuses(forged, public_only) == [S.INVALID, S.INVALID]


def test_old_unkeyed_signatures_read_as_unverified_and_migrate():
    old = valid_mus()  # signed the way stores hold it from before: digest only, no proof
    legacy = mf.model.conversation.legacy_content_digest(old)
    old = attrs.evolve(
        old, signatures=tuple(attrs.evolve(s, digest=legacy) for s in old.signatures)
    )
    assert old.is_signed_by("emp") and old.is_signed_by("boss")  # still counted as signed
    assert statuses(old) == [S.UNVERIFIED, S.UNVERIFIED]
    assert "(unverified)" in rendered(old, HMAC)
    # A plan exported before signed parts existed (old digest, nothing withheld): unverified.
    old_plan = attrs.evolve(mf.DevelopmentPlan.from_conversation(old), withheld=(), digest=legacy)
    assert statuses(old_plan) == [S.UNVERIFIED, S.UNVERIFIED]
    assert not signing.verify(old_plan, HMAC).is_valid
    migrated = signing.migrate_unkeyed(old, HMAC)
    assert statuses(migrated) == [S.VALID, S.VALID]
    assert [s.signed_at for s in migrated.signatures] == [s.signed_at for s in old.signatures]
    # A signature that matched neither digest stays void: the migration vouches for nothing.
    edited = attrs.evolve(old, goals=("changed",))
    assert statuses(signing.migrate_unkeyed(edited, HMAC)) == [S.VOID, S.VOID]


def test_services_sign_with_the_signer_they_are_given(tmp_path):
    from .test_services import mus_of, setup_round

    clock = mf.FixedClock(at(2026, 1, 5, 9))
    with mf.storage.SQLiteStore(tmp_path / "mus.db", clock=clock) as store:
        services, plan = setup_round(store, clock)
        services = mf.Services(store, clock=clock, signer=HMAC)
        c = mus_of(plan, "ane")
        clock.set(c.scheduled_start.subtract(days=14))
        services.invite("bo", c.id)
        services.prepare("bo", c.id)
        clock.set(c.scheduled_start)
        services.hold("bo", c.id)
        services.conclude("bo", c.id, conclusions=["Godt år"], goals=["Lede et projekt"])
        services.sign("bo", c.id)
        done = services.sign("ane", c.id)
        stored = store.load(mf.Conversation, c.id).document
        # HR erases the leader through the services: the redaction is proved by their signer.
        hr = mf.Viewer("hr1", {mf.policy.Capacity.HR})
        pseudonym = services.erase_person(hr, "bo")
        erased = store.load(mf.Conversation, c.id).document
    assert done.status is mf.ConversationStatus.SIGNED
    assert statuses(stored) == [S.VALID, S.VALID]
    assert erased.leader == pseudonym and erased.redactions[-1].proof is not None
    assert statuses(erased) == [S.VALID, S.VALID]
