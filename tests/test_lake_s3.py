"""A lake whose data path is s3://bucket/prefix on a real S3-compatible server: moto's server from PyPI
(`moto[server]`, a test extra), started by the test on loopback and stopped by PID; PostgreSQL from Debian as the
catalog (tests/pgserver.py). The sample batch is published by a real `python -m pipelines run`, read back with
`newsdesk query`, and the lake maintained with `newsdesk lake maintain`, all through the NEWSDESK_LAKE_S3_*
settings."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import REPO, SAMPLE_BATCH
from helpers import statement

from newsdesk.store.lake import LakeSettings, connect_lake, init_lake, run_transaction

pytestmark = pytest.mark.slow
pytest_plugins = ["pgserver"]
BUCKET = "newsdesk"
KEYS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture(scope="module")
def s3() -> Iterator[tuple[str, Any]]:
    """moto's S3 server on a free loopback port, a bucket in it, and a boto3 client to look inside."""
    import boto3

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                              aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"])
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # noqa: BLE001 - the server is still starting: connection refused, 5xx, ...
                assert time.monotonic() < deadline and server.poll() is None, "moto server did not start"
                time.sleep(0.2)
        yield f"127.0.0.1:{port}", client
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _keys(client: Any, prefix: str) -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_primitives_on_s3(pg_dsn: str, s3: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint, client = s3
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    settings = LakeSettings(catalog=pg_dsn, data_path=f"s3://{BUCKET}/prims/", s3_endpoint=endpoint,
                            s3_use_ssl=False)
    init_lake(settings, statement("CREATE TABLE items(i INTEGER, body VARCHAR)"))
    con = connect_lake(settings)
    first = run_transaction(con, lambda c: c.execute(
        "INSERT INTO items SELECT i, 'b' FROM range(40) t(i)")).snapshot
    run_transaction(con, lambda c: c.execute("DELETE FROM items WHERE i < 10"))
    assert con.execute("SELECT count(*) FROM items").fetchone() == (30,)
    assert con.execute("SELECT count(*) FROM items AT (VERSION => ?)", [first]).fetchone() == (40,)
    keys = _keys(client, "prims/")
    assert any(k.endswith(".parquet") for k in keys) and all(k.startswith("prims/main/items/") for k in keys)
    con.close()


def test_tls_setting_reaches_the_s3_client(pg_dsn: str, s3: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings reach httpfs: TLS to moto's plain-HTTP port fails instead of writing somewhere else."""
    endpoint, _ = s3
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    settings = LakeSettings(catalog=pg_dsn, data_path=f"s3://{BUCKET}/tls/", s3_endpoint=endpoint, s3_use_ssl=True)
    with pytest.raises(duckdb.Error):
        init_lake(settings, statement("CREATE TABLE items AS SELECT i FROM range(100) t(i)"))


def test_publish_read_and_maintain_a_batch_on_s3(pg_dsn: str, s3: tuple[str, Any], tmp_path: Path) -> None:
    endpoint, client = s3
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_BATCH, landing / "b1")
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**os.environ, **KEYS, "DAGSTER_HOME": str(home), "NEWSDESK_LANDING_DIR": str(landing),
           "NEWSDESK_DB": str(tmp_path / "local" / "news.duckdb"), "NEWSDESK_NER_PROCESSES": "1",
           "NEWSDESK_CLEAN_WORKERS": "1", "NEWSDESK_STORAGE": "ducklake", "NEWSDESK_LAKE_CATALOG": pg_dsn,
           "NEWSDESK_LAKE_DATA": f"s3://{BUCKET}/corpus/", "NEWSDESK_LAKE_S3_ENDPOINT": endpoint,
           "NEWSDESK_LAKE_S3_USE_SSL": "false", "NEWSDESK_LAKE_S3_URL_STYLE": "path",
           "NEWSDESK_SHARED": str(tmp_path / "shared")}

    def run(*argv: str) -> str:
        done = subprocess.run(argv, cwd=REPO, env=env, text=True, capture_output=True, timeout=900)
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        return done.stdout

    run(sys.executable, "-m", "pipelines", "run", "b1")
    newsdesk = [sys.executable, "-m", "newsdesk.cli"]
    query = "SELECT count(*) || '/' || count(DISTINCT doc_id) FROM articles"
    articles = run(*newsdesk, "query", query, "--csv", "-").splitlines()[-1].strip('"')  # text cells are quoted
    n = int(articles.split("/")[0])
    assert n >= 5 and articles == f"{n}/{n}"
    keys = _keys(client, "corpus/")
    assert any(k.startswith("corpus/main/articles/") and k.endswith(".parquet") for k in keys)
    assert (tmp_path / "shared" / "newsdesk.search.duckdb").exists()  # the publisher's shared search index
    assert (tmp_path / "shared" / "newsdesk.report.html").exists()

    out = run(*newsdesk, "lake", "maintain", "--keep-days", "0", "--orphan-age-hours", "0")
    assert "merge_adjacent_files" in out and "delete_orphaned_files" in out
    assert run(*newsdesk, "query", query, "--csv", "-").splitlines()[-1].strip('"') == articles
    stored = [k for k in _keys(client, "corpus/") if k.endswith(".parquet")]
    live = out.split("data files read by the latest snapshot:")[1].split("->")[1].split()[0]
    assert len(stored) == int(live)  # nothing left but what the latest snapshot reads (no orphan, no expired)
