"""The example third-party backend in examples/ passes the conformance suite from outside."""

import importlib.util
import json
import pathlib

import musframework as mf
from musframework.testing.storage import StoreConformance

_PATH = pathlib.Path(__file__).parent.parent / "examples" / "json_directory_store.py"
_spec = importlib.util.spec_from_file_location("json_directory_store", _PATH)
json_directory_store = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(json_directory_store)
JsonDirectoryStore = json_directory_store.JsonDirectoryStore


class TestJsonDirectoryStore(StoreConformance):
    def make_store(self, directory, *, clock):
        return JsonDirectoryStore(directory / "store", clock=clock)


def test_one_file_per_document_and_the_url_scheme(tmp_path):
    json_directory_store.register()
    try:
        store = mf.storage.open(f"jsondir://{tmp_path}")
        store.save(mf.Person(id="a/b", name="Slash"))
        store.save(mf.Questionnaire(id="mus", version="2", title="MUS"))
        files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
        assert files == ["person/a%2Fb.json", "questionnaire/mus@2.json"]
        stored = json.loads((tmp_path / "person" / "a%2Fb.json").read_text())
        assert stored["revision"] == 1 and stored["document"]["name"] == "Slash"
    finally:
        mf.storage.unregister_store("jsondir")


def test_an_interrupted_commit_is_rolled_forward_on_open(tmp_path):
    store = JsonDirectoryStore(tmp_path)
    store.save(mf.Person(id="ane", name="Ane"))
    # simulate a crash after the commit point: the journal exists, the renames did not happen
    pending = tmp_path / "person" / ".tmp-pending.json"
    pending.write_text(
        json.dumps(
            {"revision": 2, "document": json.loads(mf.dumps(mf.Person(id="ane", name="Ane Holm")))}
        )
    )
    (tmp_path / "journal.json").write_text(
        json.dumps([{"from": str(pending), "to": str(tmp_path / "person" / "ane.json")}])
    )
    reopened = JsonDirectoryStore(tmp_path)
    assert reopened.load(mf.Person, "ane") == mf.storage.Stored(
        mf.Person(id="ane", name="Ane Holm"), 2
    )
    assert not (tmp_path / "journal.json").exists()
