"""Everything about a round in one call: :func:`analyse_round` and :class:`RoundAnalysis`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs
import pendulum

from musframework.analytics._table import Table, html_table
from musframework.analytics.figures import (
    AgreementBreakdown,
    CarryOver,
    ConversationProgress,
    Coverage,
    DeadlineTimeline,
    DueAgreements,
    EvaluationResults,
    InvitationLeadTimes,
    RatingGaps,
    agreement_breakdown,
    agreement_deadlines,
    carry_over_summary,
    conversation_progress,
    coverage,
    due_agreements,
    evaluation_results,
    invitation_lead_times,
    rating_gaps,
)
from musframework.catalogue import Message, translate
from musframework.clock import Clock, resolve_clock
from musframework.errors import DataError
from musframework.model import (
    Conversation,
    Cycle,
    Finding,
    Organisation,
    Questionnaire,
    Response,
)
from musframework.model.round import minimum_group_size
from musframework.model.source import ConversationSource, in_passes
from musframework.policy import Action, Policy, Viewer, authorize, seen_by
from musframework.progress import ProgressLike, ProgressReporter, gc_paused, track

__all__ = ["RoundAnalysis", "analyse_round"]


@attrs.frozen(kw_only=True)
class RoundAnalysis(Table):
    """Every figure of a round; ``to_records()`` gives the key figures.

    Attributes:
        cycle: The round's id.
        name: The round's name.
        on: The day time-dependent figures were derived from.
        progress: Conversations by status and unit.
        coverage: Who in scope is covered, planned, cancelled or missing (needs the
            organisation).
        invitations: Invitation lead times.
        agreements: Agreements by status, owner role and learning method.
        due: Overdue and due-soon agreements.
        deadlines: Agreement deadlines and states over time.
        rating_gaps: Self vs leader ratings.
        evaluation: The round's evaluation (needs the evaluation questionnaire).
        carry_over: Agreements continued from the previous round (needs its conversations).
        locale: The language of names and of the notebook tables.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("figure", "value")
    TITLE: ClassVar[str] = "table.title.round-analysis"

    cycle: str
    name: str
    on: pendulum.Date
    progress: ConversationProgress
    coverage: Coverage | None
    invitations: InvitationLeadTimes
    agreements: AgreementBreakdown
    due: DueAgreements
    deadlines: DeadlineTimeline
    rating_gaps: RatingGaps
    evaluation: EvaluationResults | None
    carry_over: CarryOver | None
    locale: str = "da"

    def key_figures(self) -> dict[str, int | float | None]:
        """The headline numbers, by key (see :meth:`to_records` for labels)."""
        figures: dict[str, int | float | None] = {
            "conversations": self.progress.total,
            "held": self.progress.held,
            "held_share": self.progress.held_share,
            "cancelled": self.progress.count("cancelled"),
        }
        if self.coverage is not None:
            figures["in_scope"] = self.coverage.in_scope
            figures["covered"] = self.coverage.covered
            figures["planned"] = self.coverage.planned
            figures["cancelled_only"] = self.coverage.cancelled
            figures["missing"] = self.coverage.missing
            figures["coverage_share"] = self.coverage.share
        figures["invited"] = self.invitations.invited
        figures["median_lead_days"] = self.invitations.median
        figures["invitations_on_time"] = self.invitations.on_time
        figures["agreements"] = self.agreements.total
        figures["overdue"] = len(self.due.overdue)
        figures["due_soon"] = len(self.due.due_soon)
        if self.carry_over is not None:
            figures["carried_over"] = self.carry_over.carried_over
            figures["carried_over_done"] = self.carry_over.done
        if self.evaluation is not None:
            figures["evaluation_responses"] = self.evaluation.responses
        return figures

    def figure_label(self, key: str, locale: str | None = None) -> str:
        """The label of key figure ``key`` in ``locale``."""
        return translate(f"figure.{key}", locale or self.locale)

    def to_records(self) -> list[dict[str, Any]]:  # noqa: D102
        return [{"figure": k, "value": v} for k, v in self.key_figures().items()]

    def tables(self) -> dict[str, Table]:
        """Every result table computed, by attribute name."""
        names = (
            "progress",
            "coverage",
            "invitations",
            "agreements",
            "due",
            "deadlines",
            "rating_gaps",
            "evaluation",
            "carry_over",
        )
        found = {n: getattr(self, n) for n in names}
        return {n: t for n, t in found.items() if t is not None}

    def to_html(self, locale: str | None = None) -> str:  # noqa: D102
        locale = locale or self.locale
        records = [
            {"figure": self.figure_label(r["figure"], locale), "value": r["value"]}
            for r in self.to_records()
        ]
        title = f"{self.name}: {self.title(locale).lower()} ({self.on.isoformat()})"
        head = html_table(title, self.COLUMNS, records, locale)
        return head + "".join(t.to_html(locale) for t in self.tables().values())


def analyse_round(
    cycle: Cycle,
    conversations: Iterable[Conversation],
    *,
    organisation: Organisation | None = None,
    previous: Iterable[Conversation] = (),
    questionnaire: Questionnaire | None = None,
    evaluation: Questionnaire | None = None,
    evaluation_responses: Iterable[Response] = (),
    on: pendulum.Date | None = None,
    clock: Clock | None = None,
    due_within: int = 30,
    locale: str = "da",
    progress: ProgressLike = None,
    viewer: Viewer | None = None,
    policy: Policy | None = None,
) -> RoundAnalysis:
    """Compute every figure of a round.

    Args:
        cycle: The round.
        conversations: The round's conversations (read into memory once).
        organisation: People and units: unit names, owner names and coverage.
        previous: The previous round's conversations, for carry-over (skipped when empty).
        questionnaire: The round's scored form, for question order and texts of rating gaps.
        evaluation: The evaluation questionnaire; its responses are taken from
            ``evaluation_responses`` and from the conversations' responses to it.
        evaluation_responses: Evaluation responses kept outside the conversations.
        on: The day overdue and due-soon are derived from (default: today by ``clock``).
        clock: Where today comes from when ``on`` is not given.
        due_within: How many days ahead "due soon" looks.
        locale: ``"da"`` or ``"en"``, for names and notebook tables.
        progress: ``None``/``False`` (silent), ``True`` (a tqdm bar) or a callback
            ``(done, total, label)``; see :mod:`musframework.progress`.
        viewer: Compute the figures over only what this person may see: each conversation
            is replaced by its redacted view under ``policy``, and those they may not see at
            all are left out (so HR figures never include private notes or unshared answers).
        policy: The access policy that decides for ``viewer`` (required with ``viewer``).

    Figures drawn from answers (rating gaps, the evaluation) follow the round's minimum group
    size (``cycle.settings.minimum_group_size``): see :mod:`musframework.model.anonymity`.

    Raises:
        AccessDeniedError: when ``viewer`` may not see the round.
        DataError: when ``viewer`` is given without ``policy``.
    """
    if viewer is not None:
        if policy is None:
            raise DataError(
                Message("error.viewer-needs-policy"),
                [Finding.error("analytics.no-policy", "policy")],
            )
        authorize(viewer, Action.VIEW, cycle, policy)
        conversations = seen_by(conversations, viewer, policy)  # a source: redacted as read
    if on is None:
        on = resolve_clock(clock).now().date()
    convs = in_passes(conversations)
    prev = in_passes(previous)
    n = len(convs)
    extra = evaluation_responses
    if evaluation is not None and not isinstance(extra, tuple | list):
        extra = tuple(extra)
    steps = 6 + (organisation is not None) + (evaluation is not None)
    total = n * steps + (len(prev) + n if prev else 0)
    if evaluation is not None:
        total += len(extra)  # type: ignore[arg-type]
    with gc_paused(), ProgressReporter.create(progress, total, "analytics") as reporter:

        def each(stage: str, size: int = n) -> Iterable[Conversation]:
            part = reporter.part(size, stage)
            if isinstance(convs, ConversationSource):  # read again by each figure's passes
                return _Tracked(convs, part, size, stage)
            return track(convs, part, total=size, label=stage)

        prog = conversation_progress(each("progress"), organisation=organisation, locale=locale)
        cover = None
        if organisation is not None:
            cover = coverage(cycle, each("coverage"), organisation, locale=locale)
        invitations = invitation_lead_times(each("invitations"), locale=locale)
        agreements = agreement_breakdown(
            each("agreements"), organisation=organisation, locale=locale
        )
        due = due_agreements(
            each("due agreements"),
            on=on,
            within_days=due_within,
            organisation=organisation,
            locale=locale,
        )
        deadlines = agreement_deadlines(each("deadlines"), on=on, locale=locale)
        minimum = minimum_group_size(cycle)
        gaps = rating_gaps(
            each("rating gaps"),
            questionnaire=questionnaire,
            organisation=organisation,
            minimum=minimum,
            locale=locale,
        )
        results = None
        if evaluation is not None:
            eid = evaluation.id
            inside = (
                r for c in each("evaluation") for r in c.responses if r.questionnaire.id == eid
            )
            outside = track(extra, reporter.part(len(extra), "evaluation"), label="evaluation")  # type: ignore[arg-type]
            results = evaluation_results(
                evaluation, itertools.chain(inside, outside), minimum=minimum, locale=locale
            )
        carried = None
        if prev:
            # carry_over_summary reads the previous round first: reserve its share first.
            earlier = track(
                prev, reporter.part(len(prev), "carry-over"), total=len(prev), label="carry-over"
            )
            carried = carry_over_summary(
                each("carry-over"),
                earlier,
                organisation=organisation,
                locale=locale,
            )
    return RoundAnalysis(
        cycle=cycle.id,
        name=cycle.name,
        on=on,
        progress=prog,
        coverage=cover,
        invitations=invitations,
        agreements=agreements,
        due=due,
        deadlines=deadlines,
        rating_gaps=gaps,
        evaluation=results,
        carry_over=carried,
        locale=locale,
    )


@attrs.frozen(eq=False)
class _Tracked:
    """A source whose every pass reports its progress (a figure may read it twice)."""

    source: ConversationSource
    progress: ProgressLike
    size: int
    label: str

    def __iter__(self) -> Iterator[Conversation]:
        return track(self.source, self.progress, total=self.size, label=self.label)

    def __len__(self) -> int:
        return self.size

    def get(self, id: str) -> Conversation | None:
        return self.source.get(id)
