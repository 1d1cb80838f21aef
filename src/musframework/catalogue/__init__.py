"""The one catalogue of words: every text a person reads, in Danish and English (and more).

The words live in gettext catalogues, one ``.po`` file per language under
``musframework/catalogue/locale/<language>/LC_MESSAGES/musframework.po``, compiled to ``.mo``
files that the standard library's :mod:`gettext` reads at run time. Message ids are stable,
symbolic keys (``"response.required"``, ``"ConversationStatus.cancelled"``,
``"doc.plan.title"``) rather than English sentences, so that Danish and English are equal
citizens and a test can check that both are complete.

A message is looked up and formatted when it is read, in the language asked for::

    >>> from musframework.catalogue import Message, translate
    >>> translate("doc.minutes", "da", n=60)
    '60 minutter'
    >>> Message("doc.minutes", {"n": 45}).text("en")
    '45 minutes'

Parameters are formatted in the same language: a :class:`Message` or a localised text (anything
with a ``get(locale)`` method) is read in that language, an enum member becomes its label
(message id ``"<EnumClass>.<value>"``), a date or a date-time is written the language's way, and
a list or tuple becomes a comma-separated list.

Other languages are added by a downstream package without touching this one: ship a locale
directory (``<language>/LC_MESSAGES/musframework.mo``) and register it, either at run time with
:func:`register_catalogue` or through the entry point group ``musframework.catalogues`` (the
entry point names an attribute holding the directory's path; the built-in catalogue is
registered the same way). A registered catalogue may also override single messages of a built-in
language. Messages missing from a language fall back to English, then Danish.

This module is the ground floor: it imports nothing of musframework's but the registry.
"""

from __future__ import annotations

import datetime
import enum
import functools
import gettext
import pathlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from musframework._registry import Registry

__all__ = [
    "BUILTIN_LOCALE_DIR",
    "DOMAIN",
    "FALLBACK_LANGUAGES",
    "Message",
    "catalogue_dirs",
    "enum_label",
    "format_date",
    "format_datetime",
    "format_time",
    "language_name",
    "languages",
    "message_ids",
    "normalise_locale",
    "register_catalogue",
    "translate",
    "unregister_catalogue",
]

DOMAIN = "musframework"
"""The gettext domain: catalogues are ``<dir>/<language>/LC_MESSAGES/musframework.mo``.

A catalogue directory may split its messages over several files of one concern each,
``musframework.mo`` first and then ``musframework-<part>.mo`` (the built-ins keep, for example,
the web API's words in ``musframework-web.mo``); they read as one catalogue.
"""

BUILTIN_LOCALE_DIR = pathlib.Path(__file__).with_name("locale")
"""The directory of the built-in catalogues (Danish and English, both complete)."""

FALLBACK_LANGUAGES = ("en", "da")
"""Where a message missing from the asked-for language is looked up next, in order."""

_CATALOGUES: Registry[str | pathlib.Path] = Registry("catalogue", "musframework.catalogues")


def register_catalogue(name: str, directory: str | pathlib.Path, *, replace: bool = False) -> None:
    """Add a locale directory (``<language>/LC_MESSAGES/musframework.mo``) under ``name``.

    Its messages take precedence over the built-in ones of the same language, so a package can
    add a language or reword a message. Registered catalogues are consulted in name order.
    """
    _CATALOGUES.register(name, directory, replace=replace)


def unregister_catalogue(name: str) -> None:
    """Remove the catalogue registered under ``name``."""
    _CATALOGUES.unregister(name)


def catalogue_dirs() -> list[tuple[str, pathlib.Path]]:
    """``(name, directory)`` of every catalogue, registered ones first, the built-in last."""
    found = [(n, pathlib.Path(d)) for n, d in _CATALOGUES.items() if n != DOMAIN]
    builtin = _CATALOGUES.get(DOMAIN) if DOMAIN in _CATALOGUES else BUILTIN_LOCALE_DIR
    return [*found, (DOMAIN, pathlib.Path(builtin))]


def normalise_locale(locale: str | None) -> str:
    """A locale in gettext's form: ``"da-DK"`` or ``"da_DK.UTF-8"`` -> ``"da_DK"``.

    ``None`` or an empty text is Danish, the library's default language.
    """
    if not locale:
        return "da"
    base = locale.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    lang, _, region = base.partition("_")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def languages() -> tuple[str, ...]:
    """Every language some catalogue has, sorted (``("da", "en")`` for the built-ins)."""
    found: set[str] = set()
    for _, directory in catalogue_dirs():
        if directory.is_dir():
            for child in directory.iterdir():
                if _mo_files(directory, child.name):
                    found.add(child.name)
    return tuple(sorted(found))


def _mo_files(directory: pathlib.Path, lang: str) -> list[pathlib.Path]:
    # ``musframework.mo``, then its parts ``musframework-<part>.mo`` in name order.
    folder = directory / lang / "LC_MESSAGES"
    main = folder / f"{DOMAIN}.mo"
    parts = sorted(folder.glob(f"{DOMAIN}-*.mo")) if folder.is_dir() else []
    return [main, *parts] if main.is_file() else parts


def _chain(locale: str) -> tuple[gettext.NullTranslations, ...]:
    return _chain_cached(normalise_locale(locale), _CATALOGUES.generation)


@functools.lru_cache(maxsize=64)
def _chain_cached(locale: str, generation: int) -> tuple[gettext.NullTranslations, ...]:
    # The catalogues to try, most specific first: every directory for the locale (and its bare
    # language), then the fallback languages. ``generation`` invalidates after (un)registering.
    del generation
    wanted = [locale]
    if "_" in locale:
        wanted.append(locale.split("_", 1)[0])
    wanted.extend(lang for lang in FALLBACK_LANGUAGES if lang not in wanted)
    chain: list[gettext.NullTranslations] = []
    for lang in wanted:
        for _, directory in catalogue_dirs():
            for path in _mo_files(directory, lang):
                with path.open("rb") as fp:
                    chain.append(gettext.GNUTranslations(fp))
    return tuple(chain)


def _lookup(msgid: str, locale: str, n: int | None) -> str:
    plural = f"{msgid}.plural"
    for translations in _chain(locale):
        if n is None:
            text = translations.gettext(msgid)
            if text != msgid:
                return text
        else:
            text = translations.ngettext(msgid, plural, n)
            if text not in (msgid, plural):
                return text
            text = translations.gettext(msgid)  # a message without plural forms
            if text != msgid:
                return text
    return msgid


def _mo_ids(path: pathlib.Path) -> set[str]:
    # The original strings of a .mo file (GNU gettext's documented format), without parsing the
    # translations: enough to list what a catalogue holds.
    data = path.read_bytes()
    magic = int.from_bytes(data[:4], "little")
    order: Literal["little", "big"] = "little" if magic == 0x950412DE else "big"
    count = int.from_bytes(data[8:12], order)
    table = int.from_bytes(data[12:16], order)
    ids: set[str] = set()
    for i in range(count):
        length = int.from_bytes(data[table + 8 * i : table + 8 * i + 4], order)
        offset = int.from_bytes(data[table + 8 * i + 4 : table + 8 * i + 8], order)
        original = data[offset : offset + length].decode("utf-8")
        if original:
            ids.add(original.split("\x00", 1)[0])
    return ids


def message_ids(locale: str) -> frozenset[str]:
    """The message ids the catalogues of ``locale`` itself hold (without fallbacks)."""
    return _message_ids(normalise_locale(locale), _CATALOGUES.generation)


@functools.lru_cache(maxsize=16)
def _message_ids(lang: str, generation: int) -> frozenset[str]:
    del generation
    ids: set[str] = set()
    for _, directory in catalogue_dirs():
        for path in _mo_files(directory, lang):
            ids |= _mo_ids(path)
    return frozenset(ids)


class _Params(dict[str, str]):
    # A placeholder the caller did not fill stays visible instead of raising KeyError.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _value(value: object, locale: str) -> str:
    if isinstance(value, Message):
        return value.text(locale)
    if isinstance(value, bool):
        return translate("word.yes" if value else "word.no", locale)
    if isinstance(value, enum.Enum):
        return enum_label(value, locale)
    if isinstance(value, datetime.datetime):
        return format_datetime(value, locale)
    if isinstance(value, datetime.date):
        return format_date(value, locale)
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list | tuple | frozenset | set):
        items = [_value(v, locale) for v in value]
        return translate("word.list-separator", locale).join(items)
    get = getattr(value, "get", None)
    if callable(get) and not isinstance(value, Mapping):
        return str(get(locale))  # a LocalizedText, or an error's message
    return str(value)


def _format(template: str, locale: str, params: Mapping[str, object]) -> str:
    if not params or "{" not in template:
        return template
    try:
        return template.format_map(_Params({k: _value(v, locale) for k, v in params.items()}))
    except (ValueError, IndexError, AttributeError, KeyError):
        # A malformed template (a downstream catalogue's typo) must not break the caller.
        return template


def translate(msgid: str, locale: str = "da", /, **params: object) -> str:
    """The message ``msgid`` in ``locale`` with ``params`` filled in.

    A whole-number parameter ``n`` chooses the plural form of messages that have them
    (gettext's ``ngettext``). An unknown ``msgid`` comes back as itself: a test of the library
    checks that none is unknown.
    """
    count = params.get("n")
    n = count if isinstance(count, int) and not isinstance(count, bool) else None
    return _format(_lookup(msgid, locale, n), locale, params)


def _params(value: Mapping[str, object] | None) -> dict[str, object]:
    return {} if value is None else dict(value)


@attrs.frozen(eq=True, hash=False)
class Message:
    """A message of the catalogue with its parameters, translated when it is read.

    It reads like a :class:`~musframework.model.LocalizedText` (``get(locale)``), so everything
    that shows texts can show a message. A whole-number parameter ``n`` chooses the plural form.

    Attributes:
        msgid: The message id in the catalogue.
        params: The values of its placeholders.
    """

    msgid: str
    params: dict[str, object] = attrs.field(factory=dict, converter=_params)

    def text(self, locale: str = "da") -> str:
        """The message in ``locale``."""
        return translate(self.msgid, locale, **self.params)

    def get(self, locale: str = "da") -> str:
        """The message in ``locale`` (the same as :meth:`text`)."""
        return self.text(locale)

    @property
    def translations(self) -> dict[str, str]:
        """The message in every language a catalogue has, by language."""
        return {lang: self.text(lang) for lang in languages()}

    def missing(self, languages_: Iterable[str] = ("da", "en")) -> list[str]:
        """The languages of ``languages_`` whose catalogue lacks this message."""
        return [lang for lang in languages_ if self.msgid not in message_ids(lang)]

    def __str__(self) -> str:
        return self.text("da")


def language_name(code: str) -> Message | str:
    """The name of the language ``code`` as a message ("dansk" / "Danish"), else the code."""
    msgid = f"language.{code}"
    return Message(msgid) if msgid in message_ids("en") else code


def enum_label(member: enum.Enum, locale: str = "da") -> str:
    """The label of an enum member: the message ``"<EnumClass>.<value>"`` (its value if none)."""
    msgid = f"{type(member).__name__}.{member.value}"
    text = _lookup(msgid, locale, None)
    return str(member.value) if text == msgid else text


_PENDULUM_LOCALE = re.compile(r"[^a-z_]")


def _pendulum_locale(locale: str) -> str:
    return _PENDULUM_LOCALE.sub("", normalise_locale(locale).lower())


def _pendulum_format(value: Any, pattern_id: str, locale: str) -> str:
    pattern = translate(pattern_id, locale)
    try:
        return str(value.format(pattern, locale=_pendulum_locale(locale)))
    except (ValueError, KeyError, AttributeError):  # pendulum knows no such locale
        return str(value.format(pattern, locale="en"))


def format_date(value: datetime.date | None, locale: str = "da", *, weekday: bool = False) -> str:
    """A date in the language's words: "3. marts 2026" (``weekday``: "tirsdag d. 3. marts 2026")."""
    if value is None:
        return ""
    return _format_date(value.year, value.month, value.day, normalise_locale(locale), weekday)


@functools.lru_cache(maxsize=4096)
def _format_date(year: int, month: int, day: int, locale: str, weekday: bool) -> str:
    # Formatting through pendulum costs about 0.2 ms; a round's documents repeat few dates.
    import pendulum

    pattern = "format.date-weekday" if weekday else "format.date"
    return _pendulum_format(pendulum.date(year, month, day), pattern, locale)


def format_datetime(value: datetime.datetime, locale: str = "da") -> str:
    """A date and time: "tirsdag d. 3. marts 2026 kl. 10.00" / "Tuesday 3 March 2026 at 10:00"."""
    import pendulum

    if not isinstance(value, pendulum.DateTime):
        value = pendulum.instance(value)
    return _pendulum_format(value, "format.datetime", locale)


def format_time(value: datetime.datetime | datetime.time, locale: str = "da") -> str:
    """A time of day: "10.00" in Danish, "10:00" in English."""
    import pendulum

    if isinstance(value, datetime.datetime):
        value = pendulum.instance(value)
    else:
        value = pendulum.time(value.hour, value.minute, value.second)
    return _pendulum_format(value, "format.time", locale)
