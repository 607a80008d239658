#!/usr/bin/env python3
"""ship_mkdocs: `mkdocs build --strict` of the site (mkdocs.yml over docs/) passes into a temp
folder, and every docs/*.md page is in the nav (MkDocs only mentions a page left out)."""

import shutil
import subprocess
import sys
import tempfile

import shiplib
from shiplib import ROOT


def nav_pages(nav):
    for item in nav or []:
        value = list(item.values())[0] if isinstance(item, dict) else item
        if isinstance(value, list):
            yield from nav_pages(value)
        else:
            yield value


def main():
    mkdocs = shutil.which("mkdocs")
    if not mkdocs:
        shiplib.skip_or_fail("mkdocs is not installed (Debian mkdocs: scripts/bootstrap)")
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses the !ENV tag; its default value is enough here.
    Loader.add_constructor("!ENV", lambda l, n: l.construct_sequence(n)[-1])
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    errors = []
    in_nav = set(nav_pages(config.get("nav")))
    for page in sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")):
        if page not in in_nav:
            errors.append(f"docs/{page} is not in the mkdocs.yml nav")
    for page in sorted(in_nav):
        if not (ROOT / "docs" / page).is_file():
            errors.append(f"mkdocs.yml nav names docs/{page}, which does not exist")
    with tempfile.TemporaryDirectory(prefix="css-site-") as site:
        r = subprocess.run([mkdocs, "build", "--strict", "--clean", "-f", str(ROOT / "mkdocs.yml"),
                            "-d", site], capture_output=True, text=True, check=False, cwd=ROOT)
        print(r.stderr.strip())
        if r.returncode != 0:
            errors.append(f"mkdocs build --strict failed (exit {r.returncode}), see above")
    shiplib.report(errors, "the MkDocs site")


if __name__ == "__main__":
    sys.exit(main())
