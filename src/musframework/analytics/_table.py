"""The shared behaviour of analytics results: records, a DataFrame and a notebook table."""

from __future__ import annotations

import datetime
import enum
import html
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from musframework.analytics._labels import label, value_label
from musframework.catalogue import translate
from musframework.errors import MissingExtraError
from musframework.model.anonymity import Suppressed

__all__ = ["Table", "html_table", "require_pandas"]


def require_pandas() -> Any:
    """Import pandas, or raise :class:`MissingExtraError` naming the ``pandas`` extra."""
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    return pandas


def _cell(value: object, locale: str, kinds: Sequence[type[enum.Enum]] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return f'<span class="suppressed">{html.escape(value.text(locale))}</span>'
    if isinstance(value, bool):
        return translate("answer.yes" if value else "answer.no", locale)
    if isinstance(value, float):
        text = f"{value:.2f}"
        return text.replace(".", ",") if locale == "da" else text
    if isinstance(value, enum.Enum):
        return html.escape(label(value, locale))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kinds is not None and isinstance(value, str):
        return html.escape(value_label(value, kinds, locale))
    return html.escape(str(value))


def html_table(
    title: str,
    columns: Sequence[str],
    records: Sequence[dict[str, object]],
    locale: str = "da",
    *,
    translated: Mapping[str, Sequence[type[enum.Enum]]] | None = None,
    headers: Sequence[str] | None = None,
    limit: int = 50,
) -> str:
    """An escaped HTML table of ``records`` with translated column headers.

    ``translated`` maps the columns whose values are stored enum values or table words to the
    enums to read them as (statuses, roles …); ``headers`` are the column headers (by default
    each column's table word). At most ``limit`` rows are shown, with a note saying how many
    more there are.
    """
    translated = translated or {}
    names = headers if headers is not None else [label(c, locale) for c in columns]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in names)
    rows = []
    for record in records[:limit]:
        cells = "".join(
            f"<td>{_cell(record.get(c), locale, translated.get(c))}</td>" for c in columns
        )
        rows.append(f"<tr>{cells}</tr>")
    more = len(records) - limit
    if more > 0:
        note = translate("table.more-rows", locale, n=more)
        rows.append(f'<tr><td colspan="{len(columns)}">{html.escape(note)}</td></tr>')
    return (
        f'<table class="musframework-analytics"><caption>{html.escape(title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class Table:
    """Mixin for analytics results: ``to_records``, ``to_dataframe`` and ``_repr_html_``.

    Subclasses (frozen attrs classes with a ``locale`` field) define ``COLUMNS``, ``TITLE``
    (the catalogue's message id of the title), optionally ``TRANSLATED`` (columns holding
    stored enum values or table words, with the enums to read them as) and :meth:`to_records`.
    """

    __slots__ = ()

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    TITLE: ClassVar[str] = ""
    TRANSLATED: ClassVar[Mapping[str, tuple[type[enum.Enum], ...]]] = {}

    def to_records(self) -> list[dict[str, Any]]:
        """The result as a list of plain dicts, one per row, keyed by :attr:`COLUMNS`."""
        raise NotImplementedError

    def title(self, locale: str | None = None) -> str:
        """The table's title in ``locale`` (the result's own locale by default)."""
        locale = locale or str(getattr(self, "locale", "da"))
        return translate(self.TITLE, locale)

    def header(self, column: str, locale: str) -> str:
        """The header of ``column`` in ``locale``: its table word by default."""
        return label(column, locale)

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
            translated=self.TRANSLATED,
            headers=[self.header(c, locale) for c in self.COLUMNS],
        )

    def _repr_html_(self) -> str:
        return self.to_html()
