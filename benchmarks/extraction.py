"""Boilerplate-removal benchmark (not a test): both extraction paths against plain trafilatura, same run.

    .venv/bin/python benchmarks/extraction.py               # HTML + text paths, trafilatura, metadata
    .venv/bin/python benchmarks/extraction.py --cv          # + the text model's page-level 5-fold CV score
    .venv/bin/python benchmarks/extraction.py --ablations   # + each component switched off

Every F1/P/R line is printed by the shared scorer (tools/extract_score.py, the ScrapingHub benchmark's
4-gram shingle metric); its JSON summaries are appended to --json. The shared folder is $NEWSDESK_SHARED,
else <repo>/../shared. Note: the text model was trained on these same dumps, so the plain text-path line
is an in-sample figure; --cv gives the honest one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

VARIANTS = REPO / "benchmarks" / "extraction_variants.py"


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSDESK_SHARED", REPO.parent / "shared"))


def run_scorer(bench: Path, json_out: Path, name: str, *args: str) -> None:
    """One scorer run; its summary line goes to stdout as the scorer prints it."""
    cmd = [sys.executable, str(shared_dir() / "tools" / "extract_score.py"), str(bench), "--bootstrap", "0",
           "--name", name, "--json", str(json_out), *args]
    subprocess.run(cmd, check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO / "src")})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=Path("/tmp/newsdesk-extraction-bench.jsonl"))
    ap.add_argument("--cv", action="store_true", help="also run the text model's 5-fold CV (~2 minutes)")
    ap.add_argument("--ablations", action="store_true")
    ap.add_argument("--no-metadata", action="store_true")
    args = ap.parse_args()
    bench = shared_dir() / "bench" / "extraction" / "scrapinghub"
    text = ("--input-suffix", ".raw.txt")

    print("== HTML path (<id>.html)", flush=True)
    run_scorer(bench, args.json, "newsdesk html", "--callable", "newsdesk.clean.html:extract_html_body")
    run_scorer(bench, args.json, "trafilatura (plain)", "--extractor", "trafilatura", "--opt", "include_comments=False")
    print("== plain-text path (<id>.raw.txt)", flush=True)
    run_scorer(bench, args.json, "newsdesk text (in-sample)", "--callable", "newsdesk.clean.text:extract_text_body",
               *text)
    run_scorer(bench, args.json, "trafilatura on text", "--extractor", "trafilatura", "--opt",
               "include_comments=False", "--wrap-txt", *text)
    if args.cv:
        subprocess.run([sys.executable, str(REPO / "scripts" / "train_line_classifier.py"), "--cv-only"], check=True)
    if args.ablations:
        print("== ablations", flush=True)
        for fn in ("html_without_readability", "html_always_readability", "html_without_filters"):
            run_scorer(bench, args.json, fn, "--callable", f"{VARIANTS}:{fn}")
        run_scorer(bench, args.json, "text_rules_only", "--callable", f"{VARIANTS}:text_rules_only", *text)
    if not args.no_metadata:
        from extraction_metadata import score_metadata

        print("== metadata", flush=True)
        print("\n".join(score_metadata(bench).lines()))


if __name__ == "__main__":
    main()
