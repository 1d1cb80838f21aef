"""Fuzz the organisation import: a malformed file reads or raises the library's own error.

Malformed CSV files (cells replaced with junk, rows dropped, doubled or cut, the text itself
broken, random bytes) and damaged Excel workbooks (bytes changed or cut). Under the ``fuzz``
hypothesis profile (``nox -s fuzz``) each test tries 20,000 files; the normal run a few.
The figures go to ``$MUSFRAMEWORK_FUZZ_REPORT/organisation-files.json``.
"""

from __future__ import annotations

import json
import os

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import musframework as mf
from musframework.interop.organisation_file import read_organisation, write_organisation

from .fuzzing import BAD_DATES, FUZZ_SETTINGS, WEIRD_TEXT, assert_own_error, broken_text

pytestmark = pytest.mark.fuzz

DAY = pendulum.date(2026, 1, 5)
TRIED = {"csv": 0, "xlsx": 0, "read": 0, "refused": 0}


def _organisation() -> mf.Organisation:
    people = [
        mf.Person(
            id=f"p{i}",
            name=f"Navn {i}",
            email=f"p{i}@example.dk",
            start_date=pendulum.date(2020, 1, 1 + i),
        )
        for i in range(8)
    ]
    return mf.Organisation(
        people=people,
        units=[
            mf.OrgUnit(id="top", name="Top", leader="p0"),
            mf.OrgUnit(id="a", name="A", leader="p1", members=["p2", "p3", "p4"], parent="top"),
            mf.OrgUnit(id="b", name="B", leader="p5", members=["p6", "p7"], parent="a"),
        ],
    )


GOOD_TEXT = write_organisation(_organisation())
assert isinstance(GOOD_TEXT, str)
GOOD_ROWS = [line.split(",") for line in GOOD_TEXT.splitlines()]
GOOD_XLSX = write_organisation(_organisation(), format="xlsx")

cell_junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from([*BAD_DATES, *WEIRD_TEXT, "p1", "p9", "top", "a", "b", "x@y", '"', ";"]),
    st.integers(-(10**20), 10**20).map(str),
)


@st.composite
def broken_rows(draw: st.DrawFn) -> str:
    rows = [list(r) for r in GOOD_ROWS]
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["cell", "cell", "cell", "drop", "double", "cut", "add"]))
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if not rows:
            break
        if action == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(cell_junk)
        elif action == "drop":
            del rows[r]
        elif action == "double":
            rows.insert(r, list(rows[r]))
        elif action == "cut":
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r])))]
        else:
            rows[r].append(draw(cell_junk))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    return "\n".join(separator.join(row) for row in rows)


def _try(data: bytes | str, kind: str) -> None:
    TRIED[kind] += 1
    try:
        read = read_organisation(
            data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data, on=DAY
        )
    except Exception as exc:
        assert_own_error(exc)
        TRIED["refused"] += 1
    else:
        TRIED["read"] += 1
        assert read.organisation.check() == []
    if sum(TRIED[k] for k in ("csv", "xlsx")) % 1000 == 0:
        _write_figures()


@FUZZ_SETTINGS
@given(st.one_of(broken_rows(), broken_text(GOOD_TEXT)))
def test_malformed_csv_reads_or_raises_the_librarys_error(text):
    _try(text, "csv")


@FUZZ_SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_read_or_raise_the_librarys_error(data):
    _try(data, "csv")


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    data = bytearray(GOOD_XLSX)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        if draw(st.booleans()):
            data[at] = draw(st.integers(0, 255))
        else:
            del data[at:]
            if not data:
                break
    return bytes(data) or b"PK"


@FUZZ_SETTINGS
@given(damaged_workbooks())
def test_damaged_workbooks_read_or_raise_the_librarys_error(data):
    _try(data, "xlsx")


def _write_figures() -> None:
    folder = os.environ.get("MUSFRAMEWORK_FUZZ_REPORT")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "organisation-files.json"), "w", encoding="utf-8") as fh:
            json.dump({**TRIED, "inputs": TRIED["csv"] + TRIED["xlsx"]}, fh)


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    """Write the files tried to $MUSFRAMEWORK_FUZZ_REPORT/organisation-files.json."""
    yield
    _write_figures()
