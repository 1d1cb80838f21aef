"""Project automation: ``nox -s tests``, ``nox -s demo``, ``nox -s lint``, ``nox -s typecheck``,
``nox -s docs``, ``nox -s bench``, ``nox -s catalogue``.

Sessions install everything they need from the package registries; nothing is installed by
hand. pyenv's shims only answer for the global Python, so the interpreters nox asks for
(python3.11, python3.13) are linked from ``~/.pyenv/versions`` when the shim cannot run them.
"""

from __future__ import annotations

import glob
import os
import pathlib
import shutil
import subprocess

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.error_on_missing_interpreters = True

ROOT = pathlib.Path(__file__).parent
PYTHONS = ["3.11", "3.13"]
TEST_EXTRAS = (
    "test,toml,html,docx,ics,pdf,holidays,fast,pandas,plot,progress,postgres,web,signing,excel"
)


def _expose_pyenv_interpreters() -> None:
    links = ROOT / ".nox" / "_interpreters"
    for version in ["3.10", "3.11", "3.12", "3.13"]:
        name = f"python{version}"
        found = shutil.which(name)
        if found and subprocess.run([found, "-V"], capture_output=True).returncode == 0:
            continue
        candidates = sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/{name}"))
        )
        if not candidates:
            continue
        links.mkdir(parents=True, exist_ok=True)
        link = links / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(candidates[-1])
    if links.exists():
        os.environ["PATH"] = f"{links}{os.pathsep}{os.environ['PATH']}"


_expose_pyenv_interpreters()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite with branch coverage (fails under 90%)."""
    session.install(f".[{TEST_EXTRAS}]")
    session.run(
        "pytest",
        # Two workers (CI machines have two cores), whole files per worker so that
        # module-scoped fixtures (a PostgreSQL server per worker, a browser) start once.
        "--numprocesses=2",
        "--dist=loadfile",
        "--cov=musframework",
        "--cov-branch",
        "--cov-report=term",
        "--cov-fail-under=90",
        *session.posargs,
        env={"COVERAGE_FILE": str(ROOT / f".coverage.{session.python}")},
    )


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    paths = ["src", "tests", "examples", "benchmarks", "noxfile.py", "docs/conf.py", "docs/_ext"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/."""
    session.install("mypy>=1.10", f".[{TEST_EXTRAS}]")
    session.run("mypy", "--strict", "src/musframework")


@nox.session(python="3.11")
def demo(session: nox.Session) -> None:
    """Run the main example: a whole round of conversations on the embedded SQLite default.

    Writes the database, every development plan (HTML, Markdown, Word), a round report and the
    round's calendar into ``examples/output/``; ``nox -s demo -- --output DIR --people N``.
    """
    session.install(".[html,docx,ics,pdf,toml,holidays,smtpd]")
    session.run("python", "examples/annual_round.py", *session.posargs)


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the documentation site: warnings are errors, every reference must resolve.

    Every extra is installed so that autodoc can import every module. The site is written to
    ``docs/_build/html``; ``nox -s docs -- -b linkcheck`` and other sphinx-build options go
    after ``--``.
    """
    session.install(".[docs,all,test]")
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-n",
        "-E",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
    )


@nox.session(python="3.11")
def catalogue(session: nox.Session) -> None:
    """Compile the catalogues of words (``.po`` -> ``.mo``) after editing a ``.po`` file.

    ``tests/test_catalogue.py`` fails while a compiled catalogue differs from its source, and
    while Danish and English do not hold the same messages.
    """
    session.install("babel>=2.14")
    locale = ROOT / "src" / "musframework" / "catalogue" / "locale"
    domains = sorted({p.stem for p in locale.glob("*/LC_MESSAGES/musframework*.po")})
    for domain in domains:  # musframework.po and its parts musframework-<part>.po
        session.run("pybabel", "compile", "-d", str(locale), "-D", domain)


@nox.session(python="3.11")
def fuzz(session: nox.Session) -> None:
    """Fuzz the loaders at scale: the ``fuzz`` tests under the ``fuzz`` hypothesis profile.

    Each fuzz module writes its figures (inputs tried, outcomes) to ``.nox/fuzz-report/``;
    docs/reliability.md records them. Besides the loaders, ``tests/test_fuzz_storage.py``
    corrupts stored rows and bodies in SQLite and PostgreSQL (a throw-away server, as the
    tests start one) and ``tests/test_fuzz_surveyjs.py`` feeds the SurveyJS importers; their
    counts: ``MUSFRAMEWORK_FUZZ_STORAGE_EXAMPLES`` and ``MUSFRAMEWORK_FUZZ_SURVEYJS_EXAMPLES``
    (examples per test, 5 inputs each). ``nox -s fuzz -- tests/test_fuzz_storage.py`` runs one.
    """
    session.install(f".[{TEST_EXTRAS}]")
    report = ROOT / ".nox" / "fuzz-report"
    session.run(
        "pytest",
        "-m",
        "fuzz",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "fuzz", "MUSFRAMEWORK_FUZZ_REPORT": str(report)},
    )
    for path in sorted(report.glob("*.json")):
        session.log(f"{path.name}: {path.read_text(encoding='utf-8')}")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks: every workload at N = 1,000 … 200,000 (``-- --quick`` for N=100), then storage.

    Workloads live in ``benchmarks/workloads.py`` (see ``benchmarks/harness.py``); pass
    ``-- --sizes 1000 10000`` or ``-- --only roundtrip check_response`` to narrow them. The
    storage benchmark (``benchmarks/bench_storage.py``: 100,000 conversations in SQLite) runs
    after them, then the PostgreSQL benchmark (``benchmarks/bench_postgres.py``: save, re-save,
    load and queries at 10,000 and 100,000 against a throw-away server, as the tests start
    one), then the services benchmark (``benchmarks/bench_services.py``: a use case against the
    bare workflow step plus save on SQLite), each in its quick mode when ``--quick`` is given.
    Every cell runs ours, the floor and the peers (pydantic v2, msgspec) interleaved in the same
    garbage-collector state and reports CPU time beside wall time (``benchmarks/harness.py``).
    """
    session.install(".[fast,holidays,postgres,bench,web]")
    session.run("python", "benchmarks/harness.py", *session.posargs)
    quick = ["--quick"] if "--quick" in session.posargs else []
    session.run("python", "benchmarks/bench_storage.py", *quick)
    session.run("python", "benchmarks/bench_postgres.py", *quick)
    session.run("python", "benchmarks/bench_services.py", *quick)
    session.run("python", "benchmarks/bench_web.py", *quick)


@nox.session(python="3.11")
def serve(session: nox.Session) -> None:
    """Try the web kit: API and pages on http://127.0.0.1:8000 with a development-only login.

    ``examples/web_app.py`` over SQLite (``examples/output/web.db``) with the sample
    organisation: an employee's form, a leader's overview side by side, the plan with sign
    buttons, the calendar download. ``nox -s serve -- --port 8080 --fresh``.
    """
    session.install(".[web,html,docx,ics]")
    session.run("python", "examples/web_app.py", *session.posargs)


@nox.session(python="3.11")
def vendor(session: nox.Session) -> None:
    """Refresh the vendored SurveyJS files of ``musframework.web`` from npm.

    The versions are pinned in ``src/musframework/web/static/vendor/package.json`` (survey-core
    and survey-js-ui at the same version: survey-js-ui pins its survey-core). Change them
    there (and ``SURVEYJS_VERSION`` in ``musframework/web/_pages.py``), run this session, run
    the browser tests, commit. Only the files the pages load are copied, with the licence;
    the font-less stylesheet is used (the default one loads Open Sans from a font host).
    """
    import json
    import pathlib
    import shutil
    import tempfile

    vendor_dir = pathlib.Path("src/musframework/web/static/vendor")
    pins = json.loads((vendor_dir / "package.json").read_text(encoding="utf-8"))
    wanted = [f"{name}@{version}" for name, version in pins["dependencies"].items()]
    with tempfile.TemporaryDirectory() as scratch:
        session.run(
            "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", scratch,
            *wanted, external=True,
        )  # fmt: skip
        modules = pathlib.Path(scratch) / "node_modules"
        files = {
            "survey-core": ["survey.core.min.js", "survey-core.fontless.min.css",
                            "i18n/danish.min.js"],
            "survey-js-ui": ["survey-js-ui.min.js"],
        }  # fmt: skip
        for package, names in files.items():
            for name in names:
                target = vendor_dir / package / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(modules / package / name, target)
            installed = json.loads((modules / package / "package.json").read_text("utf-8"))
            if installed["version"] != pins["dependencies"][package]:
                session.error(f"{package}: got {installed['version']}")
            if installed.get("license") != "MIT":
                session.error(f"{package}: licence is now {installed.get('license')}")
    session.log("vendored " + ", ".join(wanted) + " (LICENSE files kept: MIT)")
