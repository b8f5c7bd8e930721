"""Validate the wire gold set and print its counts (standard library only)."""
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
KEYS = {"id", "title", "text", "published"}
errors = []


def fail(msg):
    errors.append(msg)


def main():
    arts, batch_of = {}, {}
    files = sorted((HERE / "batches").glob("batch-*.jsonl"))
    if not files:
        fail("no batch files")
    last_batch_max = None
    for f in files:
        pubs = []
        for n, line in enumerate(f.read_text().splitlines(), 1):
            try:
                a = json.loads(line)
            except json.JSONDecodeError as e:
                fail(f"{f.name}:{n}: bad JSON: {e}")
                continue
            if set(a) != KEYS:
                fail(f"{f.name}:{n}: keys {sorted(a)}")
                continue
            if not re.fullmatch(r"w\d{4}", a["id"]):
                fail(f"{f.name}:{n}: bad id {a['id']}")
            if a["id"] in arts:
                fail(f"duplicate id {a['id']} in batches")
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["published"]):
                fail(f"{a['id']}: bad published {a['published']}")
            if not a["title"].strip() or not a["text"].strip():
                fail(f"{a['id']}: empty title or text")
            arts[a["id"]] = a
            batch_of[a["id"]] = f.name
            pubs.append(a["published"])
        if last_batch_max and pubs and min(pubs) < last_batch_max[:10]:
            pass  # late arrivals are allowed: counted below
        last_batch_max = max(pubs) if pubs else last_batch_max
    gold = {}
    lines = (HERE / "gold.tsv").read_text().splitlines()
    if lines[0] != "id\tthread":
        fail("gold.tsv header must be 'id<TAB>thread'")
    for ln in lines[1:]:
        i, t = ln.split("\t")
        if i in gold:
            fail(f"{i} twice in gold.tsv")
        gold[i] = t
    for i in arts:
        if i not in gold:
            fail(f"{i} missing from gold.tsv")
    for i in gold:
        if i not in arts:
            fail(f"{i} in gold.tsv but not in any batch")
    ann = {}
    alines = (HERE / "annotations.tsv").read_text().splitlines()
    head = alines[0].split("\t")
    for ln in alines[1:]:
        row = dict(zip(head, ln.split("\t")))
        ann[row["id"]] = row
    threads = defaultdict(list)
    for i, t in gold.items():
        threads[t].append(i)
    sizes = Counter(len(v) for v in threads.values())
    multi = [t for t, v in threads.items() if len(v) > 1]
    single = [t for t, v in threads.items() if len(v) == 1]
    copies = [i for i, r in ann.items() if r["copy_of"]]
    for i in copies:
        if gold[i] != gold[ann[i]["copy_of"]]:
            fail(f"copy {i} not in the thread of its original")
    wc = {i: len(a["text"].split()) for i, a in arts.items()}
    short = [i for i, w in wc.items() if w < 120]
    long_ = [i for i, w in wc.items() if w > 350]
    # a late arrival is published before every on-time article of the batch it is delivered in
    late = [i for i, r in ann.items() if r["late_days"] != "0"]
    first_on_time = {}
    for i, a in arts.items():
        if ann[i]["late_days"] == "0":
            b = batch_of[i]
            first_on_time[b] = min(first_on_time.get(b, a["published"]), a["published"])
    for i in late:
        if arts[i]["published"] >= first_on_time[batch_of[i]]:
            fail(f"late article {i} is not earlier than the on-time articles of its batch")
    for i, a in arts.items():
        try:
            datetime.strptime(a["published"], "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            fail(f"{i}: unparseable published")
        if ann[i]["copy_of"] and a["published"] <= arts[ann[i]["copy_of"]]["published"]:
            fail(f"copy {i} is not published after its original")
    hn_threads = defaultdict(set)
    for i, r in ann.items():
        if r["hard_negative"]:
            hn_threads[r["hard_negative"]].add(gold[i])
    pubs = sorted(a["published"] for a in arts.values())
    print(f"batches: {len(files)} ({', '.join(f'{f.name}={sum(1 for b in batch_of.values() if b == f.name)}' for f in files)})")
    print(f"period: {pubs[0]} .. {pubs[-1]}")
    print(f"articles: {len(arts)}")
    print(f"threads: {len(threads)}  multi-article: {len(multi)}  singletons: {len(single)}")
    print(f"thread sizes: {dict(sorted(sizes.items()))}")
    print(f"largest threads: {sorted(((len(v), t) for t, v in threads.items()), reverse=True)[:4]}")
    print(f"syndicated copies: {len(copies)} ({100 * len(copies) / len(arts):.1f}%)")
    print(f"late arrivals: {len(late)} ({100 * len(late) / len(arts):.1f}%)")
    print(f"words per article: min {min(wc.values())}, max {max(wc.values())}, "
          f"mean {sum(wc.values()) / len(wc):.0f}; under 120: {len(short)}, over 350: {len(long_)}")
    total_hn = 0
    for kind in sorted(hn_threads):
        ts = hn_threads[kind]
        n = sum(len(threads[t]) for t in ts)
        total_hn += n
        print(f"hard negatives [{kind}]: {len(ts)} threads, {n} articles")
    print(f"hard-negative articles in total: {total_hn}")
    if short:
        print("short:", short)
    same_actor = sorted(hn_threads.get("same-actors", ()))
    print("same-actors threads:", ", ".join(same_actor))
    print("same-place threads:", ", ".join(sorted(hn_threads.get("same-place", ()))))
    # the brief's minimums
    need = [(len(arts) >= 330, "at least 330 articles"),
            (len(multi) >= 45, "at least 45 multi-article threads"),
            (len(single) >= 60, "at least 60 singletons"),
            (15 <= 100 * len(copies) / len(arts) <= 20.5, "copies about 15-20%"),
            (total_hn >= 25, "at least 25 hard-negative articles"),
            (len(hn_threads.get("market-wrap", ())) >= 5, "at least 5 market wraps"),
            (len(hn_threads.get("periodic", ())) >= 6, "periodic series"),
            (not short and not long_, "120-350 words"),
            (pubs[-1][:10] > "2025-03-23", "at least 3 weeks")]
    for ok, what in need:
        if not ok:
            fail(f"requirement not met: {what}")
    if errors:
        print("ERRORS:")
        for e in errors[:50]:
            print(" ", e)
        sys.exit(1)
    print("OK: format valid, every batch id is in gold.tsv exactly once")


if __name__ == "__main__":
    main()
