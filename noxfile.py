"""Project automation: ``nox -s tests``, ``nox -s demo``, ``nox -s lint``, ``nox -s typecheck``.

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
TEST_EXTRAS = "test,toml,html,docx,ics,holidays,fast"


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
    paths = ["src", "tests", "examples", "benchmarks", "noxfile.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/."""
    session.install("mypy>=1.10", f".[{TEST_EXTRAS}]")
    session.run("mypy", "--strict", "src/musframework")


@nox.session(python="3.11")
def demo(session: nox.Session) -> None:
    """Run the main example: a round of conversations on the embedded SQLite default."""
    session.install(".[html,docx,ics,toml]")
    session.run("python", "examples/annual_round.py", *session.posargs)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks: every workload at N = 1,000 … 200,000 (``-- --quick`` for N=100).

    The general benchmark session: other areas register their workloads in
    ``benchmarks/workloads.py`` (see ``benchmarks/harness.py``). Pass ``-- --sizes 1000 10000``
    or ``-- --only roundtrip check_response`` to narrow it.
    """
    session.install(".[fast,holidays]", "pydantic>=2")
    session.run("python", "benchmarks/harness.py", *session.posargs)
