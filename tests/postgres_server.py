"""A throw-away PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory.

The server refuses to run as root, so when the tests run as root the commands run as the
``postgres`` user (``runuser``). In CI (``CI`` set) a server that cannot start is a failure;
locally the PostgreSQL tests are skipped only when the binaries are not installed.

:func:`running_server` does the work without pytest (the benchmarks use it too:
``benchmarks/bench_postgres.py``); :func:`postgres_server` is the tests' wrapper that turns
a missing or failing server into a skip or a failure.
"""

from __future__ import annotations

import glob
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager


class ServerError(RuntimeError):
    """The PostgreSQL binaries are not installed (``missing``) or the server did not start."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def find_bin() -> pathlib.Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return pathlib.Path(candidate).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str]) -> None:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def running_server(settings: Sequence[str] = ()) -> Iterator[str]:
    """Start a server on a free port and yield its DSN; stop and remove it afterwards.

    ``settings`` are extra server settings (``"shared_buffers=256MB"``), passed as ``-c``.

    Raises:
        ServerError: when the binaries are missing or the server does not start.
    """
    bin_dir = find_bin()
    if bin_dir is None:
        raise ServerError("PostgreSQL binaries (initdb, pg_ctl) are not installed", missing=True)
    base = pathlib.Path(tempfile.mkdtemp(prefix="mf-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    port = _free_port()
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += "".join(f" -c {setting}" for setting in settings)
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(base, ignore_errors=True)
        raise ServerError(f"cannot start PostgreSQL: {exc}") from exc
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(base, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """:func:`running_server` for pytest: skip when not installed (fail in CI), else fail."""
    import pytest

    try:
        with running_server() as dsn:
            yield dsn
    except ServerError as exc:  # raised only before the server is up
        if exc.missing and not os.environ.get("CI"):
            pytest.skip(f"{exc}: apt-get install postgresql to run these tests")
        pytest.fail(f"{exc}; CI must run the PostgreSQL tests" if exc.missing else str(exc))
