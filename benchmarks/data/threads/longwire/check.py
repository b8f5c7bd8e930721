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
KINDS = ["same-actor", "periodic", "same-place", "roundup"]


def read_tsv(path, header):
    with open(path, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    assert rows and rows[0][:len(header)] == header, f"{path}: header must start {header}"
    return rows[1:]


def record_problems(rec, where, seen):
    if set(rec) != KEYS:
        return [f"{where}: keys {sorted(rec)} != {sorted(KEYS)}"]
    out = []
    if not ID_RE.match(rec["id"]):
        out.append(f"{where}: bad id {rec['id']!r}")
    if rec["id"] in seen:
        out.append(f"{where}: duplicate id {rec['id']}")
    if not TS_RE.match(rec["published"]):
        out.append(f"{where}: bad published {rec['published']!r}")
    if not rec["title"].strip():
        out.append(f"{where}: empty title")
    words = len(rec["text"].split())
    if not 120 <= words <= 500:
        out.append(f"{where}: {rec['id']} has {words} words (want 120-500)")
    if "\n\n" not in rec["text"]:
        out.append(f"{where}: {rec['id']} text has a single paragraph")
    return out


def read_batches(root, problems):
    arts, order, batch_of = {}, [], {}
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
                bad = record_problems(rec, where, arts)
                problems.extend(bad)
                if bad and set(rec) != KEYS:
                    continue
                arts[rec["id"]] = rec
                order.append(rec["id"])
                batch_of[rec["id"]] = n
    if order != sorted(order):
        problems.append("ids are not increasing through the batches")
    return arts, order, batch_of, len(files)


def read_gold(root, arts, problems):
    gold = read_tsv(os.path.join(root, "gold.tsv"), ["id", "thread"])
    seen = collections.Counter(r[0] for r in gold)
    thread_of = {r[0]: r[1] for r in gold}
    problems.extend(f"gold.tsv: {i} appears {c} times" for i, c in seen.items() if c != 1)
    problems.extend(f"gold.tsv: batch id {i} missing" for i in arts if i not in seen)
    problems.extend(f"gold.tsv: {i} is in no batch" for i in seen if i not in arts)
    problems.extend(f"gold.tsv: bad thread label {t!r} for {i}"
                    for i, t in thread_of.items() if not THREAD_RE.match(t))
    threads = collections.defaultdict(list)
    for i, t in thread_of.items():
        threads[t].append(i)
    return thread_of, threads


def check_copies(root, arts, thread_of, problems):
    copies = read_tsv(os.path.join(root, "copies.tsv"), ["id", "copy_of"])
    for cid, orig in copies:
        if thread_of.get(cid) != thread_of.get(orig):
            problems.append(f"copy {cid} is not in the thread of its original {orig}")
        elif arts[cid]["published"] < arts[orig]["published"]:
            problems.append(f"copy {cid} published before its original {orig}")
    return copies


def check_late(root, arts, order, batch_of, problems):
    late_ids = {r[0] for r in read_tsv(os.path.join(root, "late.tsv"), ["id", "days_late"])}
    first_on_time = {}
    for i in order:
        if i not in late_ids:
            b = batch_of[i]
            first_on_time[b] = min(first_on_time.get(b, "9"), arts[i]["published"])
    for i in late_ids:
        if not arts[i]["published"] < first_on_time[batch_of[i]]:
            problems.append(f"late article {i} is not older than its batch's on-time articles")
    return late_ids


def hard_negatives(root, sizes, problems):
    hn = read_tsv(os.path.join(root, "hard_negatives.tsv"), ["thread", "kind", "group"])
    kind_counts = collections.defaultdict(lambda: [0, 0])
    groups = collections.defaultdict(set)
    for row in hn:
        t, kind, group = row[:3]
        if t not in sizes:
            problems.append(f"hard_negatives.tsv: unknown thread {t}")
            continue
        kind_counts[kind][0] += 1
        kind_counts[kind][1] += sizes[t]
        groups[kind].add(group)
    roundups_single = all(sizes.get(r[0]) == 1 for r in hn if r[1] == "roundup")
    return kind_counts, groups, roundups_single


def size_band(s):
    if s == 1:
        return "1"
    return "2-4" if s <= 4 else "5-11" if s <= 11 else "12-20" if s <= 20 else "21+"


def word_band(w):
    return "120-179" if w < 180 else "180-239" if w < 240 else "240-299" if w < 300 else "300-500"


def summarise(arts, order, batch_of, n_files, sizes, copies, late_ids, hn):
    kind_counts, groups, _ = hn
    stamps = sorted(a["published"] for a in arts.values())
    first = dt.datetime.fromisoformat(stamps[0].replace("Z", "+00:00"))
    last = dt.datetime.fromisoformat(stamps[-1].replace("Z", "+00:00"))
    words = sorted(len(a["text"].split()) for a in arts.values())
    hist = collections.Counter(size_band(s) for s in sizes.values())
    bands = collections.Counter(word_band(w) for w in words)
    multi = [t for t, s in sizes.items() if s > 1]
    single = [t for t, s in sizes.items() if s == 1]
    per_batch = " ".join(str(sum(1 for i in order if batch_of[i] == b))
                         for b in range(1, n_files + 1))
    largest = sorted(sizes.items(), key=lambda x: -x[1])[:4]
    print(f"articles            {len(arts)}")
    print(f"batches             {n_files} {per_batch}")
    print(f"period              {stamps[0]} .. {stamps[-1]} ({(last - first).days} days)")
    print(f"words per article   min {words[0]} median {words[len(words) // 2]} max {words[-1]}")
    print("length bands        " + ", ".join(
        f"{k}: {bands[k]}" for k in ["120-179", "180-239", "240-299", "300-500"]))
    print(f"threads             {len(sizes)}")
    print(f"multi-article       {len(multi)} ({sum(sizes[t] for t in multi)} articles)")
    print(f"singletons          {len(single)} ({100 * len(single) / len(arts):.1f}% of articles)")
    print("thread sizes        " + ", ".join(
        f"{k}: {hist[k]}" for k in ["1", "2-4", "5-11", "12-20", "21+"]))
    print("largest threads     " + ", ".join(f"{t} {s}" for t, s in largest))
    print(f"copies              {len(copies)} ({100 * len(copies) / len(arts):.1f}%)")
    print(f"late deliveries     {len(late_ids)} ({100 * len(late_ids) / len(arts):.1f}%)")
    for kind in KINDS:
        n_t, n_a = kind_counts[kind]
        print(f"hard neg {kind:11s}{n_t} threads, {n_a} articles, {len(groups[kind])} groups")
    total_hn = sum(kind_counts[k][1] for k in KINDS)
    print(f"hard neg total      {total_hn} articles")
    return {"days": (last - first).days, "median": words[len(words) // 2], "hist": hist,
            "multi": len(multi), "single_share": len(single) / len(arts), "total_hn": total_hn}


def requirements(arts, n_files, copies, late_ids, hn, s):
    kind_counts, groups, roundups_single = hn
    return [
        (len(arts) >= 320, "at least 320 articles"),
        (21 <= s["days"] <= 24, "21-24 days"),
        (6 <= n_files <= 7, "six or seven batches"),
        (s["multi"] >= 45, "at least 45 multi-article threads"),
        (0.30 <= s["single_share"] <= 0.40, "singletons are 30-40% of articles"),
        (200 <= s["median"] <= 260, "median length about 230 words"),
        (s["hist"]["12-20"] >= 2 and s["hist"]["21+"] == 0, "a few sagas of 12-20, none longer"),
        (s["hist"]["5-11"] >= 4, "several threads of 5-11"),
        (0.10 <= len(copies) / len(arts) <= 0.12, "copies are 10-12%"),
        (len(late_ids) >= 3, "some late deliveries"),
        (s["total_hn"] >= 70, "at least 70 hard-negative articles"),
        (len(groups["same-actor"]) >= 4, "same actors in >= 4 groups"),
        (len(groups["periodic"]) >= 3, "at least 3 periodic series"),
        (len(groups["same-place"]) >= 3, "at least 3 same-place pairs"),
        (kind_counts["roundup"][0] >= 5, "at least 5 roundups"),
        (roundups_single, "roundups are singletons"),
    ]


def main(root):
    problems = []
    arts, order, batch_of, n_files = read_batches(root, problems)
    thread_of, threads = read_gold(root, arts, problems)
    sizes = {t: len(v) for t, v in threads.items()}
    copies = check_copies(root, arts, thread_of, problems)
    late_ids = check_late(root, arts, order, batch_of, problems)
    hn = hard_negatives(root, sizes, problems)
    s = summarise(arts, order, batch_of, n_files, sizes, copies, late_ids, hn)
    for ok, what in requirements(arts, n_files, copies, late_ids, hn, s):
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
    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else here))
