"""Validate the long-form wire story-threading gold set and print its counts (standard library).

Usage: python3 check.py [DIR]   (DIR defaults to the folder holding this script)
Exits 1 with a list of problems if any check fails.
"""
import collections
import datetime as dt
import glob
import json
import os
import re
import sys

KEYS = {"id", "title", "text", "published"}
ID_RE = re.compile(r"^l\d{4}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
THREAD_RE = re.compile(r"^[ts]-[a-z0-9-]+$")


def read_tsv(path, header):
    with open(path, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    assert rows and rows[0][:len(header)] == header, f"{path}: header must start {header}"
    return rows[1:]


def main(root):
    problems = []
    arts, order = {}, []
    batch_of = {}
    files = sorted(glob.glob(os.path.join(root, "batches", "batch-*.jsonl")))
    if not files:
        problems.append("no batches/batch-*.jsonl files")
    for n, path in enumerate(files, 1):
        if os.path.basename(path) != f"batch-{n:02d}.jsonl":
            problems.append(f"batch files not consecutive at {path}")
        with open(path, encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                where = f"{os.path.basename(path)}:{ln}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{where}: bad JSON ({exc})")
                    continue
                if set(rec) != KEYS:
                    problems.append(f"{where}: keys {sorted(rec)} != {sorted(KEYS)}")
                    continue
                if not ID_RE.match(rec["id"]):
                    problems.append(f"{where}: bad id {rec['id']!r}")
                if rec["id"] in arts:
                    problems.append(f"{where}: duplicate id {rec['id']}")
                if not TS_RE.match(rec["published"]):
                    problems.append(f"{where}: bad published {rec['published']!r}")
                if not rec["title"].strip():
                    problems.append(f"{where}: empty title")
                words = len(rec["text"].split())
                if not 120 <= words <= 500:
                    problems.append(f"{where}: {rec['id']} has {words} words (want 120-500)")
                if "\n\n" not in rec["text"]:
                    problems.append(f"{where}: {rec['id']} text has a single paragraph")
                arts[rec["id"]] = rec
                order.append(rec["id"])
                batch_of[rec["id"]] = n
    if order != sorted(order):
        problems.append("ids are not increasing through the batches")

    gold = read_tsv(os.path.join(root, "gold.tsv"), ["id", "thread"])
    seen = collections.Counter(r[0] for r in gold)
    thread_of = {r[0]: r[1] for r in gold}
    for i, c in seen.items():
        if c != 1:
            problems.append(f"gold.tsv: {i} appears {c} times")
    for i in arts:
        if i not in seen:
            problems.append(f"gold.tsv: batch id {i} missing")
    for i in seen:
        if i not in arts:
            problems.append(f"gold.tsv: {i} is in no batch")
    for i, t in thread_of.items():
        if not THREAD_RE.match(t):
            problems.append(f"gold.tsv: bad thread label {t!r} for {i}")

    threads = collections.defaultdict(list)
    for i, t in thread_of.items():
        threads[t].append(i)
    sizes = {t: len(v) for t, v in threads.items()}
    multi = [t for t, s in sizes.items() if s > 1]
    single = [t for t, s in sizes.items() if s == 1]
    for t in single:
        if not t.startswith(("s-", "t-")):
            problems.append(f"odd singleton label {t}")

    copies = read_tsv(os.path.join(root, "copies.tsv"), ["id", "copy_of"])
    for cid, orig in copies:
        if thread_of.get(cid) != thread_of.get(orig):
            problems.append(f"copy {cid} is not in the thread of its original {orig}")
        elif arts[cid]["published"] < arts[orig]["published"]:
            problems.append(f"copy {cid} published before its original {orig}")

    late = read_tsv(os.path.join(root, "late.tsv"), ["id", "days_late"])
    late_ids = {r[0] for r in late}
    first_on_time = {}
    for i in order:
        if i not in late_ids:
            b = batch_of[i]
            first_on_time[b] = min(first_on_time.get(b, "9"), arts[i]["published"])
    for i in late_ids:
        if not arts[i]["published"] < first_on_time[batch_of[i]]:
            problems.append(f"late article {i} is not older than its batch's on-time articles")

    hn = read_tsv(os.path.join(root, "hard_negatives.tsv"), ["thread", "kind", "group"])
    hn_kind = collections.defaultdict(lambda: [0, 0])
    hn_groups = collections.defaultdict(set)
    for row in hn:
        t, kind, group = row[:3]
        if t not in threads:
            problems.append(f"hard_negatives.tsv: unknown thread {t}")
            continue
        hn_kind[kind][0] += 1
        hn_kind[kind][1] += sizes[t]
        hn_groups[kind].add(group)

    stamps = sorted(a["published"] for a in arts.values())
    first = dt.datetime.fromisoformat(stamps[0].replace("Z", "+00:00"))
    last = dt.datetime.fromisoformat(stamps[-1].replace("Z", "+00:00"))
    words = [len(a["text"].split()) for a in arts.values()]
    hist = collections.Counter(
        "1" if s == 1 else "2-4" if s <= 4 else "5-11" if s <= 11 else "12-20" if s <= 20 else "21+"
        for s in sizes.values())
    median = sorted(words)[len(words) // 2]
    single_share = len(single) / len(arts)

    print(f"articles            {len(arts)}")
    print(f"batches             {len(files)} " +
          " ".join(str(sum(1 for i in order if batch_of[i] == b)) for b in range(1, len(files) + 1)))
    print(f"period              {stamps[0]} .. {stamps[-1]} ({(last - first).days} days)")
    print(f"words per article   min {min(words)} median {median} max {max(words)}")
    bands = collections.Counter(
        "120-179" if w < 180 else "180-239" if w < 240 else "240-299" if w < 300 else "300-500"
        for w in words)
    print("length bands        " + ", ".join(f"{k}: {bands[k]}" for k in
                                            ["120-179", "180-239", "240-299", "300-500"]))
    print(f"threads             {len(threads)}")
    print(f"multi-article       {len(multi)} ({sum(sizes[t] for t in multi)} articles)")
    print(f"singletons          {len(single)} ({100 * single_share:.1f}% of articles)")
    print("thread sizes        " + ", ".join(f"{k}: {hist[k]}" for k in ["1", "2-4", "5-11", "12-20", "21+"]))
    print("largest threads     " + ", ".join(f"{t} {s}" for t, s in
                                            sorted(sizes.items(), key=lambda x: -x[1])[:4]))
    print(f"copies              {len(copies)} ({100 * len(copies) / len(arts):.1f}%)")
    print(f"late deliveries     {len(late_ids)} ({100 * len(late_ids) / len(arts):.1f}%)")
    total_hn = 0
    for kind in ["same-actor", "periodic", "same-place", "roundup"]:
        n_t, n_a = hn_kind[kind]
        total_hn += n_a
        print(f"hard neg {kind:11s}{n_t} threads, {n_a} articles, {len(hn_groups[kind])} groups")
    print(f"hard neg total      {total_hn} articles")

    req = [
        (len(arts) >= 320, "at least 320 articles"),
        (21 <= (last - first).days <= 24, "21-24 days"),
        (6 <= len(files) <= 7, "six or seven batches"),
        (len(multi) >= 45, "at least 45 multi-article threads"),
        (0.30 <= single_share <= 0.40, "singletons are 30-40% of articles"),
        (200 <= median <= 260, "median length about 230 words"),
        (hist["12-20"] >= 2 and hist["21+"] == 0, "a few sagas of 12-20, none longer"),
        (hist["5-11"] >= 4, "several threads of 5-11"),
        (0.10 <= len(copies) / len(arts) <= 0.12, "copies are 10-12%"),
        (len(late_ids) >= 3, "some late deliveries"),
        (total_hn >= 70, "at least 70 hard-negative articles"),
        (len(hn_groups["same-actor"]) >= 4, "same actors in >= 4 groups"),
        (len(hn_groups["periodic"]) >= 3, "at least 3 periodic series"),
        (len(hn_groups["same-place"]) >= 3, "at least 3 same-place pairs"),
        (hn_kind["roundup"][0] >= 5, "at least 5 roundups"),
        (all(sizes[t] == 1 for t, k, *_ in hn if k == "roundup" and t in sizes),
         "roundups are singletons"),
    ]
    for ok, what in req:
        if not ok:
            problems.append("requirement not met: " + what)
    if problems:
        print("\nPROBLEMS:")
        for p in problems:
            print("  " + p)
        return 1
    print("\nOK: format valid, every batch id is in gold.tsv exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))))
