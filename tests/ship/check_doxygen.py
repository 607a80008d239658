#!/usr/bin/env python3
"""ship_doxygen: `doxygen Doxyfile` (into a temp folder) documents every public header:
each src/<lib>/include is in INPUT, the run succeeds, and files.html lists every header."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import shiplib
from shiplib import ROOT


def doxy_values(text, key):
    text = text.replace("\\\n", " ")
    m = re.search(rf"^{key}\s*=(.*)$", text, re.M)
    return m.group(1).split() if m else []


def main():
    doxygen = shutil.which("doxygen")
    if not doxygen:
        shiplib.skip_or_fail("doxygen is not installed (Debian doxygen: scripts/bootstrap)")
    text = (ROOT / "Doxyfile").read_text()
    inputs = set(doxy_values(text, "INPUT"))
    errors = [f"Doxyfile INPUT lacks {d.relative_to(ROOT)}"
              for d in sorted(ROOT.glob("src/*/include")) if str(d.relative_to(ROOT)) not in inputs]
    errors += [f"Doxyfile INPUT names {i}, which does not exist" for i in sorted(inputs)
               if not (ROOT / i).is_dir()]
    headers = sorted({p.name for i in inputs for p in (ROOT / i).rglob("*.hpp")})
    with tempfile.TemporaryDirectory(prefix="css-doxygen-") as out:
        config = text + f"\nOUTPUT_DIRECTORY = {out}\nWARN_LOGFILE = {out}/warnings.log\n"
        r = subprocess.run([doxygen, "-"], input=config, text=True, capture_output=True,
                           cwd=ROOT, check=False)
        if r.returncode != 0:
            errors.append(f"doxygen failed (exit {r.returncode}): {r.stderr.strip()[:2000]}")
        else:
            files = Path(out, "html", "files.html")
            listed = files.read_text() if files.is_file() else ""
            errors += [f"{h}: not in Doxygen's file list" for h in headers if f">{h}<" not in listed]
            warnings = Path(out, "warnings.log")
            n = len(warnings.read_text().splitlines()) if warnings.is_file() else 0
            print(f"doxygen: {len(headers)} headers documented, {n} warning line(s)")
    shiplib.report(errors, "Doxygen of the public headers")


if __name__ == "__main__":
    sys.exit(main())
