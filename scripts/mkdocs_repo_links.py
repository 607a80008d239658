"""MkDocs hook (mkdocs.yml `hooks:`): links from docs/ to repository files outside docs/
(`../src/core/event.cpp`, `../bench/README.md`, ...) become links to those files on the
repository's web view (repo_url + /blob/main/...), so they work on the site and `mkdocs build
--strict` accepts them. A link to a file that does not exist is left alone: strict mode then
fails on it, as on any other broken link.
"""

import os
import re
from pathlib import Path

LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    docs = Path(config["docs_dir"]).resolve()
    root = docs.parent
    repo = (config.get("repo_url") or "").rstrip("/")
    here = (docs / page.file.src_path).parent

    def fix(m):
        target = m.group(2)
        if "://" in target or target.startswith(("mailto:", "/")) or not repo:
            return m.group(0)
        path = Path(os.path.normpath(here / target))
        if path.is_relative_to(docs) or not path.exists() or not path.is_relative_to(root):
            return m.group(0)
        kind = "tree" if path.is_dir() else "blob"
        url = f"{repo}/{kind}/main/{path.relative_to(root).as_posix()}"
        return f"{m.group(1)}{url}{m.group(3) or ''}{m.group(4)}"

    return LINK.sub(fix, markdown)
