"""The organisation as HR exports it: one row per person, as CSV or an Excel workbook.

:func:`read_organisation` reads such a file into an :class:`OrganisationFile` (the
:class:`~musframework.Organisation` on a day, and every person of the file), checking every
row and listing every problem at once, each with its row and column, in one
:class:`~musframework.errors.LoadError`. :func:`write_organisation` writes an organisation back
in the same format. :func:`compare_organisations` says what changed between two of them (new
people, leavers, unit moves, new leaders); ``Services.import_organisation`` stores an import
with its history. The guide's "Import your organisation" has the column reference.

Columns (the header row names them; case, spaces and hyphens do not matter):

``id``, ``name``, ``email`` (or ``e-mail``), ``unit``, ``unit_name`` (optional),
``parent_unit``, ``leader_id``, ``start_date``, ``end_date`` (optional).

A unit's leader is the person in the unit the others name as their leader (a leader's row is in
the unit they lead, and names their own leader above); when every person of a unit names the
same leader from outside it, that person leads the unit as well as their own.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import attrs
import pendulum

from musframework.catalogue import Message
from musframework.clock import Clock, resolve_clock
from musframework.errors import InvalidValueError, LoadError, MissingExtraError
from musframework.model import Finding, Organisation, OrgUnit, Person
from musframework.model.round import home_unit

__all__ = [
    "COLUMNS",
    "LeaderMove",
    "OrganisationChanges",
    "OrganisationFile",
    "UnitMove",
    "compare_organisations",
    "read_organisation",
    "write_organisation",
]

COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "email",
    "unit",
    "unit_name",
    "parent_unit",
    "leader_id",
    "start_date",
    "end_date",
)
"""The columns of an organisation file, in the order :func:`write_organisation` writes them."""

_REQUIRED = ("id", "name", "unit", "start_date")
_NEEDED_COLUMNS = ("id", "name", "email", "unit", "parent_unit", "leader_id", "start_date")
_ALIASES = {"e_mail": "email", "mail": "email"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_ROWS = 200_000
_XLSX = "xlsx"
_CSV = "csv"


@attrs.frozen(kw_only=True)
class OrganisationFile:
    """What an organisation file holds.

    Attributes:
        organisation: The people employed on :attr:`on` (started, not yet ended) and the units.
        people: Every person of the file, also those who have left or not started yet.
        on: The day the organisation is as of.
    """

    organisation: Organisation
    people: tuple[Person, ...]
    on: pendulum.Date

    def person(self, person_id: str) -> Person | None:
        """The file's row for ``person_id`` (also a leaver), if it has one."""
        return next((p for p in self.people if p.id == person_id), None)


@attrs.frozen
class UnitMove:
    """Someone who is in another unit now."""

    person: str
    former: str | None
    new: str | None


@attrs.frozen
class LeaderMove:
    """Someone whose nearest leader is another person now."""

    person: str
    former: str | None
    new: str | None


@attrs.frozen(kw_only=True)
class OrganisationChanges:
    """What changed from one organisation to another (:func:`compare_organisations`).

    Attributes:
        joined: People who are new.
        left: People who are no longer there.
        moved: People in another unit than before.
        leaders: People with another nearest leader than before (each becomes a
            :class:`~musframework.LeaderChange` with the hand-over of their current plan
            when the import is stored).
        new_units: Units that are new.
        removed_units: Units that are gone.
    """

    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    moved: tuple[UnitMove, ...] = ()
    leaders: tuple[LeaderMove, ...] = ()
    new_units: tuple[str, ...] = ()
    removed_units: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.joined
            or self.left
            or self.moved
            or self.leaders
            or self.new_units
            or self.removed_units
        )


def compare_organisations(before: Organisation, after: Organisation) -> OrganisationChanges:
    """The people who joined, left, moved unit or got another leader, and the unit changes."""
    old = {p.id for p in before.people}
    new = {p.id for p in after.people}
    moved = []
    leaders = []
    for person in after.people:
        if person.id not in old:
            continue
        was, now = home_unit(before, person.id), home_unit(after, person.id)
        if was != now:
            moved.append(UnitMove(person.id, was, now))
        former, leader = before.nearest_leader(person.id), after.nearest_leader(person.id)
        if former != leader:
            leaders.append(LeaderMove(person.id, former, leader))
    old_units = {u.id for u in before.units}
    new_units = {u.id for u in after.units}
    return OrganisationChanges(
        joined=tuple(p.id for p in after.people if p.id not in old),
        left=tuple(p.id for p in before.people if p.id not in new),
        moved=tuple(moved),
        leaders=tuple(leaders),
        new_units=tuple(u.id for u in after.units if u.id not in old_units),
        removed_units=tuple(u.id for u in before.units if u.id not in new_units),
    )


# ------------------------------------------------------------------ reading


def _column_key(header: object) -> str:
    text = str(header if header is not None else "").strip().lower().lstrip("\ufeff")
    key = re.sub(r"[\s\-]+", "_", text)
    return _ALIASES.get(key, key)


def _where(row: int, column: str | None = None) -> str:
    return f"rows[{row}]" if column is None else f"rows[{row}].{column}"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pendulum.Date | pendulum.DateTime):
        return value.isoformat()
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        # datetime.date / datetime.datetime from a workbook: the day is what counts.
        iso = str(value.isoformat())
        return iso[:10]
    return str(value).strip()


def _csv_rows(text: str) -> list[list[str]]:
    # The delimiter is the one of , ; and tab that the header line uses most (Danish Excel
    # writes semicolons); quoting is the standard one.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > _MAX_ROWS + 1:
            break
    return rows


def _xlsx_rows(data: bytes) -> list[list[object]]:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("excel", "excel") from None
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[object]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > _MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _unreadable(source: str | None, reason: str) -> LoadError:
    return LoadError(
        Message("import.unreadable"),
        [Finding.error("import.unreadable", "", reason=reason)],
        source=source,
    )


def _load_rows(
    source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str], format: str | None
) -> tuple[list[list[object]], str | None]:
    name: str | None = None
    data: bytes | str
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            with open(name, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise _unreadable(name, error.strerror or type(error).__name__) from None
        if format is None and name.lower().endswith((".xlsx", ".xlsm")):
            format = _XLSX
    else:
        data = source.read()
        name = getattr(source, "name", None)
        name = name if isinstance(name, str) else None
    if format is None:
        format = _XLSX if isinstance(data, bytes) and data[:2] == b"PK" else _CSV
    if format not in (_CSV, _XLSX):
        raise InvalidValueError(Message("import.unknown-format", {"format": repr(format)}))
    if format == _XLSX:
        if isinstance(data, str):
            raise _unreadable(name, "text given for an Excel workbook")
        try:
            return _xlsx_rows(data), name
        except MissingExtraError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as error:
            raise _unreadable(name, type(error).__name__) from None
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise _unreadable(name, type(error).__name__) from None
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _unreadable(name, "not UTF-8 or Windows-1252 text") from None
    else:
        text = data
    if "\x00" in text:
        raise _unreadable(name, "a NUL character: not a text file")
    try:
        return [list(r) for r in _csv_rows(text)], name
    except csv.Error as error:
        raise _unreadable(name, str(error)) from None


@attrs.frozen
class _Row:
    number: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def _date(row: _Row, column: str, findings: list[Finding], required: bool) -> pendulum.Date | None:
    text = row.get(column)
    if not text:
        if required:
            findings.append(Finding.error("import.missing-value", _where(row.number, column)))
        return None
    try:
        day = pendulum.Date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
    except ValueError:
        day = None
    if day is None or not isinstance(day, pendulum.Date):
        findings.append(
            Finding.error("import.bad-date", _where(row.number, column), value=text[:40])
        )
        return None
    return pendulum.date(day.year, day.month, day.day)


def read_organisation(
    source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str],
    *,
    format: str | None = None,
    on: pendulum.Date | None = None,
    clock: Clock | None = None,
) -> OrganisationFile:
    """Read an organisation file (CSV, or an Excel workbook with the ``excel`` extra).

    Args:
        source: A path, the file's bytes, or an open file.
        format: ``"csv"`` or ``"xlsx"``; by default from the file name or its first bytes.
        on: The day the organisation is as of: people who start later or ended earlier are
            in :attr:`OrganisationFile.people` but not in the organisation (default: today by
            ``clock``).
        clock: Where today comes from when ``on`` is not given.

    Raises:
        LoadError: listing every problem of the file, each at ``rows[N].column`` (``N`` the
            row's number as a spreadsheet shows it: the header is row 1).
        MissingExtraError: for a workbook, when openpyxl is not installed.
    """
    day = on if on is not None else resolve_clock(clock).now().date()
    raw, name = _load_rows(source, format)
    findings: list[Finding] = []
    numbered = [(i, r) for i, r in enumerate(raw, start=1) if any(_cell_text(v) for v in r)]
    if not numbered:
        raise LoadError(Message("import.invalid"), [Finding.error("import.empty", "")], source=name)
    if len(numbered) > _MAX_ROWS + 1:
        raise LoadError(
            Message("import.invalid"),
            [Finding.error("import.too-many-rows", "", limit=_MAX_ROWS)],
            source=name,
        )
    header_row, head = numbered[0]
    header = [_column_key(h) for h in head]
    for column in _NEEDED_COLUMNS:
        if column not in header:
            findings.append(
                Finding.error("import.missing-column", _where(header_row), column=column)
            )
    seen_columns: set[str] = set()
    for key in header:
        if key in COLUMNS and key in seen_columns:
            findings.append(
                Finding.error("import.duplicate-column", _where(header_row), column=key)
            )
        seen_columns.add(key)
    if findings:
        raise LoadError(Message("import.invalid"), findings, source=name)
    rows: list[_Row] = []
    for i, values in numbered[1:]:
        cells = {}
        for key, value in zip(header, values, strict=False):
            if key in COLUMNS and key not in cells:
                cells[key] = _cell_text(value)
        if len(values) > len(header) and any(_cell_text(v) for v in values[len(header) :]):
            findings.append(Finding.error("import.extra-cells", _where(i)))
        rows.append(_Row(i, cells))
    people, employed = _people(rows, day, findings)
    organisation = _organisation(rows, people, employed, findings)
    if findings:
        raise LoadError(Message("import.invalid"), sorted(findings, key=_by_row), source=name)
    assert organisation is not None  # no findings: the organisation was built
    return OrganisationFile(organisation=organisation, people=tuple(people.values()), on=day)


def _by_row(finding: Finding) -> tuple[int, int]:
    # rows[N].column: by row number, then in the order of the columns.
    match = re.match(r"rows\[(\d+)\](?:\.(\w+))?", finding.path)
    if match is None:
        return (0, 0)
    column = match.group(2)
    return (int(match.group(1)), COLUMNS.index(column) + 1 if column in COLUMNS else 0)


def _people(
    rows: Sequence[_Row], day: pendulum.Date, findings: list[Finding]
) -> tuple[dict[str, Person], set[str]]:
    people: dict[str, Person] = {}
    first_row: dict[str, int] = {}
    employed: set[str] = set()
    for row in rows:
        for column in _REQUIRED:
            if not row.get(column) and column != "start_date":
                findings.append(Finding.error("import.missing-value", _where(row.number, column)))
        pid = row.get("id")
        email = row.get("email") or None
        if email is not None and not _EMAIL.match(email):
            findings.append(
                Finding.error("import.bad-email", _where(row.number, "email"), value=email[:80])
            )
        start = _date(row, "start_date", findings, required=True)
        end = _date(row, "end_date", findings, required=False)
        if start is not None and end is not None and end < start:
            findings.append(
                Finding.error("import.end-before-start", _where(row.number, "end_date"))
            )
        if not pid:
            continue
        if pid in first_row:
            findings.append(
                Finding.error(
                    "import.duplicate-id", _where(row.number, "id"), id=pid, row=first_row[pid]
                )
            )
            continue
        first_row[pid] = row.number
        people[pid] = Person(
            id=pid, name=row.get("name") or pid, email=email, start_date=start, end_date=end
        )
        if (start is None or start <= day) and (end is None or day <= end):
            employed.add(pid)
    return people, employed


def _organisation(
    rows: Sequence[_Row],
    people: Mapping[str, Person],
    employed: set[str],
    findings: list[Finding],
) -> Organisation | None:
    by_unit: dict[str, list[_Row]] = {}
    parents: dict[str, tuple[str | None, int]] = {}
    names: dict[str, str] = {}
    row_of: dict[str, _Row] = {}
    for row in rows:
        pid, unit = row.get("id"), row.get("unit")
        if not pid or not unit or pid not in employed or row_of.get(pid) is not None:
            continue
        row_of[pid] = row
        by_unit.setdefault(unit, []).append(row)
        if row.get("unit_name") and unit not in names:
            names[unit] = row.get("unit_name")
        parent = row.get("parent_unit") or None
        if parent == unit:
            findings.append(
                Finding.error("import.own-parent", _where(row.number, "parent_unit"), unit=unit)
            )
            parent = None
        known = parents.get(unit)
        if known is None:
            parents[unit] = (parent, row.number)
        elif known[0] != parent:
            findings.append(
                Finding.error(
                    "import.parent-differs",
                    _where(row.number, "parent_unit"),
                    unit=unit,
                    parent=known[0] or "-",
                    row=known[1],
                )
            )
    for row in row_of.values():
        leader = row.get("leader_id")
        if leader and leader == row.get("id"):
            findings.append(Finding.error("import.own-leader", _where(row.number, "leader_id")))
        elif leader and leader not in row_of:
            code = "import.leader-not-employed" if leader in people else "import.unknown-leader"
            findings.append(Finding.error(code, _where(row.number, "leader_id"), leader=leader))
    if findings:
        return None
    order = list(by_unit)
    for above, _ in list(parents.values()):
        if above is not None and above not in by_unit and above not in order:
            order.append(above)
    units: list[OrgUnit] = []
    for unit in order:
        members_rows = by_unit.get(unit, [])
        unit_leader, members = _unit_leader(unit, members_rows, findings)
        units.append(
            OrgUnit(
                id=unit,
                name=names.get(unit, unit),
                leader=unit_leader,
                members=members,
                parent=parents.get(unit, (None, 0))[0],
            )
        )
    _check_cycles(units, parents, findings)
    if findings:
        return None
    organisation = Organisation(
        people=[people[p] for p in row_of],
        units=units,
    )
    for pid, row in row_of.items():
        named = row.get("leader_id") or None
        if organisation.nearest_leader(pid) != named:
            findings.append(
                Finding.error(
                    "import.leader-not-above",
                    _where(row.number, "leader_id"),
                    leader=named or "-",
                    expected=organisation.nearest_leader(pid) or "-",
                )
            )
    return None if findings else organisation


def _unit_leader(
    unit: str, rows: Sequence[_Row], findings: list[Finding]
) -> tuple[str | None, list[str]]:
    if not rows:
        return None, []
    ids = [r.get("id") for r in rows]
    inside = {r.get("leader_id") for r in rows} & set(ids)
    if len(inside) > 1:
        findings.append(
            Finding.error(
                "import.several-leaders",
                _where(rows[0].number, "leader_id"),
                unit=unit,
                leaders=", ".join(sorted(inside)),
            )
        )
        return None, ids
    if inside:
        (leader,) = inside
        return leader, [i for i in ids if i != leader]
    if len(rows) == 1:
        # One person, led from outside: they lead the unit (their leader is above it).
        return ids[0], []
    outside = {r.get("leader_id") or None for r in rows}
    if len(outside) == 1:
        (leader_id,) = outside
        if leader_id is not None:
            return leader_id, ids
    findings.append(
        Finding.error("import.unit-leader-unclear", _where(rows[0].number, "leader_id"), unit=unit)
    )
    return None, ids


def _check_cycles(
    units: Sequence[OrgUnit],
    parents: Mapping[str, tuple[str | None, int]],
    findings: list[Finding],
) -> None:
    parent_of = {u.id: u.parent for u in units}
    reported: set[str] = set()
    for unit in parent_of:
        seen: list[str] = []
        current: str | None = unit
        while current is not None and current not in seen:
            seen.append(current)
            current = parent_of.get(current)
        if current is not None and current not in reported:
            reported.update(seen[seen.index(current) :])
            findings.append(
                Finding.error(
                    "import.parent-cycle",
                    _where(parents.get(current, (None, 1))[1], "parent_unit"),
                    unit=current,
                )
            )


# ------------------------------------------------------------------ writing


def _rows_of(organisation: Organisation) -> list[list[str]]:
    rows = []
    for person in organisation.people:
        unit = organisation.unit_of(person.id)
        led = organisation.units_led_by(person.id)
        own = led[0] if led else unit
        rows.append(
            [
                person.id,
                person.name,
                person.email or "",
                own.id if own is not None else "",
                own.name if own is not None else "",
                (own.parent or "") if own is not None else "",
                organisation.nearest_leader(person.id) or "",
                person.start_date.isoformat() if person.start_date is not None else "",
                person.end_date.isoformat() if person.end_date is not None else "",
            ]
        )
    return rows


def write_organisation(
    organisation: Organisation,
    target: str | os.PathLike[str] | None = None,
    *,
    format: str | None = None,
) -> str | bytes:
    """Write ``organisation`` in the format :func:`read_organisation` reads.

    A leader's row is in the first unit they lead; everyone's ``leader_id`` is their nearest
    leader. Returns the CSV text (or the workbook's bytes with ``format="xlsx"``), and writes
    it to ``target`` too when one is given (the format then follows its name).

    Raises:
        MissingExtraError: for a workbook, when openpyxl is not installed.
    """
    if format is None:
        name = os.fspath(target) if target is not None else ""
        format = _XLSX if name.lower().endswith(".xlsx") else _CSV
    if format not in (_CSV, _XLSX):
        raise InvalidValueError(Message("import.unknown-format", {"format": repr(format)}))
    rows = _rows_of(organisation)
    out: str | bytes
    if format == _CSV:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        out = buffer.getvalue()
    else:
        out = _xlsx_bytes(rows)
    if target is not None:
        mode = "w" if isinstance(out, str) else "wb"
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with open(os.fspath(target), mode, **kwargs) as handle:
            handle.write(out)
    return out


def _xlsx_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("excel", "excel") from None
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate([COLUMNS, *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, always: a name such as "=1+1" is not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
