"""Section and form scores of a round's scored forms, per unit, self beside leader.

Each response's scores come from :func:`musframework.model.scores.score_response` (the
formula is documented there: answered, shown and asked scored questions; ``percent`` on
0-100). Here they are averaged per unit and section: the employees' own responses (role
``employee``) in one column, the leaders' in the other. A figure drawn from fewer responses
than the minimum group size is not shown (``None``): the one rule is
:func:`musframework.model.anonymity.is_reportable`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from musframework.analytics._labels import label
from musframework.analytics._table import Table
from musframework.analytics.figures import _Units
from musframework.model import Conversation, Organisation, Questionnaire, Role
from musframework.model.anonymity import MINIMUM_GROUP_SIZE, check_minimum_group_size, is_reportable
from musframework.model.scores import is_scored, score_response

__all__ = ["ScoreRow", "ScoreSummary", "score_summary"]


@attrs.frozen(kw_only=True)
class ScoreRow:
    """The mean scores of one section (or the whole form) in one unit (or the round).

    Attributes:
        unit: The unit id, or ``None`` for the whole round.
        unit_name: The unit's name.
        section: The section id, or ``None`` for the whole form.
        section_title: The section's title (or "whole form").
        self_responses: Employees' responses with an answered scored question here.
        self_percent: Their mean ``percent``, or ``None`` below the minimum group size.
        leader_responses: Leaders' responses with an answered scored question here.
        leader_percent: Their mean ``percent``, or ``None`` below the minimum group size.
    """

    unit: str | None
    unit_name: str
    section: str | None
    section_title: str
    self_responses: int
    self_percent: float | None
    leader_responses: int
    leader_percent: float | None

    @property
    def gap(self) -> float | None:
        """``self_percent - leader_percent`` when both are shown."""
        if self.self_percent is None or self.leader_percent is None:
            return None
        return self.self_percent - self.leader_percent


@attrs.frozen(kw_only=True)
class ScoreSummary(Table):
    """Scores per section and for the whole form, for the round and per unit.

    Attributes:
        questionnaire: The scored form.
        overall: One row per scored section, then the whole form, for the round.
        units: The same rows for each unit.
        minimum_group_size: The smallest number of responses a figure is shown for.
        locale: The language of texts and of the notebook table.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "unit",
        "unit_name",
        "section",
        "section_title",
        "self_responses",
        "self_percent",
        "leader_responses",
        "leader_percent",
        "gap",
    )
    TITLE: ClassVar[str] = "table.title.scores"

    questionnaire: Questionnaire
    overall: tuple[ScoreRow, ...]
    units: tuple[ScoreRow, ...]
    minimum_group_size: int = MINIMUM_GROUP_SIZE
    locale: str = "da"

    def for_unit(self, unit: str | None) -> tuple[ScoreRow, ...]:
        """The rows of one unit, in section order."""
        return tuple(r for r in self.units if r.unit == unit)

    def to_records(self, *, by_unit: bool = False) -> list[dict[str, Any]]:
        """One dict per section and the whole form (``by_unit``: per unit too)."""
        return [
            {
                "unit": r.unit,
                "unit_name": r.unit_name,
                "section": r.section,
                "section_title": r.section_title,
                "self_responses": r.self_responses,
                "self_percent": r.self_percent,
                "leader_responses": r.leader_responses,
                "leader_percent": r.leader_percent,
                "gap": r.gap,
            }
            for r in (self.units if by_unit else self.overall)
        ]


_SIDES = {Role.EMPLOYEE: 0, Role.LEADER: 1}


def score_summary(
    conversations: Iterable[Conversation],
    questionnaire: Questionnaire,
    *,
    organisation: Organisation | None = None,
    minimum_group_size: int = MINIMUM_GROUP_SIZE,
    locale: str = "da",
) -> ScoreSummary:
    """Average the section and form scores of the responses to ``questionnaire``.

    Only responses to this questionnaire (id and version) count, by the employee (self) and
    the leader. Units come from the round facts (the conversation's unit in
    ``organisation``).
    """
    minimum = check_minimum_group_size(minimum_group_size)
    units = _Units(organisation, locale)
    scored = [s for s in questionnaire.sections if any(is_scored(q) for q in s.questions)]
    keys: list[str | None] = [s.id for s in scored]
    keys.append(None)
    # (unit, section) -> [[self sum, self n], [leader sum, leader n]]
    sums: dict[tuple[str | None, str | None], list[list[float]]] = {}
    for conversation in conversations:
        unit = units.of(conversation)
        for response in conversation.responses:
            side = _SIDES.get(response.role)
            if side is None or response.questionnaire != questionnaire.ref:
                continue
            score = score_response(questionnaire, response)
            for key in keys:
                percent = (score.total if key is None else score.section(key)).percent
                if percent is None:
                    continue
                for place in (unit, "\x00round"):
                    cell = sums.setdefault((place, key), [[0.0, 0], [0.0, 0]])[side]
                    cell[0] += percent
                    cell[1] += 1
    titles = {s.id: s.title.get(locale) for s in scored}

    def row(unit: str | None, name: str, place: str | None, key: str | None) -> ScoreRow:
        (own, own_n), (lead, lead_n) = sums.get((place, key), [[0.0, 0], [0.0, 0]])
        return ScoreRow(
            unit=unit,
            unit_name=name,
            section=key,
            section_title=label("whole_form", locale) if key is None else titles[key],
            self_responses=int(own_n),
            self_percent=own / own_n if own_n and is_reportable(int(own_n), minimum) else None,
            leader_responses=int(lead_n),
            leader_percent=lead / lead_n
            if lead_n and is_reportable(int(lead_n), minimum)
            else None,
        )

    overall = tuple(row(None, label("all_units", locale), "\x00round", k) for k in keys)
    seen = sorted({u for u, _ in sums if u != "\x00round"}, key=units.sort_key)
    per_unit = tuple(row(u, units.name(u), u, k) for u in seen for k in keys)
    return ScoreSummary(
        questionnaire=questionnaire,
        overall=overall,
        units=per_unit,
        minimum_group_size=minimum,
        locale=locale,
    )
