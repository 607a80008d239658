#!/usr/bin/env python3
"""ship_doc_refs: the comments of the code (src/, apps/, tests/, bench/, fuzz/, firmware/,
scripts/, cmake/) cite documents a newcomer can open: every `docs/NAME.md` they name exists,
and none cites a note outside the repository (MACHINE-NOTES, DESIGN.md, STYLE.md) instead of
saying the reason itself or pointing into docs/ (issue 14).

Only comment text counts (after `//`, `#`, or inside `/* */` and docstrings' lines starting
with `*`), so test data such as a bundle entry "docs/extra.md" is not a citation."""

import re
import subprocess
import sys

from shiplib import ROOT

FOLDERS = ["src", "apps", "tests", "bench", "fuzz", "firmware", "scripts", "cmake"]
CODE = re.compile(r"\.(c|cc|cpp|h|hpp|py|sh|cmake|js)$|(^|/)(CMakeLists\.txt|Makefile)$")
DOC = re.compile(r"docs/[A-Za-z0-9_./-]+\.md")
OUTSIDE = re.compile(r"MACHINE-NOTES|\bDESIGN\.md\b|\bSTYLE\.md\b")


def comment_of(line, path):
    """The comment part of a line (empty when it has none)."""
    stripped = line.lstrip()
    if stripped.startswith(("*", "/*")):
        return stripped
    markers = ["//"] if re.search(r"\.(c|cc|cpp|h|hpp|js)$", path) else ["#"]
    if path.endswith((".cpp", ".hpp", ".h", ".c")) and stripped.startswith("#"):
        return ""  # a preprocessor line
    for m in markers:
        at = line.find(m)
        if at >= 0:
            return line[at:]
    return ""


def main():
    files = subprocess.run(["git", "ls-files", *FOLDERS], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    errors = []
    for rel in files:
        if not CODE.search(rel) and not rel.startswith("scripts/"):
            continue
        try:
            text = (ROOT / rel).read_text()
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            comment = comment_of(line, rel)
            if not comment:
                continue
            for doc in DOC.findall(comment):
                if not (ROOT / doc.rstrip(".")).exists():
                    errors.append(f"{rel}:{n}: cites {doc}, which does not exist")
            if OUTSIDE.search(comment):
                errors.append(f"{rel}:{n}: cites a note outside the repository "
                              f"({OUTSIDE.search(comment).group(0)}): say why, or cite docs/")
    for e in errors:
        print(e)
    print(f"ship_doc_refs: {len(files)} files, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
