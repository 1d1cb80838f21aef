"""The examples run as the README says, and the notebooks execute in a real Jupyter kernel."""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

import musframework as mf
from musframework import workflow as wf

ROOT = pathlib.Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted((EXAMPLES / "notebooks").glob("*.ipynb"))


def run_example(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _written(out: pathlib.Path) -> dict[str, str]:
    """Every file the demo wrote but the database, by path, with its SHA-256."""
    import hashlib

    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".db" not in p.name
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_example("annual_round.py", "--output", str(out), "--people", "24")


def test_demo_writes_the_files_it_names(demo):
    out, printed = demo
    named = {
        label.strip(): pathlib.Path(path)
        for label, path in re.findall(r"^ {2}([\w ]+):\s+(/\S+)", printed, re.M)
    }
    assert {"database", "plans", "round report", "calendar"} <= set(named)
    for path in re.findall(r"^ {2}[\w ]+:\s+(/\S+)", printed, re.M):
        assert pathlib.Path(path).exists(), path
        assert pathlib.Path(path).is_relative_to(out)
    count = int(re.search(r"\((\d+) files: \.html, \.md, \.docx\)", printed).group(1))
    plans = sorted(named["plans"].iterdir())
    assert len(plans) == count > 0
    assert {p.suffix for p in plans} == {".html", ".md", ".docx"}
    assert "Validation: 0 errors" in printed
    report = (out / "round-report.html").read_text(encoding="utf-8")
    assert "MUS 2026" in report
    # One folder holds every kind of document a reviewer opens.
    documents = sorted((out / "documents").iterdir())
    assert {p.suffix for p in documents} == {".html", ".pdf", ".docx", ".txt", ".md", ".ics"}
    assert re.search(rf"documents: .* \({len(documents)} files: ", printed)


def test_demo_sends_its_notifications_once(demo):
    out, printed = demo
    sent = int(re.search(r"^Notifications: (\d+) messages sent", printed, re.M).group(1))
    assert sent > 0
    with mf.storage.open(f"sqlite:///{out / 'mus-2026.db'}") as store:
        deliveries = [d.document for d in store.documents(mf.Delivery)]
        assert len(deliveries) == sent
        kinds = {d.kind for d in deliveries}
        actors = {e.actor for e in store.audit_log(kind="conversation")}
        people = {p.document.id for p in store.documents(mf.Person)}
    assert {"invitation", "preparation_reminder", "shared", "signed", "deadline_reminder"} <= kinds
    assert actors <= people  # every step was taken by a person of the organisation
    before = _written(out)
    again = run_example("annual_round.py", "--output", str(out), "--people", "24")
    assert _written(out) == before  # every document, the same bytes on every run
    assert re.search(
        rf"^Notifications: 0 messages sent .*; {sent} sent by earlier runs$", again, re.M
    )
    assert again.splitlines()[:4] == printed.splitlines()[:4]  # the same round, not walked again


def test_demo_database_reloads_the_whole_round(demo):
    out, printed = demo
    planned = int(re.search(r"Planned (\d+) conversations", printed).group(1))
    line = re.search(r"^Status on \S+ - (.*)$", printed, re.M).group(1)
    statuses = {status: int(n) for n, status in re.findall(r"(\d+) (\w+)", line)}
    assert sum(statuses.values()) == planned
    with mf.storage.open(f"sqlite:///{out / 'mus-2026.db'}") as store:
        conversations = [s.document for s in store.conversations(cycle="mus-2026")]
        people = store.documents(mf.Person)
        cycle = store.load(mf.Cycle, "mus-2026").document
        forms = {q.document.ref: q.document for q in store.documents(mf.Questionnaire)}
    assert len(conversations) == planned
    assert len(people) == 24
    kinds = {c.kind for c in conversations}
    assert kinds == set(mf.ConversationKind)  # MUS, GRUS, LUS and the planned follow-ups
    for status, n in statuses.items():
        assert sum(c.status.value == status for c in conversations) == n
    # GRUS before the MUS of its unit, as the round's settings ask.
    grus = {c.unit: c.scheduled_start for c in conversations if c.kind.value == "GRUS"}
    for c in conversations:
        if c.kind.value == "MUS" and c.unit in grus:
            assert grus[c.unit] < c.scheduled_start
    assert mf.validate(cycle, conversations=conversations).errors == []
    signed = [c for c in conversations if c.status.value in ("signed", "followed_up")]
    assert signed
    assert all(wf.is_fully_signed(c) for c in signed)
    assert all(
        forms[c.questionnaire].check_response(r) == [] for c in conversations for r in c.responses
    )
    # Every built-in conversation form is in use (the evaluation form evaluates the round; the
    # upward feedback form is answered by a leader's staff outside any conversation).
    used = {c.questionnaire.id for c in conversations} | {cycle.evaluation_form.id}
    conversation_forms = set(mf.templates.names()) - {"upward-feedback"}
    assert used == {f.id for f in forms.values()} == conversation_forms


def test_custom_questionnaire_example(tmp_path):
    printed = run_example("custom_questionnaire.py", "--output", str(tmp_path))
    assert "check(): no problems" in printed
    assert "good response: no problems" in printed
    assert "bad response: ranking.repeated" in printed
    assert "stored and loaded: custom.db RankingAnswer" in printed
    out = tmp_path / "custom"
    toml = (out / "acme-mus@2026.1.toml").read_text(encoding="utf-8")
    assert 'type = "ranking"' in toml
    data = json.loads((out / "acme-mus@2026.1.json").read_text(encoding="utf-8"))
    assert data["id"] == "acme-mus"
    assert "1\\. En mentor, 2. Nye opgaver" in (out / "side-by-side.md").read_text(encoding="utf-8")
    assert (out / "acme-mus-form.html").stat().st_size > 0


# ----------------------------------------------------------------------------- notebooks


def test_there_are_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"leader_preparing_conversations", "hr_following_a_round"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], cell["source"]
            assert cell["execution_count"] is None, cell["source"]


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A ``python3`` kernel spec that starts this very interpreter, whatever venv it is in."""
    import ipykernel  # noqa: F401  (the test extra installs it; the kernel runs it)

    spec = tmp_path_factory.mktemp("jupyter") / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return str(spec.parent.parent)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_execute_in_a_real_kernel(path, kernel_env, tmp_path, monkeypatch):
    import jupyter_client.kernelspec
    import nbclient
    import nbformat

    monkeypatch.setenv("JUPYTER_PATH", kernel_env)
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    spec = jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable
    client.execute()  # raises CellExecutionError on the first failing cell

    plotted = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kinds = [o.output_type for o in cell.outputs]
        assert "error" not in kinds, cell.source
        if "plot_" in cell.source:
            images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert images, f"no figure from:\n{cell.source}"
            plotted += 1
        if "HTML(mf.render" in cell.source:
            assert any("text/html" in o.get("data", {}) for o in cell.outputs), cell.source
    if path.stem == "hr_following_a_round":
        assert plotted == 4
