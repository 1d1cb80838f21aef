"""Plots: the right texts in Danish and English, and they save as PNG."""

import sys

import matplotlib
import pytest

from musframework import analytics as an
from musframework.errors import MissingExtraError
from musframework.testing.sample import sample_round
from tests import analytics_round as r

matplotlib.use("Agg")

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def analyses():
    sample = sample_round(seed=5)
    return {
        locale: an.analyse_round(
            sample.cycle,
            sample.conversations,
            organisation=sample.organisation,
            questionnaire=sample.questionnaire,
            on=sample.on,
            locale=locale,
        )
        for locale in ("da", "en")
    }


def texts(fig):
    """Every visible text of a figure: titles, axis labels, tick labels, legend, annotations."""
    found = []
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if t]


def saved(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    data = path.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 5_000
    return path


def test_progress_by_unit(analyses, tmp_path):
    for locale, title, xlabel, status in [
        ("da", "Samtaler efter enhed og status", "Antal samtaler", "Underskrevet"),
        ("en", "Conversations by unit and status", "Number of conversations", "Signed"),
    ]:
        a = analyses[locale]
        fig = an.plot_progress_by_unit(a, locale=locale)
        ax = fig.axes[0]
        assert ax.get_title() == title
        assert ax.get_xlabel() == xlabel
        assert status in texts(fig)
        units = [t.get_text() for t in ax.get_yticklabels()]
        assert units == [u.name for u in reversed(a.progress.units)]
        # Each unit's bar ends at its total.
        totals = [u.total for u in reversed(a.progress.units)]
        assert [t.get_text().strip() for t in ax.texts] == [str(n) for n in totals]
        saved(fig, tmp_path, f"progress-{locale}")


def test_agreement_deadlines(analyses, tmp_path):
    da = an.plot_agreement_deadlines(analyses["da"])
    en = an.plot_agreement_deadlines(analyses["en"].deadlines, locale="en")
    assert da.axes[0].get_title() == "Aftalernes frister og status"
    assert en.axes[0].get_title() == "Agreement deadlines and statuses"
    assert {"Overskredet", "Gennemført", "I dag", "Frist", "Antal aftaler"} <= {
        t.strip() for t in texts(da)
    }
    assert {"Overdue", "Done", "Today", "Deadline", "Number of agreements"} <= {
        t.strip() for t in texts(en)
    }
    assert any("maj" in t for t in texts(da))  # Danish month names
    assert any("May" in t for t in texts(en))
    # The bars add up to the agreements with a deadline.
    heights = sum(p.get_height() for p in da.axes[0].patches)
    assert heights == sum(n for _, _, n in analyses["da"].deadlines.counts)
    saved(da, tmp_path, "deadlines")


def test_learning_methods(analyses, tmp_path):
    da = an.plot_learning_methods(analyses["da"])
    en = an.plot_learning_methods(analyses["en"].agreements, locale="en")
    assert da.axes[0].get_title() == "Læringsformer i aftalerne"
    assert en.axes[0].get_title() == "Learning methods in the agreements"
    assert "Sidemandsoplæring" in texts(da)
    assert "On-the-job training" in texts(en)
    widths = [p.get_width() for p in en.axes[0].patches]
    used = [n for m, n in analyses["en"].agreements.by_learning_method() if m is not None]
    assert sorted(widths) == sorted(used)
    saved(en, tmp_path, "methods")


def test_rating_gaps_dumbbell(analyses, tmp_path):
    da = an.plot_rating_gaps(analyses["da"])
    en = an.plot_rating_gaps(analyses["en"], locale="en")
    assert da.axes[0].get_title() == "Selvvurdering og ledervurdering"
    assert en.axes[0].get_title() == "Self rating and leader rating"
    assert {"Medarbejderens selvvurdering", "Lederens vurdering", "Samarbejde med kolleger"} <= set(
        texts(da)
    )
    assert {"Employee's self rating", "Leader's rating", "Collaboration with colleagues"} <= set(
        texts(en)
    )
    # One line per question, from the self mean to the leader mean.
    rows = list(reversed(analyses["en"].rating_gaps.questions))
    lines = en.axes[0].lines
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=False):
        assert list(line.get_xdata()) == pytest.approx([row.self_mean, row.leader_mean])
    assert en.axes[0].get_xlim() == (0.75, 5.25)
    unit = analyses["da"].rating_gaps.units[0]
    per_unit = an.plot_rating_gaps(analyses["da"].rating_gaps, unit=unit.unit)
    assert per_unit.axes[0].get_title().endswith(unit.unit_name)
    path = saved(da, tmp_path, "gaps")
    assert path.stat().st_size > 10_000


def test_empty_results_say_so(tmp_path):
    empty = an.analyse_round(r.cycle(), [], on=r.TODAY, locale="en")
    for plot in (
        an.plot_progress_by_unit,
        an.plot_agreement_deadlines,
        an.plot_learning_methods,
        an.plot_rating_gaps,
    ):
        fig = plot(empty, locale="en")
        assert "No data" in texts(fig)
        saved(fig, tmp_path, plot.__name__)


def test_missing_matplotlib_names_the_extra(monkeypatch, analyses):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"musframework\[plot\]"):
        an.plot_progress_by_unit(analyses["da"])
