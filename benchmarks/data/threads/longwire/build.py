"""Long-form wire gold set: assemble staging/*.txt into batches/, gold.tsv, copies.tsv, late.tsv.

Standard library only. Staging format: blocks start with a header line
  @@ thread-slug | 2025-03-08T07:30 | flags
flags (space separated): key=NAME (name this article), copy=NAME (a copy of NAME),
keep=A-B (1-based paragraphs of the original to keep in a copy), late=N (delivered N days late).
Next line is the title; then paragraphs separated by blank lines. In a copy, a line {{ORIG}} marks
where the kept paragraphs of the original go. staging/extra*.md appends paragraphs by title:
"## Title" then one paragraph per line, inserted before the wire trailer (reporting line, initials,
Related/Watch lines).
"""
import datetime as dt
import glob
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
START = dt.date(2025, 3, 3)
BOUNDS = [START + dt.timedelta(days=4 * i) for i in range(6)]  # batch i starts at BOUNDS[i]
# wire furniture that stays at the end of a story when paragraphs are appended
TAIL_RE = re.compile(r"^(\(Reporting|-- Reporting|-- editing|Related|Watch:|FILE PHOTO|Correction:"
                     r"|By our|[a-z]{1,4}/[a-z]{1,4}$)")


def parse():
    arts = []
    for path in sorted(glob.glob(os.path.join(HERE, "staging", "*.txt"))):
        cur = None
        for line in open(path, encoding="utf-8").read().splitlines():
            if line.startswith("@@"):
                if cur:
                    arts.append(cur)
                parts = [p.strip() for p in line[2:].split("|")]
                flags = dict(f.split("=", 1) if "=" in f else (f, "1")
                             for f in (parts[2].split() if len(parts) > 2 else []))
                cur = {"thread": parts[0], "ts": parts[1], "flags": flags, "lines": [],
                       "src": os.path.basename(path)}
            elif cur is not None:
                cur["lines"].append(line)
        if cur:
            arts.append(cur)
    return arts


def paras(lines):
    out, buf = [], []
    for ln in lines + [""]:
        if ln.strip():
            buf.append(ln.strip())
        elif buf:
            out.append(" ".join(buf))
            buf = []
    return out


def split_bodies(arts):
    keys = {}
    for a in arts:
        body = list(a["lines"])
        while body and not body[0].strip():
            body.pop(0)
        a["title"] = body[0].strip()
        a["paras"] = paras(body[1:])
        if "key" in a["flags"]:
            assert a["flags"]["key"] not in keys, a["flags"]["key"]
            keys[a["flags"]["key"]] = a
    return keys


def fill_copies(arts, keys):
    for a in arts:
        if "copy" not in a["flags"]:
            continue
        orig = keys[a["flags"]["copy"]]
        assert orig["thread"] == a["thread"], (a["title"], orig["thread"])
        lo, _, hi = a["flags"].get("keep", "1-").partition("-")
        kept = orig["paras"][int(lo) - 1:int(hi) if hi else None]
        out = []
        for p in a["paras"]:
            out.extend(kept if p == "{{ORIG}}" else [p])
        if "{{ORIG}}" not in a["paras"]:
            out = kept + out
        a["paras"] = out


def read_extras():
    extra = {}
    for path in sorted(glob.glob(os.path.join(HERE, "staging", "extra*.md"))):
        title = None
        for line in open(path, encoding="utf-8").read().splitlines():
            if line.startswith("## "):
                title = line[3:].strip()
                extra.setdefault(title, [])
            elif line.strip() and title:
                extra[title].append(line.strip())
    return extra


def add_extras(arts, extra):
    titles = [a["title"] for a in arts]
    dup = [t for t in extra if titles.count(t) > 1]
    assert not dup, dup
    missing = set(extra) - set(titles)
    assert not missing, missing
    for a in arts:
        add = extra.get(a["title"], [])
        cut = len(a["paras"])
        while add and cut > 1 and TAIL_RE.match(a["paras"][cut - 1]):
            cut -= 1
        a["paras"] = a["paras"][:cut] + add + a["paras"][cut:]


def order(arts):
    for a in arts:
        pub = dt.datetime.fromisoformat(a["ts"])
        a["published"] = pub.strftime("%Y-%m-%dT%H:%M:00Z")
        deliver = pub + dt.timedelta(days=int(a["flags"].get("late", 0)))
        a["batch"] = max((i for i, b in enumerate(BOUNDS) if deliver.date() >= b), default=0)
        a["deliver"] = deliver
    arts.sort(key=lambda a: (a["batch"], a["deliver"], a["published"]))
    for n, a in enumerate(arts, 1):
        a["id"] = f"l{n:04d}"


def write_tsv(name, header, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as fh:
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


def write(arts, keys):
    for f in glob.glob(os.path.join(HERE, "batches", "*.jsonl")):
        os.remove(f)
    for a in arts:
        path = os.path.join(HERE, "batches", f"batch-{a['batch'] + 1:02d}.jsonl")
        with open(path, "a", encoding="utf-8") as fh:
            rec = {"id": a["id"], "title": a["title"], "text": "\n\n".join(a["paras"]),
                   "published": a["published"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    write_tsv("gold.tsv", ["id", "thread"], [(a["id"], a["thread"]) for a in arts])
    write_tsv("copies.tsv", ["id", "copy_of"],
              [(a["id"], keys[a["flags"]["copy"]]["id"]) for a in arts if "copy" in a["flags"]])
    write_tsv("late.tsv", ["id", "days_late"],
              [(a["id"], a["flags"]["late"]) for a in arts if "late" in a["flags"]])


def main():
    arts = parse()
    keys = split_bodies(arts)
    fill_copies(arts, keys)
    add_extras(arts, read_extras())
    order(arts)
    write(arts, keys)
    print(len(arts), "articles")


if __name__ == "__main__":
    main()
