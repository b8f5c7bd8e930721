"""Issue 22, "done when": two simulated hosts on one lake end in exactly the tables of a serial embedded build.

A host is a PID + UTS namespace (`unshare --pid --fork --uts --mount-proc`, its own hostname) entered with
`nsenter`, with its own working directory (NEWSDESK_DB's folder: scratch, Dagster home); both share one
PostgreSQL catalog, one lake data folder and the landing folder. Cases: the same batch launched on both at
once (one run refuses it, naming the holder; each host's other batch runs beside the other's), and a host
crash (kill -9 of its whole namespace mid-run) during which the catalog restarts for 30 s; the crashed host
comes back (a new namespace, same name and folder) and finishes its batches. Copy-cluster ids are compared as
they are (no relabelling)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import REPO
from pgserver import PgServer, start_server_or_skip
from test_lake_pipeline import Corpus, _lake_digest, _landing, assert_same_corpus, digest

pytestmark = pytest.mark.slow

BATCHES = ("b1", "b2", "b3", "b4")
NS_INIT = "import socket, sys, time; socket.sethostname(sys.argv[1]); time.sleep(10**6)"


def exact_digest(con: duckdb.DuckDBPyConnection) -> Corpus:
    """digest() with the copy-cluster ids as stored."""
    out = digest(con)
    out.tables["copies"] = con.execute("SELECT count(*), coalesce(sum(hash(doc_id, copy_cluster_id, is_canonical, "
                                       "similarity)), 0)::VARCHAR FROM copies").fetchone()
    return out


class Host:
    """A simulated machine: a PID and UTS namespace whose init is a sleeping Python named `name`."""

    def __init__(self, name: str, root: Path, landing: Path, catalog: str) -> None:
        self.name, self.work = name, root / name
        home = self.work / "dagster"
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        self.env = {**os.environ, "NEWSDESK_LANDING_DIR": str(landing), "DAGSTER_HOME": str(home),
                    "NEWSDESK_DB": str(self.work / "news.duckdb"), "NEWSDESK_NER_PROCESSES": "1",
                    "NEWSDESK_CLEAN_WORKERS": "1", "NEWSDESK_STORAGE": "ducklake", "NEWSDESK_LAKE_CATALOG": catalog,
                    "NEWSDESK_LAKE_DATA": str(root / "lake"), "NEWSDESK_LEASE_TTL_SECONDS": "20",
                    "NEWSDESK_CATALOG_RETRY_SECONDS": "180"}
        self.unshare = subprocess.Popen(["unshare", "--pid", "--fork", "--uts", "--mount-proc", "--",
                                         sys.executable, "-c", NS_INIT, name], start_new_session=True)
        self.init = self._init_pid()

    def _init_pid(self) -> int:
        children = Path(f"/proc/{self.unshare.pid}/task/{self.unshare.pid}/children")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pids = children.read_text().split() if children.exists() else []
            if pids and self._hostname(int(pids[0])) == self.name:
                return int(pids[0])
            time.sleep(0.05)
        raise RuntimeError(f"namespace {self.name} did not start")

    @staticmethod
    def _hostname(pid: int) -> str:
        out = subprocess.run(["nsenter", "-t", str(pid), "-u", "--", "cat", "/proc/sys/kernel/hostname"],
                             capture_output=True, text=True)
        return out.stdout.strip()

    def run(self, *batches: str) -> subprocess.Popen[str]:
        return subprocess.Popen(["nsenter", "-t", str(self.init), "-p", "-u", "-m", f"--wd={REPO}", "--",
                                 sys.executable, "-m",
                                 "pipelines", "run", *batches], cwd=REPO, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)

    def crash(self) -> None:
        """Every process of the host dies at once (its namespace's init is killed)."""
        os.kill(self.init, signal.SIGKILL)
        self.unshare.wait(timeout=60)

    def live_scratch(self) -> list[Path]:
        return [p for p in (self.work / ".staging").glob("*-*-*-*") if p.is_dir()]


def _outcomes(out: str) -> dict[str, str]:
    """batch -> 'succeeded' or its failure line, from the CLI's per-batch summary lines."""
    done = {name: "succeeded" for name in re.findall(r"^batch (\S+) succeeded in ", out, re.MULTILINE)}
    failed = re.findall(r"^batch (\S+): FAILED after \S+ s: (.*)$", out, re.MULTILINE)
    return {**done, **{name: f"FAILED: {why}" for name, why in failed}}


def _finish(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=900)
    return out


def _catalog_outage(server: PgServer, seconds: float) -> None:
    """Stop PostgreSQL by its PID, wait, start it again on the same port and data folder."""
    server.halt()
    time.sleep(seconds)
    server.run()


def _lake(catalog: str, data: Path) -> Corpus:
    return _lake_digest(catalog, data, exact_digest)


@pytest.fixture(scope="module")
def server() -> PgServer:
    if not shutil.which("unshare") or not shutil.which("nsenter") or os.geteuid() != 0:
        pytest.skip("simulating hosts needs unshare/nsenter and root (PID and UTS namespaces)")
    server = start_server_or_skip()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("serial")
    landing = _landing(root)
    env = {**os.environ, "NEWSDESK_LANDING_DIR": str(landing), "DAGSTER_HOME": str(root),
           "NEWSDESK_DB": str(root / "news.duckdb"), "NEWSDESK_NER_PROCESSES": "1", "NEWSDESK_CLEAN_WORKERS": "1"}
    (root / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipelines", "run", *BATCHES], cwd=REPO, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]
    con = duckdb.connect(str(root / "news.duckdb"), read_only=True)
    try:
        return exact_digest(con)
    finally:
        con.close()


def test_the_same_batch_on_two_hosts_runs_once(server: PgServer, serial: dict, tmp_path: Path) -> None:
    catalog = server.create_database("two_hosts_same")
    landing = _landing(tmp_path)
    a, b = Host("hosta", tmp_path, landing, catalog), Host("hostb", tmp_path, landing, catalog)
    try:
        runs = {a: a.run("b1", "b2"), b: b.run("b1", "b3")}
        outs = {host: _finish(proc) for host, proc in runs.items()}
        seen = {host: _outcomes(out) for host, out in outs.items()}
        winner, loser = (a, b) if seen[a].get("b1") == "succeeded" else (b, a)
        assert seen[winner]["b1"] == "succeeded", outs[winner][-3000:]
        refusal = seen[loser]["b1"]
        assert "is being processed by run" in refusal and f"on host {winner.name} (pid " in refusal, refusal
        assert seen[a]["b2"] == seen[b]["b3"] == "succeeded", (outs[a][-3000:], outs[b][-3000:])
        assert runs[winner].returncode == 0 and runs[loser].returncode == 1
        assert _outcomes(_finish(b.run("b4"))) == {"b4": "succeeded"}
    finally:
        a.crash()
        b.crash()
    assert_same_corpus(_lake(catalog, tmp_path / "lake"), serial)


def test_a_host_crash_and_a_catalog_restart_change_nothing(server: PgServer, serial: dict, tmp_path: Path) -> None:
    catalog = server.create_database("two_hosts_crash")
    landing = _landing(tmp_path)
    a, b = Host("hosta", tmp_path, landing, catalog), Host("hostb", tmp_path, landing, catalog)
    try:
        survivor, victim = a.run("b1", "b2"), b.run("b3", "b4")
        deadline = time.monotonic() + 300
        while not b.live_scratch() and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)  # b3's first stage has begun: the victim holds its lease and a scratch folder
        assert victim.poll() is None, _finish(victim)[-3000:]
        b.crash()
        victim.communicate()
        _catalog_outage(server, 30)
        out = _finish(survivor)
        assert survivor.returncode == 0 and _outcomes(out) == {"b1": "succeeded", "b2": "succeeded"}, out[-4000:]
        print("survivor met the outage:", "unreachable" in out)
        back = Host("hostb", tmp_path, landing, catalog)  # the machine reboots: same name and folder
        try:
            out = _finish(back.run("b3", "b4"))
            assert _outcomes(out) == {"b3": "succeeded", "b4": "succeeded"}, out[-4000:]
        finally:
            back.crash()
    finally:
        a.crash()
    assert_same_corpus(_lake(catalog, tmp_path / "lake"), serial)
