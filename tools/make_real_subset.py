#!/usr/bin/python3
"""Cuts the small real-recording subset that CI checks the shipped model on
(tests/data/real/, see its README) out of ../shared/data/real/, keeping the
neutral layout (NAME.npy float32 [N, 7] + NAME.index.json).

Only test subjects of the one real-data split (data::real_subject_split; list them with
`citysafe dataset import real X.npy --split test --out t.npy` and read t.json) are taken,
so the guard never looks at what the model trained on.

Usage: /usr/bin/python3 tools/make_real_subset.py ../shared/data/real tests/data/real
"""
import json
import sys
from pathlib import Path

import numpy as np

# dataset -> (subjects, optional session key/value filter, seconds cap per recording)
PICK = {
    "hapt": ({"user01"}, ("exp", {1}), None),
    "spswhar": ({"s03", "s13"}, None, None),
    "oxfordsteps": ({"user2"}, None, 60.0),
}


def cut(src: Path, out: Path, name: str) -> None:
    subjects, session, cap = PICK[name]
    frames = np.load(src / f"{name}.npy")
    index = json.loads((src / f"{name}.index.json").read_text())
    rows, recs = [], []
    begin = 0
    for r in index["recordings"]:
        if r["subject"] not in subjects:
            continue
        if session and r.get(session[0]) not in session[1]:
            continue
        n = r["end"] - r["begin"]
        if cap is not None:
            n = min(n, int(cap * index["rate_hz"]))
        rows.append(frames[r["begin"]:r["begin"] + n])
        r = dict(r, begin=begin, end=begin + n, seconds=round(n / index["rate_hz"], 2))
        recs.append(r)
        begin += n
    data = np.concatenate(rows).astype("<f4")
    np.save(out / f"{name}.npy", data)
    index["recordings"] = recs
    (out / f"{name}.index.json").write_text(json.dumps(index, indent=1) + "\n")
    print(f"{name}: {len(recs)} runs, {len(data) / index['rate_hz']:.0f} s")


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for name in PICK:
        cut(src, out, name)


if __name__ == "__main__":
    main()
