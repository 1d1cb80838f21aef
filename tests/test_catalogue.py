"""The one catalogue of words: complete in Danish and English, used everywhere, extendable.

Every word a person reads comes from ``musframework.catalogue``: these tests check that both
languages hold the same messages with the same placeholders, that the compiled catalogues are
those of the sources, that every message id the code names exists, that no message mixes
languages, that documents rendered in one language carry none of the other language's library
words, and that a downstream package can add a language without touching ours.
"""

from __future__ import annotations

import ast
import enum
import gettext
import pathlib
import re
import string

import pendulum
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import musframework as mf
from musframework import catalogue
from musframework.catalogue import Message, translate
from musframework.model.round import AgreementState, CoverageState
from musframework.policy import Action, Part
from musframework.workflow.due import DueKind

SRC = pathlib.Path(mf.__file__).parent
LOCALE = SRC / "catalogue" / "locale"
LANGUAGES = ("da", "en")


def _po_files(lang: str) -> list[pathlib.Path]:
    # The built-in catalogue: musframework.po and its parts musframework-<part>.po.
    folder = LOCALE / lang / "LC_MESSAGES"
    return [folder / "musframework.po", *sorted(folder.glob("musframework-*.po"))]


def _po(lang: str):
    messages = []
    for path in _po_files(lang):
        with path.open("rb") as fp:
            messages.extend(m for m in read_po(fp, locale=lang))
    return messages


def _texts(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _ids(lang: str) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in _po(lang) if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ------------------------------------------------------------------ completeness


def test_danish_and_english_hold_the_same_messages():
    da, en = _ids("da"), _ids("en")
    assert da - en == set(), "messages only in Danish"
    assert en - da == set(), "messages only in English"
    for lang in LANGUAGES:
        for message in _po(lang):
            if message.id:
                assert all(t.strip() for t in _texts(message)), (lang, message.id)


def test_both_languages_use_the_same_placeholders():
    en = {m.id: m for m in _po("en") if m.id}
    for message in _po("da"):
        if not message.id:
            continue
        theirs = en[message.id]
        da_fields = set().union(*(_fields(t) for t in _texts(message)))
        en_fields = set().union(*(_fields(t) for t in _texts(theirs)))
        # The English text may quote a parser's own (English) explanation that Danish omits.
        assert da_fields <= en_fields and en_fields - da_fields <= {"detail"}, message.id


def test_the_compiled_catalogues_are_the_sources():
    for lang in LANGUAGES:
        for source in _po_files(lang):
            _compiled_is_source(lang, source)
        assert catalogue.message_ids(lang) == _ids(lang)


def test_no_message_is_in_two_parts_of_the_catalogue():
    for lang in LANGUAGES:
        seen: dict[str, str] = {}
        for source in _po_files(lang):
            with source.open("rb") as fp:
                for message in read_po(fp, locale=lang):
                    if message.id:
                        key = message.id if isinstance(message.id, str) else message.id[0]
                        assert key not in seen, (key, seen.get(key), source.name)
                        seen[key] = source.name


def _compiled_is_source(lang: str, source: pathlib.Path) -> None:
    with source.with_suffix(".mo").open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    with source.open("rb") as fp:
        messages = list(read_po(fp, locale=lang))
    for message in messages:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0], message.id
            assert compiled.ngettext(singular, plural, 5) == message.string[1], message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_every_enum_label_exists_in_both_languages():
    enums: list[type[enum.Enum]] = [
        mf.ConversationStatus,
        mf.AgreementStatus,
        mf.AgreementKind,
        mf.LearningMethod,
        mf.Role,
        mf.ConversationKind,
        mf.Severity,
        Action,
        Part,
        DueKind,
        CoverageState,
        AgreementState,
    ]
    for lang in LANGUAGES:
        ids = catalogue.message_ids(lang)
        missing = [f"{e.__name__}.{m.value}" for e in enums for m in e]
        assert [m for m in missing if m not in ids] == [], lang


def test_every_workflow_step_has_a_word():
    from musframework.workflow._common import STEP_STATES

    ids = catalogue.message_ids("en")
    assert [s for s in STEP_STATES if f"step.{s}" not in ids] == []


def test_every_rule_has_a_description_in_both_languages():
    for rule in mf.rules.registered_rules():
        for lang in LANGUAGES:
            text = rule.description.get(lang)
            assert text and not text.endswith(".description"), (rule.code, lang)


# ------------------------------------------------------------------ the code names what exists

_MSG_CALLS = {"Message", "translate", "label", "kind_name", "_known"}
_FINDING_CALLS = {"error", "warning", "info"}


def _literal_ids() -> list[tuple[str, str]]:
    """``(file, message id)`` for every message id written literally in the library's code."""
    found: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("Message", "translate", "_known"):
                found.append((rel, first.value))
            elif name == "label" and rel.startswith("rendering/"):
                found.append((rel, f"doc.{first.value}"))
            elif name in _FINDING_CALLS and isinstance(func, ast.Attribute):
                owner = func.value
                if isinstance(owner, ast.Name) and owner.id == "Finding" and len(node.args) < 3:
                    found.append((rel, first.value))
            for keyword in node.keywords:
                if keyword.arg == "msgid" and isinstance(keyword.value, ast.Constant):
                    found.append((rel, keyword.value.value))
    return found


def test_every_message_id_the_code_names_exists():
    ids = catalogue.message_ids("en")
    named = _literal_ids()
    assert len(named) > 300  # the scan sees the code
    missing = sorted({(f, i) for f, i in named if i not in ids})
    assert missing == []


def test_every_rule_code_is_a_message():
    ids = catalogue.message_ids("en")
    # questionnaire.check passes on Questionnaire.check()'s own findings and their messages.
    relays = {"questionnaire.check"}
    assert [r.code for r in mf.rules.registered_rules() if r.code not in ids | relays] == []


def test_library_code_writes_no_words_of_its_own():
    """No ``da=``/``en=`` pairs and no ``{"da": ..., "en": ...}`` texts outside the catalogue.

    The test helpers (``musframework.testing``) build sample data in both languages, and
    ``Finding`` and ``RuleContext.finding`` accept a plugin's own words: those are allowed.
    """
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("testing/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                keys = {k.arg for k in node.keywords}
                if {"da", "en"} <= keys:
                    offenders.append((rel, node.lineno))
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                values = [v for v in node.values if isinstance(v, ast.Constant | ast.JoinedStr)]
                if {"da", "en"} <= keys and values:
                    offenders.append((rel, node.lineno))
    assert offenders == []


# ------------------------------------------------------------------ one language per message

_ENGLISH_ONLY = {
    "the", "is", "and", "of", "not", "has", "must", "with", "was", "are", "cannot", "which",
    "who", "needs", "there", "this", "that", "been", "only", "than", "its", "an", "your",
}  # fmt: skip
_DANISH_ONLY = {
    "og", "ikke", "har", "skal", "som", "kan", "være", "eller", "ingen", "fra", "efter",
    "før", "på", "mangler", "samtalen", "aftalen", "ugyldig", "af", "til", "der", "dit", "din",
}  # fmt: skip


def _words(text: str) -> set[str]:
    # Placeholders and quoted identifiers ('type', format='toml') are not words of a language.
    text = re.sub(r"\{[^}]*\}|'[^']*'|\b\w+=\w*|\b[a-z_]+\(\)", " ", text)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize(("lang", "foreign"), [("da", _ENGLISH_ONLY), ("en", _DANISH_ONLY)])
def test_no_message_mixes_languages(lang, foreign):
    mixed = []
    for message in _po(lang):
        if not message.id:
            continue
        for text in _texts(message):
            if _words(text) & foreign or (lang == "en" and re.search("[æøåÆØÅ]", text)):
                mixed.append((message.id, text))
    assert mixed == []


# Words that are the same in Danish and English (names, symbols, shared words).
_SAME_IN_BOTH = {
    "ConversationKind.GRUS", "ConversationKind.LUS", "ConversationKind.MUS", "Severity.info",
    "doc.min", "doc.no_answer", "doc.note", "doc.status", "feature.pandas", "feature.postgres",
    "load.invalid-value", "object.conversation.GRUS", "object.conversation.LUS",
    "object.conversation.MUS", "registry.renderer", "rule.finding", "rule.finding-at",
    "table.person", "table.status", "table.type", "word.list-separator",
    # the documents' part: kind abbreviations, a file word, patterns of names and counts
    "doc.kind.short.GRUS", "doc.kind.short.LUS", "doc.kind.short.MUS", "doc.file.invitation",
    "doc.report.conversation_of", "doc.report.kind_count",
}  # fmt: skip


def test_danish_and_english_texts_differ_unless_the_word_is_shared():
    """A Danish text equal to its English one is a forgotten translation, unless listed."""
    en = {m.id: m.string for m in _po("en") if m.id}
    same = {m.id for m in _po("da") if m.id and m.string == en[m.id]}
    assert {i if isinstance(i, str) else i[0] for i in same} == _SAME_IN_BOTH


def _fragments(lang: str) -> set[str]:
    """The literal word runs of a language's messages that the other language does not have."""
    other = " ".join(t for m in _po("en" if lang == "da" else "da") if m.id for t in _texts(m))
    found = set()
    for message in _po(lang):
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if not msgid or msgid.startswith("format."):
            continue
        for text in _texts(message):
            for part in re.split(r"\{[^}]*\}|'[^']*'|[»«“”():;,.]", text):
                part = " ".join(part.split())
                if len(part) >= 10 and " " in part and part not in other:
                    found.add(part)
    return found


@pytest.fixture(scope="module")
def documents():
    """Every kind of document of a whole round, in both languages, as text."""
    from tests.render_helpers import text_of
    from tests.walks import cycle, organisation, walk_grus, walk_lus, walk_mus

    walks = [walk_mus(), walk_grus(), walk_lus()]
    org = organisation()
    clock = mf.FixedClock(pendulum.datetime(2026, 9, 1, 12, tz="Europe/Copenhagen"))
    rendered: dict[str, list[str]] = {"da": [], "en": []}
    # The round's own data (names, notes, agreements in Danish) is not the library's words.
    data = " ".join(mf.dumps(x) for w in walks for _, x in w.steps) + mf.dumps(org)
    data += " ".join(mf.dumps(w.questionnaire) for w in walks)
    rendered["data"] = [" ".join(data.split())]
    for lang in LANGUAGES:
        out = rendered[lang]
        for walk in walks:
            form = walk.questionnaire
            invited = walk.state("invited")
            for conversation, doc in (
                (invited, "invitation"),
                (walk.state("prepared"), "side_by_side"),
                (walk.final, "plan"),
                (walk.final, "follow_up"),
            ):
                for fmt in ("html", "text", "markdown"):
                    output = mf.render(
                        conversation, fmt, lang, doc, people=org, questionnaire=form, clock=clock
                    )
                    out.append(text_of(fmt, output))
            for response in walk.state("prepared").responses:
                out.append(
                    text_of(
                        "html", mf.render(response, "html", lang, people=org, questionnaire=form)
                    )
                )
            out.append(text_of("html", mf.render(form, "html", lang)))
            out.append(str(mf.render(walk.final, "ics", lang, people=org, clock=clock)))
        conversations = [w.final for w in walks]
        out.append(
            text_of(
                "html",
                mf.render(
                    cycle(), "html", lang, people=org, conversations=conversations, clock=clock
                ),
            )
        )
    return rendered


@pytest.mark.parametrize(("lang", "other"), [("da", "en"), ("en", "da")])
def test_documents_carry_no_library_words_of_the_other_language(documents, lang, other):
    data = documents["data"][0]
    foreign = {f for f in _fragments(other) if f not in data}
    assert len(foreign) > 100
    text = " \n ".join(documents[lang])
    found = sorted(f for f in foreign if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text))
    assert found == []
    own = _fragments(lang)
    assert sum(f in text for f in own) > 20  # the check can see the library's words


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_renders_in_its_language(lang):
    """Each message formats without errors and without a leftover placeholder when filled."""
    for message in _po(lang):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        params = {name: "X" for text in _texts(message) for name in _fields(text)}
        params["n"] = 2
        text = translate(msgid, lang, **params)
        assert "{" not in text and text != msgid, msgid


# ------------------------------------------------------------------ a third language


@pytest.fixture
def german(tmp_path):
    """A downstream package's catalogue: German for a few messages."""
    from babel.messages.catalog import Catalog

    cat = Catalog(locale="de", domain="musframework")
    cat.add("response.missing-required", "Die Frage „{question}“ muss beantwortet werden")
    cat.add("ConversationStatus.cancelled", "abgesagt")
    cat.add("format.date", "D. MMMM YYYY")
    target = tmp_path / "locale" / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "musframework.mo").open("wb") as fp:
        write_mo(fp, cat)
    catalogue.register_catalogue("acme-german", tmp_path / "locale")
    yield
    catalogue.unregister_catalogue("acme-german")


def test_a_downstream_package_adds_a_language(german):
    assert "de" in catalogue.languages()
    finding = mf.Finding.error(
        "response.missing-required",
        "answers.goals",
        question=mf.LocalizedText({"da": "Dine mål", "en": "Your goals", "de": "Ihre Ziele"}),
    )
    assert finding.text("de") == "Die Frage „Ihre Ziele“ muss beantwortet werden"
    assert finding.text("de-AT") == finding.text("de")  # a region falls back to its language
    assert catalogue.enum_label(mf.ConversationStatus.CANCELLED, "de") == "abgesagt"
    assert catalogue.format_date(pendulum.date(2026, 3, 3), "de") == "3. März 2026"
    # What the German catalogue lacks comes in English, never as a message id.
    assert translate("plan.no-goals", "de") == "the plan has no goals"
    # Danish and English are untouched.
    assert finding.text("da") == "spørgsmålet »Dine mål« skal besvares"


def test_unregistering_the_language_takes_it_away(german):
    catalogue.unregister_catalogue("acme-german")
    try:
        assert "de" not in catalogue.languages()
        assert translate("ConversationStatus.cancelled", "de") == "cancelled"
    finally:
        catalogue.register_catalogue("acme-german", pathlib.Path("/nonexistent"))


def test_a_downstream_catalogue_can_reword_a_built_in_message(tmp_path):
    from babel.messages.catalog import Catalog

    cat = Catalog(locale="da", domain="musframework")
    cat.add("ConversationStatus.cancelled", "annulleret")
    target = tmp_path / "da" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "musframework.mo").open("wb") as fp:
        write_mo(fp, cat)
    catalogue.register_catalogue("acme-words", tmp_path)
    try:
        assert catalogue.enum_label(mf.ConversationStatus.CANCELLED, "da") == "annulleret"
        assert catalogue.enum_label(mf.ConversationStatus.HELD, "da") == "afholdt"
    finally:
        catalogue.unregister_catalogue("acme-words")
    assert catalogue.enum_label(mf.ConversationStatus.CANCELLED, "da") == "aflyst"


def test_locales_are_normalised():
    assert catalogue.normalise_locale("da_DK.UTF-8") == "da_DK"
    assert catalogue.normalise_locale("EN-gb") == "en_GB"
    assert catalogue.normalise_locale(None) == "da"
    assert translate("word.yes", "da-DK") == "ja"
    assert translate("word.yes", "fr") == "yes"  # no French catalogue: English


def test_a_message_reads_like_a_localised_text():
    message = Message("doc.minutes", {"n": 1})
    assert message.get("da") == "1 minut"
    assert message.translations == {"da": "1 minut", "en": "1 minute"}
    assert str(message) == "1 minut"
    assert Message("no.such.message").missing() == ["da", "en"]


def test_errors_speak_the_readers_language():
    with pytest.raises(mf.errors.NotFoundError) as info:
        mf.Organisation().person("p7")
    assert info.value.text("da") == "ingen person 'p7' i organisationen"
    assert str(info.value) == "no person 'p7' in the organisation"
    with pytest.raises(mf.errors.DataError) as info:
        mf.Questionnaire(id="q", title="Q", sections=[]).new_response("employee", "p", {"x": 1})
    assert info.value.text("da").startswith("ugyldige svar til q@1 (1 problem):")
    assert "the questionnaire has no question with the id 'x'" in str(info.value)
