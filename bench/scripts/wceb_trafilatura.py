"""trafilatura's scores on the Modern Content Extraction Benchmark, as `trafilatura_eval` scores dateline.

The reference figure for the second set of issue 29: the Python extractor, with the settings
of its own `tests/eval_common.py` (`fast=False`, tables in, comments out), on the pages of
<https://github.com/tiptopjaw/web-content-extraction-benchmark> (`benchmark/ground-truth/*.json`,
`release/html/*.html.gz`), scored as `trafilatura_eval` scores that set: a `with` snippet
found in the output is a true positive, a `without` found a false positive, whitespace
collapsed and typographic quotes and dashes folded in both (the snippets were written by a
language model that straightens them); the halves split as `trafilatura_eval` splits them
(held out when the FNV-1a 64-bit hash of `NNNN.html` is odd), a row per page type.

    python3 -m venv /tmp/tvenv && /tmp/tvenv/bin/pip install trafilatura lxml_html_clean
    /tmp/tvenv/bin/python bench/scripts/wceb_trafilatura.py PATH/TO/web-content-extraction-benchmark

Given a checkout of WCXB, the benchmark's published successor
(<https://github.com/Murrough-Foley/web-content-extraction-benchmark>: `dev/` and `test/`,
each with `ground-truth/NNNN.json` and `html/NNNN.html.gz`), it scores that instead, its
test pages as the held-out half, with a row per page type of them too. The last three
columns are the benchmark's own measure (WCXB's `evaluate.py`): word-multiset precision,
recall and F1 of the output against the page's whole main text, averaged over pages.
"""
import collections
import gzip
import json
import pathlib
import re
import sys
from concurrent.futures import ProcessPoolExecutor

from split import held_out
from trafilatura import extract

FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                      "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def norm(s: str) -> str:
    return " ".join(s.split()).translate(FOLD)


def word_scores(body: str, truth: str) -> tuple[float, float, float]:
    """WCXB's `evaluate.py` `word_f1`: words as multisets, precision, recall and F1."""
    mine = collections.Counter(re.findall(r"\w+", body.lower()))
    theirs = collections.Counter(re.findall(r"\w+", truth.lower()))
    if not theirs:
        return (1.0, 1.0, 1.0) if not mine else (0.0, 0.0, 0.0)
    if not mine:
        return (0.0, 0.0, 0.0)
    overlap = sum((mine & theirs).values())
    p, r = overlap / sum(mine.values()), overlap / sum(theirs.values())
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score(path: pathlib.Path):
    split = path.parent.parent
    wcxb = split.name in ("dev", "test")
    entry = json.loads(path.read_text())
    if wcxb:
        page = split / "html" / f"{path.stem}.html.gz"
    else:
        page = split.parent / "release" / "html" / f"{path.stem}.html.gz"
    if not page.is_file():
        return None
    try:
        out = extract(gzip.decompress(page.read_bytes()), fast=False, include_comments=False,
                      include_tables=True, include_formatting=False) or ""
    except Exception:
        out = ""
    body = norm(out)
    truth = entry["ground_truth"]
    tp = sum(norm(w) in body for w in truth.get("with") or [])
    fp = sum(norm(w) in body for w in truth.get("without") or [])
    fn = len(truth.get("with") or []) - tp
    tn = len(truth.get("without") or []) - fp
    kind = ((entry.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown"
    held = split.name == "test" if wcxb else held_out(f"{path.stem}.html")
    words = word_scores(out, truth.get("main_content") or "")
    return held, wcxb, kind, (tp, fp, fn, tn, *words, 1)


def row(name: str, c: list) -> str:
    tp, fp, fn, tn, wp, wr, wf, n = c
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return (f"| {name} | {tp} | {fp} | {fn} | {tn} | {p:.3f} | {r:.3f} "
            f"| {2 * tp / max(2 * tp + fp + fn, 1):.3f} | {wp / n:.3f} | {wr / n:.3f} | {wf / n:.3f} |")


if __name__ == "__main__":
    root = pathlib.Path(sys.argv[1])
    if (root / "test" / "ground-truth").is_dir():
        files = [f for split in ("dev", "test")
                 for f in sorted((root / split / "ground-truth").glob("*.json"))]
    else:
        files = sorted((root / "benchmark" / "ground-truth").glob("*.json"))
    rows = collections.defaultdict(lambda: [0, 0, 0, 0, 0.0, 0.0, 0.0, 0])
    with ProcessPoolExecutor() as pool:
        for result in pool.map(score, files, chunksize=8):
            if result is None:
                continue
            held, wcxb, kind, counts = result
            keys = ["held-out" if held else "dev", "all", f"type: {kind}"]
            if wcxb and held:
                keys.append(f"held-out, type: {kind}")
            for key in keys:
                rows[key] = [a + b for a, b in zip(rows[key], counts)]
    print("| rows | TP | FP | FN | TN | P | R | F1 | word P | word R | word F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(rows, key=lambda k: (k.startswith("held-out,"), k.startswith("type"), k)):
        print(row(key, rows[key]))
