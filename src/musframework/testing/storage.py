"""The storage conformance suite: the tests every :class:`~musframework.storage.Store` passes.

Subclass :class:`StoreConformance` in a test module, name the subclass ``Test…`` so pytest
collects it, and implement :meth:`~StoreConformance.make_store`::

    from musframework.testing.storage import StoreConformance

    class TestMyStore(StoreConformance):
        def make_store(self, directory, *, clock):
            return MyStore(directory / "data", clock=clock)

Every test creates its stores through ``make_store`` inside the test body (never through a
function-scoped fixture, which hypothesis cannot reset between examples); each call must
return a new, empty store. The suite covers round trips of generated documents, revisions and
conflicts, atomic units of work, every query against a brute-force oracle, schema migrations,
the audit log, and GDPR export and erasure. Needs ``pytest`` and ``hypothesis``.
"""

from __future__ import annotations

import contextlib
import json
import pathlib
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musframework.clock import Clock, FixedClock
from musframework.errors import ConflictError, NotFoundError, StorageError
from musframework.model import (
    Agreement,
    AgreementStatus,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Group,
    Note,
    OrgUnit,
    Participant,
    Person,
    Questionnaire,
    QuestionnaireRef,
    Response,
    Role,
    Signature,
    TextAnswer,
)
from musframework.model.draft import ResponseDraft, draft_id
from musframework.model.round import AgreementState, agreement_state, counted_agreements
from musframework.serialization import dumps, register_migration, unregister_migration
from musframework.signing import HmacSigner
from musframework.storage.protocol import AgreementRecord, Store
from musframework.testing import strategies as mst

__all__ = ["PEOPLE", "StoreConformance", "oracle", "worlds"]

PEOPLE = ("ane", "bo", "cai", "dorte", "eik", "frida")
"""The person ids the query worlds draw from (small, so that queries find something)."""

_CLOCK_START = pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen")
_OPEN = AgreementStatus.OPEN_OR_IN_PROGRESS
_NOT_HELD = ConversationStatus.NOT_YET_HELD


def _suite_settings(limit: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=min(getattr(settings.default, "max_examples", limit), limit),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.differing_executors,
            HealthCheck.data_too_large,
        ],
    )


@st.composite
def _query_conversation(
    draw: st.DrawFn, id: str, earlier: Sequence[Conversation] = ()
) -> Conversation:
    kind = draw(st.sampled_from(list(ConversationKind)))
    size = draw(st.integers(2, 4)) if kind is ConversationKind.GRUS else 2
    people = draw(st.lists(st.sampled_from(PEOPLE), min_size=size, max_size=size, unique=True))
    developed = Role.GROUP_MEMBER if kind is ConversationKind.GRUS else Role.EMPLOYEE
    participants = [Participant(people[0], Role.LEADER)]
    participants += [Participant(p, developed) for p in people[1:]]
    deadlines = st.none() | mst.dates(pendulum.date(2026, 1, 1), pendulum.date(2026, 12, 31))
    starts = st.none() | st.sampled_from(_STARTS) | mst.datetimes()
    agreement_ids = draw(st.lists(mst.identifiers(), max_size=4, unique=True))
    agreements = [
        Agreement(
            id=a,
            description=a,
            owner=draw(st.none() | st.sampled_from(people)),
            deadline=draw(deadlines),
            status=draw(st.sampled_from(list(AgreementStatus))),
        )
        for a in agreement_ids
    ]
    # Carry-overs: copies of some agreements of an earlier conversation (``previous``).
    previous = None
    if len(earlier) > 0 and draw(st.booleans()):
        before = draw(st.sampled_from(list(earlier)))
        previous = before.id
        taken = set(agreement_ids)
        for original in before.agreements:
            if draw(st.booleans()):
                copy_id = original.id if original.id not in taken else f"{before.id}.{original.id}"
                taken.add(copy_id)
                agreements.append(
                    attrs.evolve(
                        original,
                        id=copy_id,
                        continues=original.id,
                        status=draw(st.sampled_from(list(AgreementStatus))),
                        deadline=draw(deadlines),
                    )
                )
    return Conversation(
        id=id,
        kind=kind,
        cycle=draw(st.sampled_from([None, "c1", "c2"])),
        unit=draw(st.sampled_from([None, "u1", "u2"])),
        participants=participants,
        scheduled_start=draw(starts),
        status=draw(st.sampled_from(list(ConversationStatus))),
        agreements=agreements,
        previous=previous,
    )


_STARTS = [
    pendulum.datetime(2026, 3, 3, 10, tz="Europe/Copenhagen"),
    pendulum.datetime(2026, 3, 3, 9, tz="UTC"),  # the same instant in another zone
    pendulum.datetime(2025, 3, 3, 10, tz="Europe/Copenhagen"),
]


@st.composite
def worlds(draw: st.DrawFn, max_size: int = 8) -> list[Conversation]:
    """Conversations with distinct ids over a few people, cycles, units, starts and deadlines.

    Only the fields the queries look at vary, carry-overs included (a conversation's
    ``previous`` and copies of its agreements, in every status);
    :func:`musframework.testing.strategies.conversations` covers the rest in the round-trip
    tests.
    """
    ids = draw(st.lists(mst.identifiers(), max_size=max_size, unique=True))
    found: list[Conversation] = []
    for i in ids:
        found.append(draw(_query_conversation(i, found)))
    return found


class oracle:  # noqa: N801 - a namespace of brute-force reference queries
    """Brute-force answers to the store queries, computed from the documents themselves."""

    @staticmethod
    def conversations(
        docs: Sequence[Conversation],
        *,
        cycle: str | None = None,
        person: str | None = None,
        unit: str | None = None,
        status: frozenset[ConversationStatus] | None = None,
        kind: frozenset[ConversationKind] | None = None,
    ) -> list[str]:
        """Ids of the conversations matching every filter, sorted."""
        return sorted(
            c.id
            for c in docs
            if (cycle is None or c.cycle == cycle)
            and (unit is None or c.unit == unit)
            and (person is None or person in [p.person for p in c.participants])
            and (status is None or c.status in status)
            and (kind is None or c.kind in kind)
        )

    @staticmethod
    def previous(
        docs: Sequence[Conversation],
        person: str,
        kind: ConversationKind,
        before: pendulum.DateTime | None,
    ) -> str | None:
        """Id of the latest conversation of ``kind`` developing ``person`` before ``before``."""
        found = [
            c
            for c in docs
            if c.kind is kind
            and c.scheduled_start is not None
            and (before is None or c.scheduled_start < before)
            and person in c.developed
        ]
        if not found:
            return None
        return max(found, key=lambda c: (c.scheduled_start, c.id)).id

    @staticmethod
    def agreements(
        docs: Sequence[Conversation],
        *,
        owner: str | None = None,
        status: frozenset[AgreementStatus] | None = None,
        due_before: pendulum.Date | None = None,
        include_uncounted: bool = False,
        due_from: pendulum.Date | None = None,
        unit: str | None = None,
        cycle: str | None = None,
    ) -> list[tuple[str, str]]:
        """``(conversation id, agreement id)`` of the matching agreements, in query order.

        Only the agreements that count
        (:func:`musframework.model.round.counted_agreements`), unless ``include_uncounted``.
        """
        counted = {(c.conversation.id, c.position) for c in counted_agreements(docs)}
        rows = []
        for c in docs:
            for i, a in enumerate(c.agreements):
                if (
                    (owner is None or a.owner == owner)
                    and (status is None or a.status in status)
                    and (due_before is None or (a.deadline is not None and a.deadline < due_before))
                    and (due_from is None or (a.deadline is not None and a.deadline >= due_from))
                    and (unit is None or c.unit == unit)
                    and (cycle is None or c.cycle == cycle)
                    and (include_uncounted or (c.id, i) in counted)
                ):
                    key = (a.deadline is None, a.deadline or pendulum.date(1, 1, 1), c.id, i)
                    rows.append((key, (c.id, a.id)))
        return [r for _, r in sorted(rows)]


def _ids(records: Sequence[AgreementRecord]) -> list[tuple[str, str]]:
    return [(r.conversation, r.agreement.id) for r in records]


class StoreConformance:
    """Base class of the conformance tests; subclass it and implement :meth:`make_store`.

    Property tests run at most 6 (round trips) and 12 (queries) hypothesis examples, fewer
    when the active profile asks for fewer.
    """

    def make_store(self, directory: pathlib.Path, *, clock: Clock) -> Store:
        """Return a new, empty store (``directory`` is a fresh temporary directory)."""
        raise NotImplementedError

    @contextlib.contextmanager
    def fresh_store(self, clock: Clock | None = None) -> Iterator[Store]:
        """A new store from :meth:`make_store`, closed and cleaned up afterwards."""
        directory = pathlib.Path(tempfile.mkdtemp(prefix="mf-store-"))
        store = self.make_store(directory, clock=clock or FixedClock(_CLOCK_START))
        try:
            yield store
        finally:
            store.close()
            shutil.rmtree(directory, ignore_errors=True)

    # ------------------------------------------------------------------ round trips

    @_suite_settings(6)
    @given(
        questionnaire=mst.questionnaires(),
        data=st.data(),
        person=mst.people(),
        unit=mst.org_units(),
        group=mst.groups(),
        cycle=mst.cycles(),
        draft=mst.response_drafts(),
    )
    def test_round_trip_of_generated_documents(
        self,
        questionnaire: Questionnaire,
        data: st.DataObject,
        person: Person,
        unit: OrgUnit,
        group: Group,
        cycle: Any,
        draft: ResponseDraft,
    ) -> None:
        """Every kind of document loads back equal, with zone names, at revision 1."""
        conversation = data.draw(mst.conversations(questionnaire))
        with self.fresh_store() as store:
            for document in (questionnaire, conversation, person, unit, group, cycle, draft):
                assert store.save(document) == 1
                version = getattr(document, "version", None)
                loaded = store.load(type(document), document.id, version)
                assert loaded.revision == 1
                assert loaded.document == document
                assert dumps(loaded.document) == dumps(document)
                assert [s.document for s in store.documents(type(document))] == [document]

    def test_missing_documents(self) -> None:
        """Loading what is not there raises NotFoundError; ``get`` returns None."""
        with self.fresh_store() as store:
            assert store.get(Person, "nobody") is None
            assert store.get(Questionnaire, "form") is None
            with pytest.raises(NotFoundError):
                store.load(Conversation, "nothing")
            assert store.documents(Person) == []
            assert store.conversations() == []

    # ------------------------------------------------------------------ revisions

    def test_stale_revision_raises_conflict_and_keeps_the_stored_document(self) -> None:
        """Saving over an old revision names the document and overwrites nothing."""
        with self.fresh_store() as store:
            first = Person(id="ane", name="Ane Holm")
            assert store.save(first) == 1
            assert store.save(attrs.evolve(first, name="Ane H."), revision=1) == 2
            with pytest.raises(ConflictError) as caught:
                store.save(attrs.evolve(first, name="Stale"), revision=1)
            assert caught.value.document == ("person", "ane")
            assert (caught.value.expected, caught.value.actual) == (1, 2)
            assert "ane" in str(caught.value)
            assert store.load(Person, "ane") == store.load(Person, "ane")
            assert store.load(Person, "ane").document.name == "Ane H."
            with pytest.raises(ConflictError):
                store.save(first)  # "new" again: revision 0 over an existing document
            with pytest.raises(ConflictError) as ahead:
                store.save(first, revision=7)
            assert (ahead.value.expected, ahead.value.actual) == (7, 2)
            with pytest.raises(ConflictError) as unknown:
                store.save(Person(id="nobody", name="N"), revision=3)
            assert unknown.value.actual == 0
            assert store.get(Person, "nobody") is None
            assert store.load(Person, "ane").revision == 2

    def test_delete_checks_the_revision(self) -> None:
        """A delete needs the current revision; afterwards the document is gone."""
        with self.fresh_store() as store:
            store.save(Person(id="bo", name="Bo"))
            store.save(Person(id="bo", name="Bo Lund"), revision=1)
            with pytest.raises(ConflictError):
                store.delete(Person, "bo", revision=1)
            assert store.get(Person, "bo") is not None
            store.delete(Person, "bo", revision=2)
            assert store.get(Person, "bo") is None
            assert store.save(Person(id="bo", name="Bo again")) == 1

    def test_questionnaire_versions(self) -> None:
        """Versions are kept side by side, listed oldest first, and the latest loads."""
        with self.fresh_store() as store:
            for version in ("2", "10", "1"):
                store.save(Questionnaire(id="mus", version=version, title="MUS " + version))
            store.save(Questionnaire(id="other", version="5", title="Other"))
            assert store.questionnaire_versions("mus") == ["1", "2", "10"]
            assert store.questionnaire_versions("none") == []
            assert store.load(Questionnaire, "mus").document.version == "10"
            assert store.load(Questionnaire, "mus", "2").document.title.get("da") == "MUS 2"
            with pytest.raises(ConflictError) as caught:
                store.save(Questionnaire(id="mus", version="2", title="again"))
            assert caught.value.document == ("questionnaire", "mus@2")

    # ------------------------------------------------------------------ units of work

    def test_unit_of_work_saves_everything_together(self) -> None:
        """All documents of a unit of work are written, with their new revisions."""
        with self.fresh_store() as store:
            store.save(Person(id="ane", name="Ane"))
            with store.unit_of_work(actor="hr") as uow:
                uow.save(Person(id="ane", name="Ane Holm"), revision=1)
                uow.save(Person(id="bo", name="Bo"))
                uow.save(OrgUnit(id="it", name="IT", leader="bo", members=["ane"]))
                assert store.get(Person, "bo") is None  # nothing before the block ends
            assert uow.revisions == {("person", "ane"): 2, ("person", "bo"): 1, ("unit", "it"): 1}
            assert store.load(Person, "ane").document.name == "Ane Holm"
            assert [e.actor for e in store.audit_log()][-3:] == ["hr", "hr", "hr"]

    def test_unit_of_work_with_a_conflict_in_the_middle_writes_nothing(self) -> None:
        """A stale revision anywhere in the unit of work leaves every document as it was."""
        with self.fresh_store() as store:
            store.save(Person(id="ane", name="Ane"))
            store.save(Person(id="ane", name="Ane Holm"), revision=1)
            before = len(store.audit_log())
            with pytest.raises(ConflictError) as caught, store.unit_of_work() as uow:  # noqa: PT012
                uow.save(Person(id="bo", name="Bo"))
                uow.save(Person(id="ane", name="Stale"), revision=1)
                uow.save(Person(id="cai", name="Cai"))
            assert caught.value.document == ("person", "ane")
            assert store.get(Person, "bo") is None
            assert store.get(Person, "cai") is None
            assert store.load(Person, "ane").document.name == "Ane Holm"
            assert len(store.audit_log()) == before

    def test_unit_of_work_with_an_error_writes_nothing(self) -> None:
        """An exception in the block, or a document failing in the middle, writes nothing."""
        with self.fresh_store() as store:
            with pytest.raises(RuntimeError), store.unit_of_work() as uow:  # noqa: PT012
                uow.save(Person(id="ane", name="Ane"))
                raise RuntimeError("the app failed half-way")
            assert store.get(Person, "ane") is None
            naive = Conversation(
                id="c2",
                kind="MUS",
                participants=[Participant("bo", "employee")],
                notes=[Note(author="bo", text="x", at=pendulum.naive(2026, 1, 1))],
            )
            with pytest.raises(ValueError, match="naive"), store.unit_of_work() as uow:  # noqa: PT012
                uow.save(Person(id="bo", name="Bo"))
                uow.save(naive)
                uow.save(Person(id="cai", name="Cai"))
            assert store.documents(Person) == []
            assert store.conversations() == []
            assert store.audit_log() == []

    def test_save_many_is_one_transaction_unless_asked_otherwise(self) -> None:
        """A failed ``save_many`` leaves nothing of the call behind, over several chunks.

        With ``atomic=False`` the chunks committed before the failure stay. Either way the
        audit log's hash chain holds and ``verify()`` finds nothing.
        """
        with self.fresh_store() as store:
            save_many = getattr(store, "save_many", None)
            if not callable(save_many):
                pytest.skip("the backend has no save_many()")
            store.save(Person(id="p3", name="Taken"))
            people = [Person(id=f"p{i}", name=f"P {i}") for i in range(6)]
            convs = [
                Conversation(
                    id=f"c{i}",
                    kind="MUS",
                    participants=[Participant(f"p{i}", "employee"), Participant("p9", "leader")],
                    agreements=[Agreement(id="a", description="a course", owner=f"p{i}")],
                )
                for i in range(4)
            ]
            naive = attrs.evolve(
                convs[3], notes=[Note(author="p9", text="x", at=pendulum.naive(2026, 1, 1))]
            )

            def nothing_new() -> None:
                assert store.conversations() == []
                assert store.conversations(person="p9") == []
                assert store.agreements(owner="p0", include_uncounted=True) == []
                assert [s.document.id for s in store.documents(Person)] == ["p3"]
                assert len(store.audit_log()) == 1

            # chunks of 2: [c0 c1] [c2 p0] [p1 p2] [p3 p4] [p5]; p3 exists already
            with pytest.raises(ConflictError) as caught:
                save_many([*convs[:3], *people], chunk=2, actor="importer")
            assert caught.value.document == ("person", "p3")
            nothing_new()
            with pytest.raises(ValueError, match="naive"):
                save_many([*convs[:3], *people[:3], naive], chunk=2)
            nothing_new()

            with pytest.raises(ConflictError):
                save_many([*convs[:3], *people], chunk=2, atomic=False)
            assert [s.document.id for s in store.conversations(person="p9")] == ["c0", "c1", "c2"]
            assert sorted(s.document.id for s in store.documents(Person)) == [
                "p0",
                "p1",
                "p2",
                "p3",
            ]
            assert len(store.audit_log()) == 7

            assert save_many([*people[4:], convs[3]], chunk=2) == 3
            assert [
                r.conversation for r in store.agreements(owner="p3", include_uncounted=True)
            ] == ["c3"]
            log = store.audit_log()
            assert len(log) == 10
            assert [e.previous for e in log[1:]] == [e.hash for e in log[:-1]]
            if callable(getattr(store, "verify", None)):
                report = cast(Any, store).verify()
                assert report.ok, report.findings
                assert report.entries == len(log)

    # ------------------------------------------------------------------ queries

    @_suite_settings(12)
    @given(world=worlds(), days=st.integers(0, 365))
    def test_queries_match_a_brute_force_oracle(self, world: list[Conversation], days: int) -> None:
        """Every query answers what a scan over the same documents answers."""
        with self.fresh_store() as store:
            with store.unit_of_work() as uow:
                for c in world:
                    uow.save(c)

            def ids(found: Sequence[Any]) -> list[str]:
                return [s.document.id for s in found]

            statuses = [
                None,
                frozenset({ConversationStatus.PLANNED}),
                frozenset({ConversationStatus.HELD, ConversationStatus.SIGNED}),
            ]
            kinds = [
                None,
                frozenset({ConversationKind.MUS}),
                frozenset({ConversationKind.GRUS, ConversationKind.LUS}),
            ]
            assert ids(store.conversations()) == oracle.conversations(world)
            for cycle in (None, "c1", "nope"):
                for unit in (None, "u1"):
                    for status, kind in zip(statuses, kinds, strict=True):
                        expected = oracle.conversations(
                            world, cycle=cycle, unit=unit, status=status, kind=kind
                        )
                        found = store.conversations(
                            cycle=cycle, unit=unit, status=status, kind=kind
                        )
                        assert ids(found) == expected
            for person in (*PEOPLE[:4], "nobody"):
                assert ids(store.conversations(person=person)) == oracle.conversations(
                    world, person=person
                )
                assert ids(
                    store.conversations(person=person, cycle="c1", status="planned")
                ) == oracle.conversations(
                    world,
                    person=person,
                    cycle="c1",
                    status=frozenset({ConversationStatus.PLANNED}),
                )
                starts = [c.scheduled_start for c in world if c.scheduled_start is not None]
                for conversation_kind in ConversationKind:
                    for before in (None, *starts[:1]):
                        found_prev = store.previous_conversation(
                            person, conversation_kind, before=before
                        )
                        assert (
                            None if found_prev is None else found_prev.document.id
                        ) == oracle.previous(world, person, conversation_kind, before)
                assert _ids(store.agreements(owner=person)) == oracle.agreements(
                    world, owner=person
                )
            on = pendulum.date(2026, 1, 1).add(days=days)
            assert _ids(store.agreements()) == oracle.agreements(world)
            assert _ids(store.agreements(include_uncounted=True)) == oracle.agreements(
                world, include_uncounted=True
            )
            assert _ids(store.overdue_agreements(on)) == oracle.agreements(
                world, status=_OPEN, due_before=on
            )
            assert _ids(store.agreements(due_before=on)) == oracle.agreements(world, due_before=on)
            for agreement_status in AgreementStatus:
                assert _ids(store.agreements(status=agreement_status)) == oracle.agreements(
                    world, status=frozenset({agreement_status})
                )
                assert _ids(
                    store.agreements(status=agreement_status, include_uncounted=True)
                ) == oracle.agreements(
                    world, status=frozenset({agreement_status}), include_uncounted=True
                )
            by_id = {c.id: c for c in world}
            for record in store.agreements(include_uncounted=True):
                assert record.agreement in by_id[record.conversation].agreements

    @_suite_settings(12)
    @given(world=worlds(), days=st.integers(0, 365))
    def test_unit_cycle_and_deadline_filters_and_counts_match_the_oracle(
        self, world: list[Conversation], days: int
    ) -> None:
        """Agreements by unit, cycle, owner, status and deadline, and every count, in SQL."""
        with self.fresh_store() as store:
            with store.unit_of_work() as uow:
                for c in world:
                    uow.save(c)
            on = pendulum.date(2026, 1, 1).add(days=days)
            for unit in (None, "u1", "u2", "nope"):
                for cycle in (None, "c1"):
                    for owner in (None, PEOPLE[1]):
                        expected = oracle.agreements(
                            world, status=_OPEN, due_before=on, unit=unit, cycle=cycle, owner=owner
                        )
                        found = store.overdue_agreements(on, unit=unit, cycle=cycle, owner=owner)
                        assert _ids(found) == expected
                        assert store.count_overdue_agreements(
                            on, unit=unit, cycle=cycle, owner=owner
                        ) == len(expected)
                    later = on.add(days=60)
                    for uncounted in (False, True):
                        expected = oracle.agreements(
                            world,
                            unit=unit,
                            cycle=cycle,
                            include_uncounted=uncounted,
                            due_from=on,
                            due_before=later,
                        )
                        found = store.agreements(
                            unit=unit,
                            cycle=cycle,
                            include_uncounted=uncounted,
                            due_from=on,
                            due_before=later,
                        )
                        assert _ids(found) == expected
                        assert store.count_agreements(
                            unit=unit,
                            cycle=cycle,
                            include_uncounted=uncounted,
                            due_from=on,
                            due_before=later,
                        ) == len(expected)
                    assert store.count_agreements(unit=unit, cycle=cycle) == len(
                        oracle.agreements(world, unit=unit, cycle=cycle)
                    )
                    for status in (None, frozenset({ConversationStatus.HELD}), _NOT_HELD):
                        expected_ids = oracle.conversations(
                            world, unit=unit, cycle=cycle, status=status
                        )
                        assert store.count_conversations(
                            unit=unit, cycle=cycle, status=status
                        ) == len(expected_ids)
            for person in PEOPLE[:3]:
                assert store.count_conversations(person=person, kind="MUS") == len(
                    oracle.conversations(
                        world, person=person, kind=frozenset({ConversationKind.MUS})
                    )
                )

    @_suite_settings(12)
    @given(world=worlds(), days=st.integers(0, 365))
    def test_overdue_in_a_unit_is_what_the_round_facts_say(
        self, world: list[Conversation], days: int
    ) -> None:
        """The store's overdue query agrees with the model's facts, unit by unit.

        The facts: the agreements that count (``counted_agreements``) whose state on the day
        is ``OVERDUE`` (``agreement_state``), grouped by their conversation's ``unit``.
        """
        on = pendulum.date(2026, 1, 1).add(days=days)
        facts: dict[str | None, set[tuple[str, str]]] = {}
        for counted in counted_agreements(world):
            if agreement_state(counted.agreement, on=on) is AgreementState.OVERDUE:
                unit = counted.conversation.unit
                facts.setdefault(unit, set()).add((counted.conversation.id, counted.agreement.id))
        with self.fresh_store() as store:
            with store.unit_of_work() as uow:
                for c in world:
                    uow.save(c)
            for unit in ("u1", "u2", "nope"):
                found = _ids(store.overdue_agreements(on, unit=unit))
                assert set(found) == facts.get(unit, set())
                assert len(found) == len(set(found))
                assert store.count_overdue_agreements(on, unit=unit) == len(found)
            everything = _ids(store.overdue_agreements(on))
            assert set(everything) == set().union(*facts.values())

    @_suite_settings(8)
    @given(world=worlds(), batch=st.integers(1, 4))
    def test_iter_conversations_streams_what_conversations_lists(
        self, world: list[Conversation], batch: int
    ) -> None:
        """Streamed in pages of any size, a query gives the same documents in the same order."""
        with self.fresh_store() as store:
            with store.unit_of_work() as uow:
                for c in world:
                    uow.save(c)
            queries: list[dict[str, Any]] = [
                {},
                {"cycle": "c1"},
                {"unit": "u2", "status": ["held", "signed", "planned"]},
                {"person": PEOPLE[0]},
                {"kind": "MUS", "cycle": "c2"},
            ]
            for query in queries:
                listed = store.conversations(**query)
                streamed = list(store.iter_conversations(**query, batch=batch))
                assert streamed == listed
                assert store.count_conversations(**query) == len(listed)

    def test_iter_conversations_reads_page_by_page(self) -> None:
        """Each page is a query of its own: the store can be used between pages."""
        with self.fresh_store() as store:
            for i in range(5):
                store.save(Conversation(id=f"c{i}", kind="MUS", cycle="r"))
            stream = store.iter_conversations(cycle="r", batch=2)
            assert next(stream).document.id == "c0"
            store.save(Conversation(id="c9", kind="MUS", cycle="r"))  # after the last id read
            store.save(Conversation(id="b0", kind="MUS", cycle="r"))  # before it: not seen
            assert [s.document.id for s in stream] == ["c1", "c2", "c3", "c4", "c9"]
            assert list(store.iter_conversations(cycle="none")) == []
            with pytest.raises(StorageError):
                next(store.iter_conversations(batch=0))

    def test_conversation_source_reads_the_query_again_for_each_pass(self) -> None:
        """``conversation_source``: every pass is the query, ``len`` its count, ``get`` by key."""
        with self.fresh_store() as store:
            for i in range(5):
                store.save(Conversation(id=f"c{i}", kind="MUS", cycle="r", unit=f"u{i % 2}"))
            store.save(Conversation(id="x0", kind="GRUS", cycle="other"))
            source = store.conversation_source(cycle="r", unit="u0", batch=2)
            assert [c.id for c in source] == ["c0", "c2", "c4"]
            store.save(Conversation(id="c6", kind="MUS", cycle="r", unit="u0"))
            assert [c.id for c in source] == ["c0", "c2", "c4", "c6"]  # a new pass, a new query
            assert len(source) == 4
            found = source.get("c2")
            assert found is not None
            assert found.unit == "u0"
            assert source.get("c1") is None  # stored, but another unit
            assert source.get("x0") is None
            assert source.get("nope") is None
            with pytest.raises(StorageError):
                store.conversation_source(batch=0)

    def test_queries_follow_updates_and_deletes(self) -> None:
        """Indexes change with the documents: an update moves, a delete removes."""
        with self.fresh_store() as store:
            agreement = Agreement(
                id="a1", description="Kursus", owner="ane", deadline=pendulum.date(2026, 5, 1)
            )
            c = Conversation(
                id="c1",
                kind="MUS",
                cycle="r1",
                participants=[Participant("ane", "employee"), Participant("bo", "leader")],
                agreements=[agreement],
                status="held",
            )
            store.save(c)
            on = pendulum.date(2026, 6, 1)
            assert _ids(store.overdue_agreements(on)) == [("c1", "a1")]
            # Carried over into a planned conversation, the copy counts instead ...
            copy = attrs.evolve(agreement, continues="a1")
            later = Conversation(
                id="c2",
                kind="MUS",
                participants=c.participants,
                agreements=[copy],
                previous="c1",
            )
            store.save(later)
            assert _ids(store.overdue_agreements(on)) == [("c2", "a1")]
            # ... until that conversation is cancelled: then the original counts again.
            store.save(attrs.evolve(later, status="cancelled"), revision=1)
            assert _ids(store.overdue_agreements(on)) == [("c1", "a1")]
            assert _ids(store.agreements(include_uncounted=True)) == [("c1", "a1"), ("c2", "a1")]
            store.delete(Conversation, "c2", revision=2)
            done = agreement.with_status("done", by="ane", at=_CLOCK_START)
            moved = attrs.evolve(
                c, cycle="r2", participants=[Participant("cai", "employee")], agreements=[done]
            )
            store.save(moved, revision=1)
            assert store.overdue_agreements(on) == []
            assert store.conversations(cycle="r1") == []
            assert [s.document for s in store.conversations(cycle="r2")] == [moved]
            assert store.conversations(person="ane") == []
            assert [s.revision for s in store.conversations(person="cai")] == [2]
            store.delete(Conversation, "c1", revision=2)
            assert store.agreements() == []
            assert store.conversations(person="cai") == []

    # ------------------------------------------------------------------ migration

    def test_older_schema_versions_are_migrated_when_loaded(self) -> None:
        """A document stored at version N loads through the registered N -> N+1 step."""
        with self.fresh_store() as store:
            store.save(Person(id="ane", name="ane holm"))
            conversation = Conversation(
                id="c1",
                kind="MUS",
                place="room 1",
                participants=[Participant("ane", "employee")],
                agreements=[Agreement(id="a1", description="course", owner="ane")],
                status="held",
            )
            store.save(conversation)
            old_person, old_conversation = Person.SCHEMA_VERSION, Conversation.SCHEMA_VERSION

            def person_step(data: dict[str, Any]) -> dict[str, Any]:
                return {**data, "name": data["name"].title()}

            def conversation_step(data: dict[str, Any]) -> dict[str, Any]:
                agreements = [
                    {**a, "description": a["description"].upper()}
                    for a in data.get("agreements", [])
                ]
                return {
                    **data,
                    "place": data.get("place", "") + " (migrated)",
                    "agreements": agreements,
                }

            register_migration("person", old_person, person_step)
            register_migration("conversation", old_conversation, conversation_step)
            try:
                Person.SCHEMA_VERSION = old_person + 1
                Conversation.SCHEMA_VERSION = old_conversation + 1
                assert store.load(Person, "ane").document.name == "Ane Holm"
                loaded = store.load(Conversation, "c1").document
                assert loaded.place == "room 1 (migrated)"
                assert [s.document.place for s in store.conversations(person="ane")] == [
                    "room 1 (migrated)"
                ]
                records = store.agreements(owner="ane")
                assert [r.agreement.description for r in records] == ["COURSE"]
                # a document saved now carries the new version and is not migrated again
                store.save(loaded, revision=1)
                assert store.load(Conversation, "c1").document.place == "room 1 (migrated)"
            finally:
                Person.SCHEMA_VERSION = old_person
                Conversation.SCHEMA_VERSION = old_conversation
                unregister_migration("person", old_person)
                unregister_migration("conversation", old_conversation)

    # ------------------------------------------------------------------ audit log

    def test_audit_log_records_who_did_what_when_without_content(self) -> None:
        """Creates, updates and deletes are logged with revision, actor and clock time."""
        clock = FixedClock(_CLOCK_START)
        with self.fresh_store(clock) as store:
            store.save(Person(id="ane", name="Ane Secretname"), actor="hr")
            clock.advance(minutes=5)
            store.save(Person(id="ane", name="Ane Other"), revision=1, actor="ane")
            clock.advance(minutes=5)
            store.delete(Person, "ane", revision=2, actor="hr")
            log = store.audit_log()
            assert [(e.kind, e.id, e.revision, e.actor, e.action) for e in log] == [
                ("person", "ane", 1, "hr", "create"),
                ("person", "ane", 2, "ane", "update"),
                ("person", "ane", 2, "hr", "delete"),
            ]
            assert [e.at for e in log] == [
                _CLOCK_START,
                _CLOCK_START.add(minutes=5),
                _CLOCK_START.add(minutes=10),
            ]
            assert log[0].at.timezone_name == "Europe/Copenhagen"
            assert "Secretname" not in repr(log)
            assert store.audit_log(kind="person", id="ane") == log
            assert store.audit_log(kind="conversation") == []

    # ------------------------------------------------------------------ privacy

    def _people_world(self, store: Store) -> None:
        store.save(Person(id="ane", name="Ane Kirstine Holm", email="ane.holm@example.dk"))
        store.save(Person(id="bo", name="Bo Lund", email="bo@example.dk"), actor="hr")
        store.save(OrgUnit(id="it", name="IT", leader="bo", members=["ane", "cai"]))
        store.save(Group(id="g", name="Team of Ane Kirstine Holm", leader="bo", members=["ane"]))
        at = _CLOCK_START
        agreement = Agreement(
            id="a1",
            description="Ane Kirstine Holm takes a course",
            owner="ane",
            deadline=pendulum.date(2026, 6, 1),
        ).with_status("in_progress", by="ane", at=at, note="started")
        mus = Conversation(
            id="mus-1",
            kind="MUS",
            participants=[Participant("ane", "employee"), Participant("bo", "leader")],
            scheduled_start=at,
            responses=[
                Response(
                    questionnaire=QuestionnaireRef("f", "1"),
                    role="employee",
                    person="ane",
                    answers={"q": TextAnswer("I want to learn Python")},
                ),
                Response(
                    questionnaire=QuestionnaireRef("f", "1"),
                    role="leader",
                    person="bo",
                    answers={"q": TextAnswer("Ane Kirstine Holm does well")},
                ),
            ],
            notes=[
                Note(author="ane", text="my own note", private=True),
                Note(author="bo", text="private note of Bo", private=True),
                Note(author="bo", text="mail ane.holm@example.dk", private=False),
            ],
            conclusions=["Ane Kirstine Holm will learn Python"],
            agreements=[agreement],
            signatures=[Signature(person="ane", role="employee", signed_at=at, digest="0" * 64)],
            status="concluded",
        )
        store.save(mus, actor="ane")
        other = Conversation(
            id="mus-2",
            kind="MUS",
            participants=[Participant("cai", "employee"), Participant("bo", "leader")],
            conclusions=["Cai helps Ane Kirstine Holm"],
        )
        store.save(other, actor="bo")
        store.save(
            ResponseDraft(
                conversation="mus-1",
                person="ane",
                questionnaire=QuestionnaireRef("f", "1"),
                role="employee",
                answers={"q": TextAnswer("half a thought")},
                saved_at=at,
            ),
            actor="ane",
        )
        store.save(
            ResponseDraft(
                conversation="mus-2",
                person="cai",
                questionnaire=QuestionnaireRef("f", "1"),
                role="employee",
                answers={"q": TextAnswer("Ane Kirstine Holm helps me")},
                saved_at=at,
            ),
            actor="cai",
        )

    def test_response_drafts_are_kept_per_conversation_and_author(self) -> None:
        """A draft is stored under its conversation and author; saving again is revision 2."""
        with self.fresh_store() as store:
            draft = ResponseDraft(
                conversation="c1",
                person="ane",
                questionnaire=QuestionnaireRef("f", "1"),
                role="employee",
                answers={"q": TextAnswer("first")},
                saved_at=_CLOCK_START,
            )
            assert store.save(draft) == 1
            assert store.get(ResponseDraft, draft_id("c1", "bo")) is None
            assert store.get(ResponseDraft, draft_id("c2", "ane")) is None
            changed = attrs.evolve(draft, answers={"q": TextAnswer("second")})
            assert store.save(changed, revision=1) == 2
            with pytest.raises(ConflictError):
                store.save(draft, revision=1)
            assert store.load(ResponseDraft, draft.id).document == changed
            store.delete(ResponseDraft, draft.id, revision=2)
            assert store.get(ResponseDraft, draft.id) is None

    def test_export_person_holds_everything_about_them(self) -> None:
        """One JSON document: the person, their conversations, units, groups and audit lines."""
        with self.fresh_store() as store:
            self._people_world(store)
            export = store.export_person("ane")
            json.dumps(export)  # JSON-compatible as it is
            assert export["person"]["email"] == "ane.holm@example.dk"
            assert [c["document"]["id"] for c in export["conversations"]] == ["mus-1"]
            notes = export["conversations"][0]["document"]["notes"]
            assert "private note of Bo" not in [n["text"] for n in notes]
            assert "my own note" in [n["text"] for n in notes]
            assert [u["document"]["id"] for u in export["units"]] == ["it"]
            assert [g["document"]["id"] for g in export["groups"]] == ["g"]
            drafts = export["response_drafts"]
            assert [d["document"]["conversation"] for d in drafts] == ["mus-1"]
            assert drafts[0]["document"]["answers"]["q"]["value"] == "half a thought"
            assert {(e["kind"], e["id"], e["actor"]) for e in export["audit_log"]} == {
                ("person", "ane", "system"),
                ("conversation", "mus-1", "ane"),
                ("response_draft", draft_id("mus-1", "ane"), "ane"),
            }
            assert store.export_person("nobody")["person"] is None

    def test_erase_person_removes_their_data_and_keeps_the_counts(self) -> None:
        """After erasure no document or log line holds the id, name or e-mail; counts stay."""
        with self.fresh_store() as store:
            self._people_world(store)
            before = store.load(Conversation, "mus-1").document
            counts = self._counts(store)
            pseudonym = store.erase_person("ane", actor="dpo")
            assert pseudonym not in ("ane", "")
            assert self._counts(store) == counts
            texts = [
                dumps(s.document)
                for cls in (Person, OrgUnit, Group, Conversation, ResponseDraft)
                for s in store.documents(cls)
            ]
            texts.append(repr(store.audit_log()))
            for text in texts:
                for secret in ("Ane Kirstine Holm", "ane.holm@example.dk", '"ane"', "'ane'"):
                    assert secret not in text
            after = store.load(Conversation, "mus-1")
            assert after.revision == 2
            c = after.document
            assert c.participants[0] == Participant(pseudonym, Role.EMPLOYEE)
            assert c.participants[1] == before.participants[1]
            assert c.agreements[0].owner == pseudonym
            assert c.agreements[0].history[0].by == pseudonym
            assert c.signatures[0].person == pseudonym
            assert c.responses[0].person == pseudonym
            assert c.responses[0].answers["q"] == TextAnswer("[erased]")
            assert c.notes[0].author == pseudonym
            assert c.notes[0].text == "[erased]"
            assert c.notes[1] == before.notes[1]
            assert c.conclusions == ("[erased] will learn Python",)
            assert store.load(Conversation, "mus-2").document.conclusions == ("Cai helps [erased]",)
            assert store.load(OrgUnit, "it").document.members == (pseudonym, "cai")
            assert store.get(Person, "ane") is None
            assert store.load(Person, pseudonym).document.email is None
            assert store.conversations(person="ane") == []
            assert [s.document.id for s in store.conversations(person=pseudonym)] == ["mus-1"]
            assert _ids(store.agreements(owner=pseudonym)) == [("mus-1", "a1")]
            assert {e.action for e in store.audit_log() if e.actor == "dpo"} == {"erase"}
            assert store.get(ResponseDraft, draft_id("mus-1", "ane")) is None
            kept = store.load(ResponseDraft, draft_id("mus-2", "cai")).document
            assert kept.answers["q"] == TextAnswer("[erased] helps me")
            store.compact()
            assert store.load(Conversation, "mus-1").revision == 2

    # ------------------------------------------------------------------ tamper evidence

    def test_the_audit_log_is_a_hash_chain_that_survives_erasure(self) -> None:
        """Each entry links to the one before; verify() finds nothing in what the library wrote.

        Renaming an erased person's entries keeps the chain (their seals stay, the nonces
        go); a signature by someone who need not sign, or with a proof that fails, is found.
        """
        signer = HmacSigner({"conformance": b"c" * 32})
        with self.fresh_store() as store:
            if not callable(getattr(store, "verify", None)):
                pytest.skip("the backend has no verify()")
            self._people_world(store)
            log = store.audit_log()
            assert [e.previous for e in log[1:]] == [e.hash for e in log[:-1]]
            assert log[0].previous == ""
            assert all(len(e.hash) == 64 for e in log), "link the entries with link_audit()"
            assert all(e.document_hash for e in log if e.action != "delete")
            report = cast(Any, store).verify(signer=signer)
            assert report.ok, report.findings
            assert report.entries == len(log)
            assert report.head == log[-1].hash
            store.erase_person("ane", actor="dpo", signer=signer)
            store.compact()
            after = cast(Any, store).verify(signer=signer)
            assert after.ok, after.findings
            assert "ane" not in {e.actor for e in store.audit_log()}
            stored = store.load(Conversation, "mus-2")
            eve = Signature(person="eve", role="employee", signed_at=_CLOCK_START, digest="0")
            store.save(attrs.evolve(stored.document, signatures=[eve]), revision=stored.revision)
            found = cast(Any, store).verify(signer=signer)
            assert [f.code for f in found.findings] == ["signature.not-required"]

    @staticmethod
    def _counts(store: Store) -> dict[str, int]:
        conversations = [s.document for s in store.documents(Conversation)]
        return {
            "people": len(store.documents(Person)),
            "units": len(store.documents(OrgUnit)),
            "groups": len(store.documents(Group)),
            "conversations": len(conversations),
            "participants": sum(len(c.participants) for c in conversations),
            "agreements": sum(len(c.agreements) for c in conversations),
            "responses": sum(len(c.responses) for c in conversations),
            "notes": sum(len(c.notes) for c in conversations),
            "signatures": sum(len(c.signatures) for c in conversations),
        }
