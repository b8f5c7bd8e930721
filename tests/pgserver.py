"""A real PostgreSQL for tests: Debian's server binaries, a temp data dir, its own loopback port, stopped by PID.

initdb and postgres refuse to run as root, so under root (CI) the server runs as the `postgres` system user the
Debian package creates, in a temp dir owned by it. Missing binaries skip the tests unless
NEWSDESK_REQUIRE_POSTGRES is set (CI sets it, so a missing server fails there instead of passing silently).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest

PG_USER = "postgres"  # the superuser initdb creates; also the system account Debian's package adds
START_TIMEOUT_S = 60.0


def pg_bin_dir() -> Path | None:
    """The folder holding initdb, postgres and pg_ctl: $NEWSDESK_PG_BIN, PATH, or the newest /usr/lib/postgresql/N."""
    candidates: list[Path] = []
    if os.environ.get("NEWSDESK_PG_BIN"):
        candidates.append(Path(os.environ["NEWSDESK_PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    candidates += versions
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "postgres")):
            return folder
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsUser(TypedDict, total=False):
    """subprocess arguments that run PostgreSQL as its own user when the tests run as root."""

    user: int
    group: int
    extra_groups: list[int]


class PgServer:
    """One PostgreSQL cluster in a temp dir; `dsn(db)` is a libpq keyword string usable by psycopg2 and DuckDB."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._as_user: AsUser = {}
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(PG_USER)
            except KeyError:
                raise RuntimeError(f"running as root and there is no '{PG_USER}' system user to run PostgreSQL as "
                                   "(install Debian's postgresql package: scripts/install_postgres.sh)") from None
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={dbname}"

    def start(self) -> None:
        subprocess.run([str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust",
                        "--encoding=UTF8", "--no-sync"], check=True, capture_output=True, **self._as_user)
        self.run()

    def run(self) -> None:
        """postgres on this cluster's port and data folder: the first start, or again after `halt`."""
        with open(self.log, "ab") as log:
            # postgres itself rather than pg_ctl: we hold its PID, and its own session (process group) to kill.
            self.process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **self._as_user)
        self._wait_ready()

    def halt(self) -> None:
        """Immediate shutdown by PID, keeping the data: every client session dies, as in a catalog restart."""
        assert self.process is not None
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)

    def _wait_ready(self) -> None:
        import psycopg2

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                psycopg2.connect(self.dsn(), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"postgres did not accept connections in {START_TIMEOUT_S:.0f} s:\n"
                                       f"{self.log.read_text()[-3000:]}") from None
                time.sleep(0.1)

    def create_database(self, name: str) -> str:
        """A fresh database (name from the test, not from data) and its DSN."""
        import psycopg2

        con = psycopg2.connect(self.dsn())
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')  # identifiers cannot be bound
        finally:
            con.close()
        return self.dsn(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # "immediate" shutdown: a throwaway cluster needs no checkpoint
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            try:  # whatever is left of the server's process group (backends of a hung shutdown)
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
        # Every database is ~1000 files: removing them took 4-12 s on a busy machine, so it runs detached.
        subprocess.Popen(["rm", "-rf", "--", str(self.root)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_server_or_skip() -> PgServer:
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        message = ("PostgreSQL server binaries not found (initdb/postgres on PATH or in /usr/lib/postgresql/*/bin); "
                   "install them with scripts/install_postgres.sh")
        if os.environ.get("NEWSDESK_REQUIRE_POSTGRES"):
            pytest.fail(message + " [NEWSDESK_REQUIRE_POSTGRES is set]", pytrace=False)
        pytest.skip(message)
    server = PgServer(bin_dir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL for the whole test session; stopped at teardown even when tests fail."""
    server = start_server_or_skip()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: PgServer, request: pytest.FixtureRequest) -> str:
    """A DSN to a database of its own for one test."""
    # PostgreSQL cuts identifiers at 63 bytes: keep well under, unique per test and process.
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:36]
    name += f"_{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    return pg_server.create_database(name)
