"""A third-party storage backend: one JSON file per document in a directory.

It shows what a backend outside musframework needs: subclass
:class:`musframework.storage.BaseStore`, implement five primitives (read one, read all,
commit a batch, read the audit log), register a URL scheme, and run the conformance suite
(``tests/test_json_directory_store.py`` does, importing this file from ``examples/``).

Layout::

    root/person/ane.json            {"revision": 2, "document": {...}}
    root/questionnaire/mus@2.json
    root/audit.jsonl                one JSON object per line
    root/journal.json               only while a commit is being applied

Writes are atomic per file (a temporary file, then ``os.replace``). A batch is atomic as a
whole through a journal: every new file is written to a temporary name first, then the list of
renames and deletions is written (atomically) to ``journal.json``, then applied, then the
journal is removed. A process that dies half-way leaves the journal, and the next open rolls
it forward, so a batch is all or none. One process at a time; the directory is not locked.
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
import threading
from urllib.parse import quote, unquote

from musframework.serialization.time import format_datetime, parse_datetime
from musframework.storage import AuditEntry, BaseStore, register_store
from musframework.storage.base import link_audit, rename_entry


def _atomic_write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class JsonDirectoryStore(BaseStore):
    """Documents as JSON files in a directory (an example backend, not for production)."""

    def __init__(self, root, *, clock=None):
        super().__init__(clock=clock)
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._roll_forward()

    # ------------------------------------------------------------------ files

    def _path(self, kind, id, version):
        name = quote(f"{id}@{version}" if version else id, safe="@")
        return self.root / kind / f"{name}.json"

    @property
    def _journal(self):
        return self.root / "journal.json"

    @property
    def _audit_path(self):
        return self.root / "audit.jsonl"

    def _roll_forward(self):
        if not self._journal.exists():
            return
        steps = json.loads(self._journal.read_text(encoding="utf-8"))
        for step in steps:
            source, target = step.get("from"), pathlib.Path(step["to"])
            if source is None:
                target.unlink(missing_ok=True)
            elif pathlib.Path(source).exists():
                os.replace(source, target)
        self._journal.unlink()

    # ------------------------------------------------------------------ primitives

    def _fetch(self, kind, id, version):
        path = self._path(kind, id, version)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return stored["revision"], stored["document"]

    def _fetch_all(self, kind):
        rows = []
        for path in (self.root / kind).glob("*.json"):
            stored = json.loads(path.read_text(encoding="utf-8"))
            document = stored["document"]
            # Ids derived from the content (drafts, upward feedback) are not in the body.
            key = document.get("id", unquote(path.stem))
            rows.append(((key, document.get("version", "")), stored))
        return [(s["revision"], s["document"]) for _, s in sorted(rows, key=lambda r: r[0])]

    def _commit(self, writes, audit, rename=None):
        with self._lock:
            for w in writes:
                found = self._fetch(w.kind, w.id, w.version)
                actual = 0 if found is None else found[0]
                if actual != w.expected:
                    raise w.conflict(actual)
            steps = []
            for w in writes:
                target = self._path(w.kind, w.id, w.version)
                if w.body is None:
                    steps.append({"from": None, "to": str(target)})
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(f'{{"revision": {w.revision}, "document": {w.body}}}')
                steps.append({"from": tmp, "to": str(target)})
            entries = self._audit(None, None)
            if rename is not None:
                entries = [rename_entry(e, *rename) for e in entries]
            audit = link_audit(entries[-1].hash if entries else "", audit)  # the hash chain
            lines = "".join(_line(e) + "\n" for e in [*entries, *audit])
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".jsonl")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(lines)
            steps.append({"from": tmp, "to": str(self._audit_path)})
            _atomic_write(self._journal, json.dumps(steps))  # the commit point
            self._roll_forward()

    def _audit(self, kind, id):
        try:
            lines = self._audit_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            data = json.loads(line)
            data["at"] = parse_datetime(data["at"])
            entry = AuditEntry(**data)
            if (kind is None or entry.kind == kind) and (id is None or entry.id == id):
                entries.append(entry)
        return entries


def _line(entry):
    return json.dumps(
        {
            "kind": entry.kind,
            "id": entry.id,
            "revision": entry.revision,
            "actor": entry.actor,
            "action": entry.action,
            "at": format_datetime(entry.at),
            "document_hash": entry.document_hash,
            "seal": entry.seal,
            "nonce": entry.nonce,
            "previous": entry.previous,
            "hash": entry.hash,
        },
        ensure_ascii=False,
    )


def open_url(url, **options):
    """Open ``jsondir:///path/to/directory`` (a package would declare this as an entry point:
    ``[project.entry-points."musframework.stores"] jsondir = "mypackage:open_url"``)."""
    return JsonDirectoryStore(url.removeprefix("jsondir://"), **options)


def register():
    """Register the ``jsondir`` URL scheme at runtime."""
    register_store("jsondir", open_url, replace=True)


if __name__ == "__main__":
    import musframework as mf

    register()
    with tempfile.TemporaryDirectory() as directory:
        store = mf.storage.open(f"jsondir://{directory}")
        store.save(mf.Person(id="ane", name="Ane Holm"))
        print(
            sorted(p.relative_to(directory).as_posix() for p in pathlib.Path(directory).rglob("*"))
        )
