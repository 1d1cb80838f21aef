"""The shared behaviour of analytics results: records, a DataFrame and a notebook table."""

from __future__ import annotations

import datetime
import enum
import html
from collections.abc import Sequence
from typing import Any, ClassVar

from musframework.analytics._labels import has_label, label
from musframework.errors import MissingExtraError

__all__ = ["Table", "html_table", "require_pandas"]


def require_pandas() -> Any:
    """Import pandas, or raise :class:`MissingExtraError` naming the ``pandas`` extra."""
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("to_dataframe()", "pandas") from None
    return pandas


def _cell(value: object, locale: str, translate: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return label("yes" if value else "no", locale)
    if isinstance(value, float):
        text = f"{value:.2f}"
        return text.replace(".", ",") if locale == "da" else text
    if isinstance(value, enum.Enum):
        return html.escape(label(value, locale))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if translate and isinstance(value, str) and has_label(value):
        return html.escape(label(value, locale))
    return html.escape(str(value))


def html_table(
    title: str,
    columns: Sequence[str],
    records: Sequence[dict[str, object]],
    locale: str = "da",
    *,
    translate: Sequence[str] = (),
    limit: int = 50,
) -> str:
    """An escaped HTML table of ``records`` with translated column headers.

    ``translate`` names the columns whose values are label keys (statuses, roles …); at most
    ``limit`` rows are shown, with a note saying how many more there are.
    """
    head = "".join(f"<th>{html.escape(label(c, locale))}</th>" for c in columns)
    rows = []
    for record in records[:limit]:
        cells = "".join(f"<td>{_cell(record.get(c), locale, c in translate)}</td>" for c in columns)
        rows.append(f"<tr>{cells}</tr>")
    more = len(records) - limit
    if more > 0:
        note = f"… {more} rækker mere" if locale == "da" else f"… {more} more rows"
        rows.append(f'<tr><td colspan="{len(columns)}">{note}</td></tr>')
    return (
        f'<table class="musframework-analytics"><caption>{html.escape(title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class Table:
    """Mixin for analytics results: ``to_records``, ``to_dataframe`` and ``_repr_html_``.

    Subclasses (frozen attrs classes with a ``locale`` field) define ``COLUMNS``, ``TITLE``
    (Danish, English), optionally ``TRANSLATED`` (columns holding label keys) and
    :meth:`to_records`.
    """

    __slots__ = ()

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    TITLE: ClassVar[tuple[str, str]] = ("", "")
    TRANSLATED: ClassVar[tuple[str, ...]] = ()

    def to_records(self) -> list[dict[str, Any]]:
        """The result as a list of plain dicts, one per row, keyed by :attr:`COLUMNS`."""
        raise NotImplementedError

    def title(self, locale: str | None = None) -> str:
        """The table's title in ``locale`` (the result's own locale by default)."""
        locale = locale or str(getattr(self, "locale", "da"))
        return self.TITLE[1] if locale == "en" else self.TITLE[0]

    def to_dataframe(self) -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra).

        Raises:
            MissingExtraError: pandas is not installed.
        """
        pandas = require_pandas()
        return pandas.DataFrame.from_records(self.to_records(), columns=list(self.COLUMNS))

    def to_html(self, locale: str | None = None) -> str:
        """An escaped HTML table with headers in ``locale`` (the result's own by default)."""
        locale = locale or str(getattr(self, "locale", "da"))
        return html_table(
            self.title(locale),
            self.COLUMNS,
            self.to_records(),
            locale,
            translate=self.TRANSLATED,
        )

    def _repr_html_(self) -> str:
        return self.to_html()
