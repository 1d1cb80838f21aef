"""Results as records, DataFrames and notebook tables."""

import html5lib
import pytest

from musframework import analytics as an
from musframework.errors import MissingExtraError
from musframework.model.anonymity import Suppressed
from tests import analytics_round as r

ORG = r.organisation()


def every_result(locale="da"):
    a = an.analyse_round(
        r.cycle(),
        r.conversations(),
        organisation=ORG,
        previous=r.previous(),
        questionnaire=r.questionnaire(),
        evaluation=r.evaluation(),
        evaluation_responses=r.evaluation_responses(),
        on=r.TODAY,
        locale=locale,
    )
    return a, [a, *a.tables().values()]


def test_analyse_round_holds_every_figure():
    a, _results = every_result()
    assert set(a.tables()) == {
        "progress",
        "coverage",
        "invitations",
        "agreements",
        "due",
        "deadlines",
        "rating_gaps",
        "evaluation",
        "carry_over",
    }
    figures = a.key_figures()
    assert figures["conversations"] == 5
    # e1 and L1 held; e2 planned; e4's MUS cancelled (the GRUS does not replace it); 3 none
    assert figures["coverage_share"] == pytest.approx(2 / 7)
    assert (figures["covered"], figures["planned"], figures["cancelled_only"]) == (2, 1, 1)
    assert figures["missing"] == 3
    assert figures["overdue"] == 1
    assert figures["due_soon"] == 1
    assert figures["carried_over_done"] == 1
    assert figures["evaluation_responses"] == 2
    assert a.figure_label("overdue") == "Overskredne aftaler"
    assert a.figure_label("overdue", "en") == "Overdue agreements"
    assert a.to_records()[0] == {"figure": "conversations", "value": 5}


def test_optional_parts_are_skipped_without_their_inputs():
    a = an.analyse_round(r.cycle(), iter(r.conversations()), on=r.TODAY)
    assert (a.coverage, a.evaluation, a.carry_over) == (None, None, None)
    assert "coverage_share" not in a.key_figures()


def test_the_day_comes_from_the_clock():
    import musframework as mf

    clock = mf.FixedClock(r.at(2026, 5, 11, 8))
    a = an.analyse_round(r.cycle(), r.conversations(), clock=clock)
    assert a.on.isoformat() == "2026-05-11"
    assert [x.agreement for x in a.due.overdue] == ["x1", "x2"]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_html_tables_are_well_formed_and_escaped(locale):
    _, results = every_result(locale)
    parser = html5lib.HTMLParser(strict=True)
    for result in results:
        text = result._repr_html_()
        parser.parseFragment(text)
        assert "<B>" not in text  # the unit name "Afdeling <B>" is escaped
        assert "<hver>" not in text
    a = results[0]
    assert ("Overskredne aftaler" in a._repr_html_()) == (locale == "da")
    assert ("Overdue agreements" in a._repr_html_()) == (locale == "en")
    assert "Afdeling &lt;B&gt;" in a.progress.to_html()
    # Status keys are shown translated.
    assert ("Underskrevet" in a.progress.to_html()) == (locale == "da")
    assert "Forfalder snart" in a.due.to_html("da")


def test_long_tables_are_cut_in_html_but_not_in_records():
    import pendulum

    import musframework as mf

    conv = r.mus(
        "big",
        "e1",
        "L1",
        "a",
        agreements=[
            mf.Agreement(id=f"a{i}", description="D", deadline=pendulum.date(2026, 4, 1))
            for i in range(60)
        ],
        status="signed",
    )
    due = an.due_agreements([conv], on=r.TODAY)
    assert len(due.to_records()) == 60
    assert "10 rækker mere" in due.to_html()
    assert "10 more rows" in due.to_html("en")


def test_to_dataframe_matches_the_records():
    import pandas

    _, results = every_result()
    for result in results:
        frame = result.to_dataframe()
        assert isinstance(frame, pandas.DataFrame)
        assert list(frame.columns) == list(result.COLUMNS)
        assert len(frame) == len(result.to_records())
    gaps = results[0].rating_gaps
    frame = gaps.to_dataframe(by_unit=True)
    assert frame["unit"].tolist() == ["a", "a"]
    # Two pairs are fewer than the minimum: the cells hold the marker, not a number or NaN.
    assert isinstance(frame.loc[0, "mean_gap"], Suppressed)
    assert frame["suppressed"].tolist() == [True, True]
    progress = results[0].progress.to_dataframe()
    assert progress.set_index("unit")["total"].to_dict() == {"a": 3, "b": 2}
    # Empty results still have their columns.
    empty = an.due_agreements([], on=r.TODAY).to_dataframe()
    assert list(empty.columns) == list(an.DueAgreements.COLUMNS)
    assert empty.empty


def test_to_dataframe_names_the_extra_when_pandas_is_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    _, results = every_result()
    for result in [*results, results[0].rating_gaps]:
        with pytest.raises(MissingExtraError, match=r"musframework\[pandas\]"):
            result.to_dataframe()
    # Records need nothing.
    assert results[0].to_records()


def test_importing_the_library_loads_no_optional_extra():
    import subprocess
    import sys

    code = (
        "import sys, musframework, musframework.analytics, musframework.progress;"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
