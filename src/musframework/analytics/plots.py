"""Plots of a round's figures (extra ``musframework[plot]``: matplotlib, imported lazily).

Each function takes an analytics result (or a whole :class:`RoundAnalysis`) and returns a
:class:`matplotlib.figure.Figure`, labelled in Danish (``locale="da"``, the default) or English.
Figures are made without ``pyplot``, so nothing is kept in a global figure list and no
window opens; save one with ``fig.savefig("progress.png")``. In Jupyter a returned figure
is shown when matplotlib's inline support is active (``%matplotlib inline``, or any
``import matplotlib.pyplot``); ``IPython.display.display(fig)`` shows it explicitly.
"""

from __future__ import annotations

from typing import Any

from musframework.analytics._labels import label, value_label
from musframework.analytics.figures import (
    STATUSES,
    AgreementBreakdown,
    ConversationProgress,
    DeadlineTimeline,
    RatingGaps,
)
from musframework.analytics.report import RoundAnalysis
from musframework.catalogue import translate
from musframework.errors import MissingExtraError
from musframework.model import AgreementStatus

__all__ = [
    "plot_agreement_deadlines",
    "plot_learning_methods",
    "plot_progress_by_unit",
    "plot_rating_gaps",
]

_STATUS_COLOURS = {
    "planned": "#d9e6f2",
    "invited": "#b3cde3",
    "prepared": "#8cb3d9",
    "held": "#5b9bd5",
    "concluded": "#3a7dbf",
    "signed": "#1f5f99",
    "followed_up": "#0d3d66",
    "cancelled": "#b0b0b0",
}
_STATE_COLOURS = {
    "done": "#2e8b57",
    "cancelled": "#b0b0b0",
    "in_progress": "#f0ad4e",
    "open": "#5b9bd5",
    "overdue": "#d9534f",
}


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("plot", "plot") from None
    return Figure(figsize=(width, height), layout="constrained")


def _integer_axis(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _no_data(ax: Any, locale: str) -> None:
    ax.text(
        0.5,
        0.5,
        translate("plot.no-data", locale),
        ha="center",
        va="center",
        transform=ax.transAxes,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def plot_progress_by_unit(
    progress: ConversationProgress | RoundAnalysis, *, locale: str = "da"
) -> Any:
    """Stacked horizontal bars: each unit's conversations by status."""
    if isinstance(progress, RoundAnalysis):
        progress = progress.progress
    rows = list(reversed(progress.units))  # first unit on top
    fig = _figure(9, 1.2 + 0.45 * max(1, len(rows)))
    ax = fig.add_subplot()
    ax.set_title(translate("plot.progress.title", locale))
    if not rows:
        _no_data(ax, locale)
        return fig
    names = [u.name for u in rows]
    left = [0] * len(rows)
    for i, status in enumerate(STATUSES):
        values = [u.counts[i] for u in rows]
        if not any(values):
            continue
        ax.barh(
            names,
            values,
            left=left,
            color=_STATUS_COLOURS[status.value],
            label=label(status, locale),
            edgecolor="white",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f" {total}", va="center", fontsize=9)
    ax.set_xlabel(translate("plot.progress.x", locale))
    _integer_axis(ax.xaxis)
    ax.set_xlim(0, max(left) * 1.1 + 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.5 / len(rows)), ncols=4)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_agreement_deadlines(
    deadlines: DeadlineTimeline | RoundAnalysis, *, locale: str = "da"
) -> Any:
    """Stacked bars of agreements by deadline period and state, with a line at the day ``on``."""
    if isinstance(deadlines, RoundAnalysis):
        deadlines = deadlines.deadlines
    periods = deadlines.periods
    fig = _figure(10, 4.5)
    ax = fig.add_subplot()
    ax.set_title(translate("plot.deadlines.title", locale))
    if not periods:
        _no_data(ax, locale)
        return fig
    fmt = "MMM YYYY" if deadlines.bucket == "month" else "D. MMM YYYY"
    ticks = [p.format(fmt, locale=locale) for p in periods]
    positions = list(range(len(periods)))
    bottom = [0] * len(periods)
    for state in DeadlineTimeline.STATES:
        values = list(deadlines.series(state))
        if not any(values):
            continue
        ax.bar(
            positions,
            values,
            bottom=bottom,
            color=_STATE_COLOURS[state],
            label=value_label(state, (AgreementStatus,), locale),
            edgecolor="white",
        )
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    top = max(bottom)
    ax.set_ylim(0, top * 1.15 + 1)
    _integer_axis(ax.yaxis)
    # Today, placed within its period.
    on = deadlines.on
    for i, p in enumerate(periods):
        nxt = p.add(months=1) if deadlines.bucket == "month" else p.add(weeks=1)
        if p <= on < nxt:
            x = i - 0.5 + (on - p).in_days() / max(1, (nxt - p).in_days())
            ax.axvline(x, color="black", linestyle="--", linewidth=1)
            ax.text(x, top * 1.1 + 0.5, translate("plot.deadlines.today", locale), fontsize=9)
            break
    step = max(1, len(periods) // 12)
    ax.set_xticks(positions[::step], ticks[::step], rotation=45, ha="right")
    ax.set_xlabel(translate("plot.deadlines.x", locale))
    ax.set_ylabel(translate("plot.agreements.y", locale))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_learning_methods(
    agreements: AgreementBreakdown | RoundAnalysis, *, locale: str = "da"
) -> Any:
    """Horizontal bars: how many agreements use each learning method, most used on top."""
    if isinstance(agreements, RoundAnalysis):
        agreements = agreements.agreements
    pairs = [(m, n) for m, n in agreements.by_learning_method() if m is not None]
    fig = _figure(8, 1.2 + 0.4 * max(1, len(pairs)))
    ax = fig.add_subplot()
    ax.set_title(translate("plot.methods.title", locale))
    if not pairs:
        _no_data(ax, locale)
        return fig
    pairs.reverse()
    total = sum(n for _, n in pairs)
    names = [label(m, locale) for m, _ in pairs]
    counts = [n for _, n in pairs]
    ax.barh(names, counts, color="#5b9bd5")
    for y, n in enumerate(counts):
        share = f"{n / total:.0%}"
        ax.text(n, y, f" {n} ({share})", va="center", fontsize=9)
    ax.set_xlabel(translate("plot.agreements.y", locale))
    ax.set_xlim(0, max(counts) * 1.25)
    _integer_axis(ax.xaxis)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_rating_gaps(
    gaps: RatingGaps | RoundAnalysis, *, unit: str | None = None, locale: str = "da"
) -> Any:
    """A dumbbell chart: each question's mean self rating and mean leader rating.

    With ``unit``, shows that unit's rows; otherwise the whole round's. Questions whose
    figures are suppressed (too few answers) are left out, and a note says how many.
    """
    if isinstance(gaps, RoundAnalysis):
        gaps = gaps.rating_gaps
    rows = list(gaps.questions if unit is None else gaps.for_unit(unit))
    rows.reverse()  # first question on top
    hidden = [c for c in gaps.suppressed if c.unit == unit]
    fig = _figure(9, 1.4 + 0.5 * max(1, len(rows)))
    ax = fig.add_subplot()
    title = translate("plot.gaps.title", locale)
    name = rows[0].unit_name if rows else hidden[0].unit_name if hidden else None
    if unit is not None and name is not None:
        title += f": {name}"
    ax.set_title(title)
    note = translate("plot.suppressed", locale, n=len(hidden), minimum=gaps.minimum)
    if not rows:
        _no_data(ax, locale)
        if hidden:  # say why there is nothing: the figures are suppressed, not missing
            ax.texts[0].set_text(note)
        return fig
    ys = list(range(len(rows)))
    for y, r in zip(ys, rows, strict=True):
        colour = "#d9534f" if abs(r.mean_gap) >= 0.5 else "#9e9e9e"
        ax.plot([r.self_mean, r.leader_mean], [y, y], color=colour, linewidth=3, zorder=1)
    ax.scatter(
        [r.self_mean for r in rows],
        ys,
        color="#1f5f99",
        s=70,
        zorder=2,
        label=translate("plot.gaps.self", locale),
    )
    ax.scatter(
        [r.leader_mean for r in rows],
        ys,
        color="#f0ad4e",
        marker="s",
        s=70,
        zorder=2,
        label=translate("plot.gaps.leader", locale),
    )
    for y, r in zip(ys, rows, strict=True):
        gap = f"{r.mean_gap:+.1f}"
        ax.annotate(
            gap.replace(".", ",") if locale == "da" else gap,
            (max(r.self_mean, r.leader_mean), y),
            xytext=(10, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(ys, [_short(r.text) for r in rows])
    if gaps.scale is not None:
        low, high = gaps.scale
        ax.set_xlim(low - 0.25, high + 0.25)
        ax.set_xticks(range(low, high + 1))
    xlabel = translate("plot.gaps.x", locale)
    ax.set_xlabel(f"{xlabel}\n({note})" if hidden else xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.4 / len(rows)), ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _short(text: str, width: int = 45) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
