"""Assemble the wire gold set from staging/*.txt (standard library only).

Staging format: blocks starting with a header line
  @@ <thread> | <published ISO> | copies=N | late=D | hn=<kind>
then '# title', optional '## alternative headline' lines for copies, optional
'### lead: sentence' lines (an outlet's own first sentence for copy k; empty = none),
then paragraphs. late=D: delivered D days (and 3 hours) after publication.
Copies are derived mechanically (trim, drop paragraph, boilerplate, dateline tag).
"""
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(20250303)

OUTLETS = [
    ("The Harbour Times", "HT"), ("Daily Courier Online", "Courier"),
    ("Northern Ledger", "Ledger"), ("Pacific Herald", "Herald"),
    ("Continental Post", "Post"), ("Riverside Gazette", "Gazette"),
    ("Evening Standard-Bearer", "ESB"), ("Coastline Chronicle", "Chronicle"),
]
TOP_BOILER = [
    "This story was supplied by a news agency and has not been edited by {o} staff.",
    "{o} publishes this report from its wire service partner.",
    "Published via agency feed. {o} may update this article as more information becomes available.",
]
BOTTOM_BOILER = [
    "Copyright {y} {a}. All rights reserved.",
    "Follow {o} for more world news.",
    "Read more international coverage at {o}.",
    "This article is part of {o}'s world news service.",
]
REPORTERS = ["Lina Okafor", "Tomas Brandt", "Aiko Mori", "Rafael Costa", "Nadia Haddad",
             "Pieter de Vries", "Sunita Rao", "Jonah Mercer", "Elif Kaya", "Marta Lindqvist",
             "Kwame Asante", "Irina Volkova", "Diego Salazar", "Hannah Cole", "Mei Tanaka"]
EDITORS = ["Gareth Holm", "Celia Marsh", "Ravi Menon", "Anne Dubois", "Owen Fitch", "Paula Reyes"]
BATCH_STARTS = ["2025-03-03", "2025-03-07", "2025-03-11", "2025-03-15", "2025-03-19", "2025-03-23"]


def parse(path):
    arts = []
    for block in re.split(r"^@@ ", path.read_text(), flags=re.M)[1:]:
        lines = block.strip("\n").split("\n")
        head = [h.strip() for h in lines[0].split("|")]
        meta = {"thread": head[0], "published": head[1], "copies": 0, "late": 0, "hn": "",
                "src": path.name}
        for h in head[2:]:
            k, v = h.split("=", 1)
            meta[k] = int(v) if k in ("copies", "late") else v
        title, alts, leads, body = None, [], [], []
        for ln in lines[1:]:
            if ln.startswith("### lead: "):
                leads.append(ln[10:].strip())
            elif ln.startswith("## "):
                alts.append(ln[3:].strip())
            elif ln.startswith("# ") and title is None:
                title = ln[2:].strip()
            else:
                body.append(ln.rstrip())
        paras = [p.strip().replace("\n", " ") for p in "\n".join(body).split("\n\n") if p.strip()]
        meta.update(title=title, alts=alts, leads=leads, paras=paras)
        arts.append(meta)
    return arts


def ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def fmt(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def words(paras):
    return sum(len(p.split()) for p in paras)


def agency_of(paras):
    m = re.search(r"\((Meridian|Atlas|Kestrel)\)", paras[0])
    return m.group(1) if m else "Meridian"


def make_copy(orig, k, outlet):
    name, short = outlet
    paras = list(orig["paras"])
    agency = agency_of(paras)
    ops = rng.sample(["trim", "drop", "top", "bottom", "tag", "signoff"], k=rng.choice([2, 2, 3]))
    if "tag" in ops:
        paras[0] = re.sub(r"\((Meridian|Atlas|Kestrel)\) -", f"({agency}/{short}) -", paras[0], 1)
    body = [p for p in paras if not p.startswith("(Reporting")]
    sign = [p for p in paras if p.startswith("(Reporting")]
    if "drop" in ops and len(body) >= 5:
        i = rng.randrange(2, len(body))
        if words(body[:i] + body[i + 1:]) >= 125:
            body.pop(i)
    if "trim" in ops and len(body) >= 4:
        for cut in range(3, len(body)):
            if words(body[:cut]) >= 130:
                body = body[:cut]
                break
    paras = body + ([] if "signoff" in ops else sign)
    lead = orig["leads"][k] if k < len(orig["leads"]) else ""
    if lead:
        paras.insert(0, lead)
    elif "top" in ops:
        paras.insert(0, rng.choice(TOP_BOILER).format(o=name))
    if "bottom" in ops:
        paras.append(rng.choice(BOTTOM_BOILER).format(o=name, a=agency, y=2025))
    title = orig["alts"][k] if k < len(orig["alts"]) else orig["title"]
    delay = rng.choice([rng.randint(6, 90), rng.randint(30, 400), rng.randint(300, 1300)])
    return {"thread": orig["thread"], "published": fmt(ts(orig["published"]) + timedelta(minutes=delay)),
            "title": title, "paras": paras, "late": 0, "hn": orig["hn"],
            "copy_of": orig, "outlet": name}


def main():
    origs = []
    for p in sorted((HERE / "staging").glob("*.txt")):
        origs += parse(p)
    arts = []
    for o in origs:
        o["copy_of"] = None
        if not o["paras"][-1].startswith("(Reporting") and rng.random() < 0.55:
            o["paras"].append(f"(Reporting by {rng.choice(REPORTERS)}; "
                              f"Editing by {rng.choice(EDITORS)})")
        arts.append(o)
        for k, outlet in enumerate(rng.sample(OUTLETS, o["copies"])):
            arts.append(make_copy(o, k, outlet))
    thread_hn = {a["thread"]: a["hn"] for a in arts if a["hn"]}
    for a in arts:
        a["hn"] = thread_hn.get(a["thread"], "")
        a["delivered"] = ts(a["published"]) + timedelta(days=a["late"], hours=a["late"] and 3)
    arts.sort(key=lambda a: (a["delivered"], a["published"], a["title"]))
    for i, a in enumerate(arts, 1):
        a["id"] = f"w{i:04d}"
    starts = [ts(s + "T00:00:00Z") for s in BATCH_STARTS]
    batches = {}
    for a in arts:
        b = max(i for i, s in enumerate(starts) if a["delivered"] >= s or i == 0)
        batches.setdefault(b, []).append(a)
    out = HERE / "batches"
    for f in out.glob("*.jsonl"):
        f.unlink()
    for b, items in sorted(batches.items()):
        with open(out / f"batch-{b + 1:02d}.jsonl", "w") as fh:
            for a in items:
                fh.write(json.dumps({"id": a["id"], "title": a["title"],
                                     "text": "\n\n".join(a["paras"]),
                                     "published": a["published"]}, ensure_ascii=False) + "\n")
    with open(HERE / "gold.tsv", "w") as fh:
        fh.write("id\tthread\n")
        for a in arts:
            fh.write(f"{a['id']}\t{a['thread']}\n")
    with open(HERE / "annotations.tsv", "w") as fh:
        fh.write("id\tthread\tcopy_of\toutlet\tlate_days\thard_negative\tbatch\n")
        for b, items in sorted(batches.items()):
            for a in items:
                co = a["copy_of"]["id"] if a["copy_of"] else ""
                fh.write(f"{a['id']}\t{a['thread']}\t{co}\t{a.get('outlet', '')}\t{a['late']}\t"
                         f"{a['hn']}\tbatch-{b + 1:02d}\n")
    print(f"{len(origs)} originals, {len(arts)} articles, {len(batches)} batches")


if __name__ == "__main__":
    main()
