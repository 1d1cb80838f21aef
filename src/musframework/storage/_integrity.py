"""Tamper evidence shared by every backend: the audit log's hash chain and ``verify()``.

Each audit entry carries the SHA-256 of the document revision it records, a seal over its
actor and id, the hash of the entry before and its own hash. :func:`check_store` walks the
chain, compares each document with the latest entry about it and with its side-table rows,
and checks every signature (:func:`musframework.signing.verify`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from musframework.model import Conversation, Finding
from musframework.serialization.time import format_datetime
from musframework.signing import SignatureStatus, Signer, verify

__all__ = [
    "IntegrityReport",
    "PSEUDONYM_PREFIX",
    "SideRows",
    "body_hash",
    "chain",
    "check_chain",
    "check_documents",
    "check_side_rows",
    "check_signatures",
    "entry_hash",
    "renamed",
    "seal",
]

PSEUDONYM_PREFIX = "erased-"
"""How an erasure's pseudonyms begin (entries renamed by an erasure lose their nonce)."""


def _canonical(data: Any) -> bytes:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


class _FloatError(Exception):
    """A body with a float: canonical through :mod:`json` (orjson writes some differently)."""


def _refuse_float(text: str) -> Any:
    raise _FloatError(text)


def _fast_canonical() -> Callable[[str], bytes | None] | None:
    """A text's canonical JSON through msgspec and orjson, when both are installed.

    Byte for byte what :func:`_canonical` writes for a body of strings, integers of 64 bits,
    booleans, nulls, lists and objects (``tests/test_integrity_storage.py`` checks it on
    generated documents): about five times faster. ``None`` from the function means "take
    the :mod:`json` path": a float, a larger integer, a lone surrogate, text that is not
    strict JSON.
    """
    try:
        import msgspec
        import orjson
    except ImportError:  # pragma: no cover - exercised only without the fast extra
        return None
    decode = msgspec.json.Decoder(float_hook=_refuse_float).decode
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS
    refused = (_FloatError, msgspec.DecodeError, orjson.JSONEncodeError, UnicodeError)

    def canonical(text: str) -> bytes | None:
        try:
            return dumps(decode(text), option=sort)
        except refused:
            return None

    return canonical


_FAST_CANONICAL = _fast_canonical()


def body_hash(body: str | Mapping[str, Any] | None) -> str:
    """The SHA-256 of a document body as canonical JSON (``""`` for ``None``).

    Canonical (sorted keys, compact) so that a body PostgreSQL keeps as JSONB, with its own
    key order, hashes the same as the text that was written.
    """
    if body is None:
        return ""
    if isinstance(body, str):
        fast = None if _FAST_CANONICAL is None else _FAST_CANONICAL(body)
        if fast is not None:
            return hashlib.sha256(fast).hexdigest()
        return hashlib.sha256(_canonical(json.loads(body))).hexdigest()
    return hashlib.sha256(_canonical(body)).hexdigest()


def _flat_canonical() -> Callable[[list[Any]], bytes]:
    """The canonical JSON of a list of strings and integers (a seal's, an entry's).

    orjson writes such a list byte for byte as :func:`_canonical` does, faster; it refuses
    what it cannot write the same (a lone surrogate, an integer beyond 64 bits), and then
    :func:`_canonical` writes it.
    """
    try:
        import orjson
    except ImportError:  # pragma: no cover - exercised only without the fast extra
        return _canonical
    dumps, refused = orjson.dumps, orjson.JSONEncodeError

    def canonical(items: list[Any]) -> bytes:
        try:
            return dumps(items)
        except refused:
            return _canonical(items)

    return canonical


_FLAT = _flat_canonical()


def seal(nonce: str, actor: str, id: str) -> str:
    """The commitment to an entry's actor and id."""
    return hashlib.sha256(_FLAT(["seal", nonce, actor, id])).hexdigest()


def _entry_digest(previous: str, entry: Any, seal: str, at: str) -> str:
    return hashlib.sha256(
        _FLAT(
            [
                previous,
                entry.kind,
                seal,
                entry.revision,
                entry.action,
                at,
                entry.document_hash,
            ]
        )
    ).hexdigest()


def entry_hash(previous: str, entry: Any) -> str:
    """The hash of an audit entry (an :class:`~musframework.storage.AuditEntry`)."""
    return _entry_digest(previous, entry, entry.seal, format_datetime(entry.at))


def chain(previous: str, entries: Iterable[Any]) -> list[Any]:
    """``entries`` sealed and linked after the entry whose hash is ``previous``."""
    entries = list(entries)
    # One read of the system's random source for the batch (what ``secrets.token_hex``
    # reads for each): 16 random bytes, 32 hex digits, per entry.
    nonces = os.urandom(16 * len(entries)).hex()
    linked = []
    last: Any = None  # a batch's entries share one time object: formatted once
    at = ""
    for i, e in enumerate(entries):
        nonce = nonces[32 * i : 32 * i + 32]
        sealed = seal(nonce, e.actor, e.id)
        if e.at is not last:  # identity, not equality: equal times in two zones differ
            last, at = e.at, format_datetime(e.at)
        digest = _entry_digest(previous, e, sealed, at)
        linked.append(attrs.evolve(e, nonce=nonce, seal=sealed, previous=previous, hash=digest))
        previous = digest
    return linked


def renamed(entry: Any, old: str, new: str, aliases: Iterable[str] = ()) -> Any:
    """``entry`` with the person id ``old`` (or an actor in ``aliases``) replaced by ``new``.

    The nonce goes with it, so the seal can no longer be opened.
    """
    actor = new if entry.actor == old or entry.actor in set(aliases) else entry.actor
    id = new if (entry.kind == "person" and entry.id == old) else entry.id
    if actor == entry.actor and id == entry.id:
        return entry
    return attrs.evolve(entry, actor=actor, id=id, nonce=None)


@attrs.frozen
class IntegrityReport:
    """What :meth:`~musframework.storage.BaseStore.verify` found.

    Attributes:
        findings: Every broken link, altered entry or body, stale side-table row and
            signature that does not verify (``Finding`` with a code and a path).
        entries: Audit entries checked (those in the chain).
        unchained: Entries from before the log was a chain (not checked).
        documents: Documents compared with the log.
        signatures: Signatures checked.
        unverified: Signatures on matching content that could not be proved (no proof, or no
            key given).
        head: The hash of the last entry: write it down elsewhere, and a later check can
            show that nothing was cut off the end.
    """

    findings: tuple[Finding, ...]
    entries: int
    unchained: int
    documents: int
    signatures: int
    unverified: int
    head: str

    @property
    def ok(self) -> bool:
        """No finding at all."""
        return not self.findings


def check_chain(entries: Sequence[Any]) -> tuple[list[Finding], int, int]:
    """Findings of the audit log's chain, and how many entries were chained and not."""
    findings: list[Finding] = []
    previous = ""
    chained = unchained = 0
    for i, e in enumerate(entries):
        path = f"audit_log[{i}]"
        if not e.hash:
            if chained:
                findings.append(Finding.error("audit.unchained", path, kind=e.kind, id=e.id))
            unchained += 1
            continue
        chained += 1
        if e.previous != previous:
            findings.append(Finding.error("audit.broken-link", path, kind=e.kind, id=e.id))
        if entry_hash(e.previous, e) != e.hash:
            findings.append(Finding.error("audit.entry-altered", path, kind=e.kind, id=e.id))
        elif e.nonce is not None:
            if seal(e.nonce, e.actor, e.id) != e.seal:
                findings.append(Finding.error("audit.entry-altered", path, kind=e.kind, id=e.id))
        elif not (e.actor.startswith(PSEUDONYM_PREFIX) or e.id.startswith(PSEUDONYM_PREFIX)):
            findings.append(Finding.error("audit.entry-altered", path, kind=e.kind, id=e.id))
        previous = e.hash
    return findings, chained, unchained


def check_documents(
    documents: Iterable[tuple[str, str, int, Mapping[str, Any]]], entries: Sequence[Any]
) -> tuple[list[Finding], int]:
    """Compare each ``(kind, name, revision, body)`` with the latest audit entry about it."""
    latest: dict[tuple[str, str], Any] = {}
    for e in entries:
        if e.action == "delete":
            latest.pop((e.kind, e.id), None)
        else:
            latest[(e.kind, e.id)] = e
    findings: list[Finding] = []
    count = 0
    for kind, name, revision, body in documents:
        count += 1
        path = f"{kind} {name!r}"
        entry = latest.get((kind, name))
        if entry is None:
            findings.append(Finding.error("store.not-logged", path, kind=kind, id=name))
        elif entry.revision != revision:
            findings.append(
                Finding.error(
                    "store.revision-not-logged", path, kind=kind, id=name, revision=revision
                )
            )
        elif entry.document_hash and entry.document_hash != body_hash(body):
            findings.append(Finding.error("store.body-altered", path, kind=kind, id=name))
    return findings, count


SideRows = Mapping[str, tuple[tuple[Any, ...], frozenset[tuple[str, str]], tuple[Any, ...]]]
"""Per conversation id: its indexed columns, its people, its agreement rows (see below)."""


def expected_side_rows(
    c: Conversation, data: Mapping[str, Any], index_of: Callable[..., Any]
) -> tuple[tuple[Any, ...], frozenset[tuple[str, str]], tuple[Any, ...]]:
    """The side-table rows a conversation's body implies, in :data:`SideRows`' shape."""
    ix = index_of(c, data)
    columns = (ix.cycle, ix.unit, ix.kind, ix.status, ix.start)
    agreements = tuple(
        (
            a.position,
            a.id,
            a.owner,
            a.status,
            a.deadline,
            body_hash(a.body),
            ix.status,
            a.continues,
            ix.previous,
        )
        for a in ix.agreements
    )
    return columns, frozenset(ix.people), agreements


def check_side_rows(
    stored: SideRows,
    conversations: Iterable[tuple[Conversation, Mapping[str, Any]]],
    index_of: Callable[..., Any],
) -> list[Finding]:
    """Findings for conversations whose side-table rows disagree with their body."""
    findings = []
    seen = set()
    for c, data in conversations:
        seen.add(c.id)
        expected = expected_side_rows(c, data, index_of)
        found = stored.get(c.id)
        if found is None or found != expected:
            findings.append(
                Finding.error("store.side-table-stale", f"conversation {c.id!r}", id=c.id)
            )
    for id in sorted(stored.keys() - seen):  # rows of a conversation that is not there
        findings.append(Finding.error("store.side-table-stale", f"conversation {id!r}", id=id))
    return findings


def check_signatures(
    conversations: Iterable[Conversation], signer: Signer | None
) -> tuple[list[Finding], int, int]:
    """Findings for signatures and redactions that do not verify; counts checked, unverified."""
    findings: list[Finding] = []
    checked = unverified = 0
    for c in conversations:
        result = verify(c, signer)
        checked += len(result.checks)
        unverified += sum(1 for x in result.checks if x.status is SignatureStatus.UNVERIFIED)
        for f in result.findings:
            if f.code != "signature.unverified":
                findings.append(attrs.evolve(f, path=f"conversation {c.id!r}.{f.path}"))
    return findings, checked, unverified
