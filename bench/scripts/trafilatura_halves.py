"""trafilatura's own scores on dateline's dev and held-out halves of its evaluation set.

The reference figure for issue 29: the Python extractor, run with the settings and scorer of
its own `tests/eval_common.py`, on the same split as `trafilatura_eval` (held out when the
FNV-1a 64-bit hash of the page's file name is odd).

    python3 -m venv /tmp/tvenv && /tmp/tvenv/bin/pip install PATH/TO/trafilatura lxml_html_clean
    /tmp/tvenv/bin/python bench/scripts/trafilatura_halves.py PATH/TO/trafilatura [fallback|fast ...]
"""
import sys
import time

root = sys.argv[1] if len(sys.argv) > 1 else "."
sys.path.insert(0, f"{root}/tests")
from eval_common import RUNNERS, ConfusionMatrix, load_evaldata, read_corpus, run_and_count  # noqa: E402
from split import held_out  # noqa: E402


data = load_evaldata(f"{root}/tests")
docs = read_corpus(f"{root}/tests", data)
for mode in sys.argv[2:] or ["fallback", "fast"]:
    halves = {False: ConfusionMatrix(), True: ConfusionMatrix()}
    started, size = time.time(), 0
    for url, item in data.items():
        html = docs[url][1]
        size += len(html)
        halves[held_out(item["file"])].add(run_and_count(RUNNERS[mode], html, item)[1])
    spent = time.time() - started
    for name, h in (("dev", halves[False]), ("held-out", halves[True])):
        p, r, _, f = h.scores()
        print(f"{mode} | {name} | TP {h.tp} FP {h.fp} FN {h.fn} TN {h.tn} | P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print(f"{mode} | all | {size / 2**20 / spent:.2f} MB/s")
