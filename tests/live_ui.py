"""Helpers for the live-UI test: a `dagster dev` process of our own, its GraphQL API, and a headless browser."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


T = TypeVar("T")


class DagsterDev:
    """`dagster dev -w workspace.yaml` on a free loopback port, in its own process group."""

    def __init__(self, repo: Path, home: Path, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(repo / ".venv" / "bin" / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1",
             "-p", str(self.port)],
            cwd=repo, env={**os.environ, **env, "DAGSTER_HOME": str(home)}, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = json.loads(response.read())
        assert "errors" not in payload, payload["errors"]
        return payload["data"]

    def wait_ready(self, timeout: float = 180) -> None:
        self.wait_for(lambda: self._location_loaded(), timeout, "the code location to load")

    def _location_loaded(self) -> bool:
        try:
            data = self.graphql("{ workspaceOrError { ... on Workspace { locationEntries { name "
                                "locationOrLoadError { __typename } } } } }")
        except OSError:
            return False
        entries = data["workspaceOrError"]["locationEntries"]
        return any(e["locationOrLoadError"] and e["locationOrLoadError"]["__typename"] == "RepositoryLocation"
                   for e in entries)

    def wait_for(self, condition: Callable[[], T], timeout: float, what: str,
                 every: float = 2.0) -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"dagster dev exited while waiting for {what}"
            value = condition()
            if value:
                return value
            time.sleep(every)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def stop(self) -> None:
        """Stop every process this test started: the whole process group of `dagster dev`, by PID."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # children that outlived their parent
        except ProcessLookupError:
            pass
        self.log.close()


def partition_keys(dev: DagsterDev) -> list[str]:
    data = dev.graphql('{ assetNodeOrError(assetKey: {path: ["raw_documents"]}) { ... on AssetNode { partitionKeys } } }')
    return data["assetNodeOrError"].get("partitionKeys") or []


def runs_for(dev: DagsterDev, partition: str) -> list[dict]:
    data = dev.graphql("query($p: String!) { runsOrError(filter: {tags: [{key: \"dagster/partition\", value: $p}]}) "
                       "{ ... on Runs { results { runId status jobName } } } }", {"p": partition})
    return data["runsOrError"]["results"]


def screenshot_assets(url: str, path: Path, names: list[str]) -> str:
    """Open the asset graph in headless Debian Chromium, save a screenshot, return the page text."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url, wait_until="networkidle", timeout=90_000)
            skip = page.get_by_role("button", name="Skip")  # the UI's first-visit newsletter dialog
            if skip.count():
                skip.click()
            for name in names:
                page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
            page.screenshot(path=str(path))
            return page.inner_text("body")
        finally:
            browser.close()


# Per section of the report: its heading, its picture (decoded width, src length, alt, and the
# distinct colours of its pixels drawn to a 400 px wide canvas: 1 for a blank image), caption and
# table rows.
_SECTIONS_JS = """(() => {
const colours = img => {
  if (!img.complete || !img.naturalWidth) return 0;
  const c = document.createElement('canvas');
  c.width = 400; c.height = Math.max(1, Math.round(400 * img.naturalHeight / img.naturalWidth));
  const g = c.getContext('2d'); g.drawImage(img, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
};
return Array.from(document.querySelectorAll('section')).map(s => {
  const img = s.querySelector('img');
  return {id: s.id, heading: s.querySelector('h2').innerText,
          picture: img ? {complete: img.complete, natural: img.naturalWidth, shown: img.clientWidth,
                          bytes: img.src.length, alt: img.alt, colours: colours(img)} : null,
          caption: (s.querySelector('figcaption') || {innerText: ''}).innerText,
          rows: Array.from(s.querySelectorAll('table tbody tr')).map(
              tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText))};
});
})()"""


def screenshot_report(path: Path, shot: Path) -> list[dict]:
    """Open the HTML report as a file in headless Debian Chromium, save a full-page screenshot and one per section
    (next to it, report-<section>.png), return what each section shows (see _SECTIONS_JS)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(path.as_uri(), wait_until="load")
            page.screenshot(path=str(shot), full_page=True)
            sections = page.evaluate(_SECTIONS_JS)
            for section in sections:
                page.locator(f"section#{section['id']}").screenshot(
                    path=str(shot.with_name(f"{shot.stem}-{section['id']}.png")))
            return sections
        finally:
            browser.close()
