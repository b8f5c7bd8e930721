"""Boilerplate-removal benchmark (not a test): both extraction paths on both sets, against plain trafilatura,
in one run.

    .venv/bin/python benchmarks/extraction.py                # HTML + text paths vs trafilatura, speed, metadata
    .venv/bin/python benchmarks/extraction.py --ablations    # + the per-set ablation table (~10 min)
    .venv/bin/python benchmarks/extraction.py --per-rule     # + one ablation row per block rule (slower)
    .venv/bin/python benchmarks/extraction.py --loso         # + the text model's leave-one-set-out scores
    .venv/bin/python benchmarks/extraction.py peers          # every extractor, wins/losses, speed ratio
    .venv/bin/python benchmarks/extraction.py ensemble       # the HTML selector, leave-one-set-out both ways
    .venv/bin/python benchmarks/extraction.py ensemble --write  # ... and ship the one fitted on both sets

peers and ensemble read each tool's outputs from benchmarks/out/ (git-ignored; `--fresh` reruns them); the
first run fills it (one process, about 20 min for all tools on both sets on a quiet machine).

Sets: ScrapingHub (181 news pages, gold bodies; scorer tools/extract_score.py) and trafilatura-eval (990 varied
pages, must / must-not snippets; scorer tools/snippet_score.py). Every F1/P/R line of the first two sections
is printed by the shared scorer itself; their JSON summaries go to --json, from which the speed ratio
(pages/s of our HTML path over plain trafilatura's, same run) is printed. The shipped line model was trained
on both sets, so the plain text-path lines are in-sample; --loso gives the honest figures. The shared folder
is $NEWSDESK_SHARED, else ../shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]

from extraction_sets import SCRAPINGHUB, TRAFILATURA_EVAL, shared_dir

HTML_BODY = "newsdesk.clean.html:extract_html_body"
LOSO_MODELS = Path("/tmp/newsdesk-line-models")  # written by scripts/train_line_classifier.py --loso-only


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "benchmarks")])}


def extract_score(json_out: Path, name: str, *args: str) -> None:
    """One run of the ScrapingHub scorer; its summary line goes to stdout as the scorer prints it."""
    cmd = [sys.executable, str(shared_dir() / "tools" / "extract_score.py"), str(shared_dir() / SCRAPINGHUB),
           "--bootstrap", "0", "--name", name, "--json", str(json_out), *args]
    subprocess.run(cmd, check=True, cwd=REPO, env=_env())


def snippet_score(json_out: Path, name: str, callable_: str, *args: str) -> None:
    """One run of the trafilatura-eval scorer (with --baseline it scores plain trafilatura in the same run)."""
    cmd = [sys.executable, str(shared_dir() / "tools" / "snippet_score.py"), str(shared_dir() / TRAFILATURA_EVAL),
           "--pythonpath", str(REPO / "src"), "--pythonpath", str(REPO / "benchmarks"), "--callable", callable_,
           "--name", name, "--json", str(json_out), *args]
    subprocess.run(cmd, check=True, cwd=REPO, env=_env())


def speed_lines(json_out: Path) -> list[str]:
    """Pages/s of our HTML path over plain trafilatura's, per set, from this run's scorer summaries."""
    rows = [json.loads(line) for line in json_out.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for ours, theirs, label in (("newsdesk html", "trafilatura (plain)", "scrapinghub"),
                                ("newsdesk html", "trafilatura (include_comments=False)", "trafilatura-eval")):
        found = {r.get("extractor", r.get("name")): r.get("docs_per_s", r.get("pages_per_s")) for r in rows
                 if (r.get("dataset") == "scrapinghub") == (label == "scrapinghub")}
        if found.get(ours) and found.get(theirs):
            out.append(f"speed {label}: newsdesk html {found[ours]:.1f} pages/s, plain trafilatura "
                       f"{found[theirs]:.1f} pages/s, ratio {found[ours] / found[theirs]:.2f}")
    return out


PEER_TOOLS = ("newsdesk", "trafilatura", "readability", "resiliparse", "goose3", "justext", "boilerpy3")


def peers(tools: tuple[str, ...], fresh: bool, json_out: Path, cached: bool = False) -> None:
    """Every tool on both sets (outputs cached in benchmarks/out), scored by the shared scorers as they are,
    then newsdesk's per-page wins and losses against the best single tool of each set, and the speed ratio."""
    from extraction_ensemble import counts
    from extraction_peers import OUT, output, run_tools
    from extraction_sets import SETS, pages_of

    speed: dict[tuple[str, str], float] = {}
    log = lambda line: print(line, flush=True)  # noqa: E731
    for set_name in SETS:
        # newsdesk and trafilatura always run afresh, interleaved page by page: the subject, and the speed
        # reference under the same load
        fresh_pair = tuple(n for n in tools if n in ("newsdesk", "trafilatura"))
        found = run_tools(fresh_pair, set_name, fresh=not cached, log=log)
        for name in tools:
            if name not in fresh_pair:
                found.update(run_tools((name,), set_name, fresh=fresh, log=log))
        speed.update({(name, set_name): found[name] for name in tools})
    print("== every tool, same run, scored by the shared scorers (outputs from benchmarks/out)", flush=True)
    for name in tools:
        cmd = [sys.executable, str(shared_dir() / "tools" / "extract_score.py"), str(shared_dir() / SCRAPINGHUB),
               "--pred-dir", str(OUT / name / "scrapinghub"), "--bootstrap", "0", "--name", name,
               "--json", str(json_out)]
        subprocess.run(cmd, check=True, cwd=REPO, env=_env())
    for name in tools:
        snippet_score(json_out, name, f"extraction_peers:te_{name}")
    for set_name in SETS:
        pages = pages_of(set_name)
        page_f1 = {name: {p.page_id: counts(p, output(name, p)).f1() for p in pages} for name in tools}
        totals = {name: _set_f1(set_name, name, json_out) for name in tools}
        best = max((n for n in tools if n != "newsdesk"), key=lambda n: totals[n])
        wins = sum(page_f1["newsdesk"][p.page_id] > page_f1[best][p.page_id] + 0.02 for p in pages)
        losses = sum(page_f1["newsdesk"][p.page_id] < page_f1[best][p.page_id] - 0.02 for p in pages)
        print(f"{set_name}: newsdesk F1 {totals['newsdesk']:.4f} vs best single tool {best} {totals[best]:.4f} "
              f"({totals['newsdesk'] - totals[best]:+.4f}); per page (by more than 0.02): {wins} wins, "
              f"{losses} losses of {len(pages)}", flush=True)
        if ("trafilatura", set_name) in speed and speed["trafilatura", set_name]:
            ratio = speed["newsdesk", set_name] / speed["trafilatura", set_name]
            print(f"speed {set_name}: newsdesk html {speed['newsdesk', set_name]:.1f} pages/s, plain trafilatura "
                  f"{speed['trafilatura', set_name]:.1f} pages/s, ratio {ratio:.2f}"
                  + "".join(f"; {n} {speed[n, set_name]:.1f}" for n in tools if n not in ("newsdesk", "trafilatura")),
                  flush=True)


def _set_f1(set_name: str, name: str, json_out: Path) -> float:
    rows = [json.loads(line) for line in json_out.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [r["f1"] for r in rows if r.get("extractor", r.get("name")) == name
             and (r.get("dataset") == "scrapinghub") == (set_name == "scrapinghub")]
    return float(found[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="paths", choices=("paths", "peers", "ensemble"),
                    help="paths: both newsdesk paths vs trafilatura (the flags below); peers: every extractor on "
                         "both sets, wins/losses and the speed ratio; ensemble: fit the HTML selector on one set, "
                         "score it on the other, both ways (--write ships the one fitted on both)")
    ap.add_argument("--json", type=Path, default=Path("/tmp/newsdesk-extraction-bench.jsonl"))
    ap.add_argument("--ablations", action="store_true")
    ap.add_argument("--per-rule", action="store_true")
    ap.add_argument("--loso", action="store_true", help="train the two leave-one-set-out text models and score them")
    ap.add_argument("--no-metadata", action="store_true")
    ap.add_argument("--tools", default=",".join(PEER_TOOLS), help="peers: the tools, comma-separated")
    ap.add_argument("--fresh", action="store_true", help="peers: rerun every tool instead of reading the cache")
    ap.add_argument("--cached", action="store_true",
                    help="peers: newsdesk and trafilatura from the cache too (their times from the run that filled it)")
    ap.add_argument("--write", action="store_true", help="ensemble: write the selector fitted on both sets")
    args = ap.parse_args()
    if args.command == "ensemble":
        from extraction_ensemble import report

        from newsdesk.clean.ensemble import load_selector

        load_selector.cache_clear()
        report(log=lambda line: print(line, flush=True), write=args.write)
        return
    if args.command == "peers":
        args.json.unlink(missing_ok=True)
        peers(tuple(args.tools.split(",")), args.fresh, args.json, args.cached)
        return
    args.json.unlink(missing_ok=True)
    text = ("--input-suffix", ".raw.txt")

    print("== HTML path vs plain trafilatura (default mode, include_comments=False), same run", flush=True)
    extract_score(args.json, "newsdesk html", "--callable", HTML_BODY)
    extract_score(args.json, "trafilatura (plain)", "--extractor", "trafilatura", "--opt", "include_comments=False")
    snippet_score(args.json, "newsdesk html", HTML_BODY, "--baseline")
    print("\n".join(speed_lines(args.json)), flush=True)

    print("== text path on plain-text dumps (shipped model: trained on both sets, so in-sample)", flush=True)
    extract_score(args.json, "newsdesk text (in-sample)", "--callable", "newsdesk.clean.text:extract_text_body",
                  *text)
    extract_score(args.json, "trafilatura on text", "--extractor", "trafilatura", "--opt", "include_comments=False",
                  "--wrap-txt", *text)
    snippet_score(args.json, "newsdesk text on dumps (in-sample)", "extraction_text:dump_body")
    snippet_score(args.json, "trafilatura on dumps", "extraction_text:dump_trafilatura")
    # A delivered body (JSONL text, .txt) is the text path's other input: ScrapingHub's gold bodies given as
    # input measure what it wrongly removes from clean article text (the ideal output is the input).
    extract_score(args.json, "newsdesk text on clean bodies", "--callable", "newsdesk.clean.text:extract_text_body",
                  "--input-suffix", ".txt")
    loso = {name: LOSO_MODELS / f"line_model_without_{name}.json" for name in ("scrapinghub", "trafilatura-eval")}
    if args.loso or (args.ablations and not all(path.exists() for path in loso.values())):
        print("== text path, leave-one-set-out (trained on the other set only)", flush=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "train_line_classifier.py"), "--loso-only",
                        "--work", str(LOSO_MODELS)], check=True, env=_env())
    if args.ablations or args.per_rule:
        from extraction_ablation import ablation_table, text_ablation_table
        from extraction_variants import variants

        from newsdesk.clean.line_model import load_model

        print("== ablations (HTML path; every page read once, every variant scored on the same readings)", flush=True)
        ablation_table(variants(per_rule=args.per_rule), log=lambda line: print(line, flush=True))
        print("== ablations (text path on each set's dumps, with the model that never saw that set)", flush=True)
        text_ablation_table({name: load_model(path) for name, path in loso.items()},
                            log=lambda line: print(line, flush=True))
    if not args.no_metadata:
        from extraction_metadata import score_metadata

        print("== metadata", flush=True)
        for set_name in ("scrapinghub", "trafilatura-eval"):
            print("\n".join(score_metadata(set_name).lines()), flush=True)


if __name__ == "__main__":
    main()
