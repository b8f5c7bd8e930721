"""Compare `annotate_texts(texts)` with its defaults (as a held-out scorer calls it: no titles, default model and
batch size) across source trees, on the same gold sets, in one run: scores and speed.

    .venv/bin/python benchmarks/ner_compare.py --tree /tmp/ner-base --tree . [--gold FILE ...] [--rounds 3]

Each tree runs in its own subprocess (its own `src` first on the path), the trees taking turns round by round so
that every tree sees the same load on a shared machine; the best round of each is kept. Time is NER + linking of
all articles of a set after a warm-up call (model loading is not counted).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ner_eval import GOLD, LABEL_MAP, TYPES, Ent, load_gold, score_documents, score_mentions

_WORKER = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[1] + "/src")
    from newsdesk.entities.annotate import annotate_texts
    texts = json.load(open(sys.argv[2], encoding="utf-8"))
    annotate_texts(["A warm-up line: Ana Costa flew from Lisbon to Oslo."])  # not a gold text (cache)
    wall, cpu = time.perf_counter(), time.process_time()
    out = annotate_texts(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "module": annotate_texts.__module__,
                      "file": sys.modules[annotate_texts.__module__].__file__,
                      "mentions": [[[m.start_char, m.end_char, m.text, m.label, m.canonical_name] for m in ms]
                                   for ms in out]}))
""")


def run_tree(tree: Path, texts_file: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _WORKER, str(tree.resolve()), str(texts_file)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def to_ents(mentions: list[list]) -> list[Ent]:
    return [Ent(a, b, text, LABEL_MAP[label], canonical) for a, b, text, label, canonical in mentions
            if LABEL_MAP.get(label) in TYPES]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, action="append", required=True, help="a checkout (repeatable)")
    ap.add_argument("--gold", type=Path, action="append", help=f"gold set JSONL (repeatable; default {GOLD.name})")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scratch", type=Path, default=Path("/tmp"), help="where the texts file is written")
    args = ap.parse_args(argv)
    for gold in args.gold or [GOLD]:
        docs = load_gold(gold)
        texts_file = args.scratch / f"ner_compare_{gold.stem}.json"
        texts_file.write_text(json.dumps([d.text for d in docs]), encoding="utf-8")
        best: dict[Path, dict] = {}
        for _ in range(max(1, args.rounds)):
            for tree in args.tree:
                result = run_tree(tree, texts_file)
                if tree not in best or result["wall"] < best[tree]["wall"]:
                    best[tree] = result | {"cpu": min(result["cpu"], best.get(tree, result)["cpu"])}
                else:
                    best[tree]["cpu"] = min(best[tree]["cpu"], result["cpu"])
        n_words = sum(len(d.text.split()) for d in docs)
        print(f"\n== {gold}: {len(docs)} articles, {n_words} words; annotate_texts(texts) defaults, best of "
              f"{args.rounds} interleaved rounds")
        head = (f"{'tree':<28} {'doc P':>6} {'doc R':>6} {'doc F1':>6} {'PER':>5} {'ORG':>5} {'LOC':>5} | "
                f"{'surf P':>6} {'surf R':>6} {'surf F1':>7} {'PER':>5} {'ORG':>5} {'LOC':>5} | {'ment F1':>7} | "
                f"{'wall s':>6} {'cpu s':>6} {'words/cpu s':>11}")
        print(head)
        print("-" * len(head))
        for tree in args.tree:
            pred = [to_ents(ms) for ms in best[tree]["mentions"]]
            d, f = score_documents(docs, pred), score_documents(docs, pred, surface=True)
            m = score_mentions(docs, pred)
            print(f"{str(tree)[-28:]:<28} {d['all']['p']:6.3f} {d['all']['r']:6.3f} {d['all']['f1']:6.3f} "
                  f"{d['PER']['f1']:5.3f} {d['ORG']['f1']:5.3f} {d['LOC']['f1']:5.3f} | {f['all']['p']:6.3f} "
                  f"{f['all']['r']:6.3f} {f['all']['f1']:7.3f} {f['PER']['f1']:5.3f} {f['ORG']['f1']:5.3f} "
                  f"{f['LOC']['f1']:5.3f} | {m['all']['f1']:7.3f} | {best[tree]['wall']:6.2f} {best[tree]['cpu']:6.2f} "
                  f"{n_words / best[tree]['cpu']:11.0f}")
        for tree in args.tree:
            print(f"  {tree}: {best[tree]['file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
