"""Shared checks of the `ship` tests: does a command line that a Dockerfile, a workflow or the
compose file runs name only things this repository has?

A command is checked against the repository itself, never against a list kept in the test:
scripts and other repo files must exist (and be executable when run), `make T` needs a rule
for T in the Makefile, `cmake --preset P` a preset in CMakePresets.json, `--target T` a target
of the configured build (`ninja -t targets`), `bench/run NAME` a benchmark folder, and
`citysafe SUB [SUB2] --flag` a subcommand and a flag that `citysafe ... --help` prints.

Exit codes of the test scripts: 0 pass, 1 a check failed, 77 skipped (a tool is missing;
under CI=true a missing tool fails instead, so CI cannot silently skip).
"""

import functools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = 77

# Top-level folders whose paths, when a command names them, must exist in the repository.
REPO_DIRS = ("scripts", "deploy", "bench", "configs", "models", "docs", "tests", "cmake",
             "tools", "cities", "web", "fuzz", "firmware", "apps", "src")
# Prefixes that only wrap the real command.
WRAPPERS = {"sudo", "env", "nice", "time", "taskset", "timeout", "exec", "xvfb-run", "command"}


def build_dir():
    return Path(os.environ.get("CSS_BUILD_DIR", ROOT / "build"))


def skip_or_fail(reason):
    """A missing tool: skip (77) on a developer machine, fail under CI."""
    if os.environ.get("CI", "").lower() == "true":
        print(f"FAIL (CI=true): {reason}")
        sys.exit(1)
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


def need_yaml_and_citysafe():
    """The prerequisites of the recipe checks: python3-yaml and a built citysafe (whose
    --help lists the subcommands and flags the recipes may name). Returns the yaml module."""
    try:
        import yaml
    except ImportError:
        skip_or_fail("python3-yaml is not installed (Debian python3-yaml, base group)")
    if citysafe_binary() is None:
        skip_or_fail(f"{build_dir()}/bin/citysafe is not built")
    return yaml


@functools.cache
def make_targets():
    text = (ROOT / "Makefile").read_text()
    targets = set()
    for m in re.finditer(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)", text, re.M):
        targets.update(m.group(1).split())
    return targets


@functools.cache
def presets():
    data = json.loads((ROOT / "CMakePresets.json").read_text())
    return {kind: {p["name"] for p in data.get(kind, [])}
            for kind in ("configurePresets", "buildPresets", "testPresets")}


@functools.cache
def benchmarks():
    return {p.parent.name for p in (ROOT / "bench").glob("*/run") if os.access(p, os.X_OK)}


@functools.cache
def build_targets():
    """Targets of the configured build tree, or None when there is none to ask."""
    b = build_dir()
    if not (b / "build.ninja").is_file():
        return None
    out = subprocess.run(["ninja", "-C", str(b), "-t", "targets", "all"], capture_output=True,
                         text=True, check=False).stdout
    names = set()
    for line in out.splitlines():
        name = line.split(":", 1)[0].strip()
        names.add(name)
        names.add(name.rsplit("/", 1)[-1])
    return names


def citysafe_binary():
    exe = build_dir() / "bin" / "citysafe"
    return exe if os.access(exe, os.X_OK) else None


@functools.cache
def help_text(chain):
    """`citysafe CHAIN... --help`, or None if that is not a command."""
    exe = citysafe_binary()
    r = subprocess.run([str(exe), *chain, "--help"], capture_output=True, text=True,
                       check=False, timeout=30)
    return r.stdout if r.returncode == 0 else None


def subcommands(text):
    """Names listed under 'Subcommands:' in a CLI11 help text."""
    names, inside = set(), False
    for line in text.splitlines():
        if line.startswith("Subcommands:"):
            inside = True
            continue
        if inside:
            m = re.match(r"^  (\S+)", line)
            if m:
                names.add(m.group(1))
            elif line and not line.startswith(" "):
                break
    return names


def check_citysafe(args, where):
    """args = what follows `citysafe`: subcommands, then flags; each must exist."""
    if citysafe_binary() is None:
        return [f"{where}: cannot check `citysafe {' '.join(args[:2])}`: "
                f"{build_dir()}/bin/citysafe is not built"]
    chain, errors = (), []
    text = help_text(chain)
    for a in args:
        if a.startswith("-") or a.startswith("$"):
            break
        subs = subcommands(text)
        if not subs:
            break
        if a not in subs:
            errors.append(f"{where}: `citysafe {' '.join(chain + (a,))}`: no such subcommand "
                          f"(have: {', '.join(sorted(subs))})")
            return errors
        chain += (a,)
        text = help_text(chain)
    for a in args:
        if a.startswith("--") and len(a) > 2:
            flag = a.split("=", 1)[0]
            if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text):
                errors.append(f"{where}: `citysafe {' '.join(chain)}` has no option {flag}")
    return errors


def is_repo_path(token):
    if any(c in token for c in "*?$[{<>") or token.startswith("-") or "://" in token:
        return False
    first = token.removeprefix("./").split("/", 1)[0]
    return "/" in token and first in REPO_DIRS


def option_values(words, *names):
    vals = []
    for i, w in enumerate(words):
        for n in names:
            if w == n and i + 1 < len(words):
                vals.append(words[i + 1])
            elif w.startswith(n + "="):
                vals.append(w.split("=", 1)[1])
    return vals


def check_command(words, where, cwd=ROOT):
    """One simple command (already split into words)."""
    errors = []
    while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]) or words[0] in WRAPPERS):
        words = words[1:]
    if not words:
        return errors
    cmd = words[0]
    # Repo paths anywhere on the line: scripts run, files read.
    for i, w in enumerate(words):
        if is_repo_path(w):
            p = cwd / w
            if not p.exists():
                errors.append(f"{where}: `{w}` does not exist in the repository")
            elif i == 0 and not os.access(p, os.X_OK):
                errors.append(f"{where}: `{w}` is run but is not executable")
    name = cmd.rsplit("/", 1)[-1]
    if cmd == "make":
        for t in words[1:]:
            if not t.startswith("-") and "=" not in t and t not in make_targets():
                errors.append(f"{where}: `make {t}`: no such rule in the Makefile")
    elif cmd in ("cmake", "ctest"):
        kind = ("testPresets" if cmd == "ctest" else
                "buildPresets" if "--build" in words else "configurePresets")
        for p in option_values(words, "--preset"):
            if p not in presets()[kind]:
                errors.append(f"{where}: `{cmd} --preset {p}`: no such {kind[:-7]} preset")
        targets = build_targets()
        for t in option_values(words, "--target", "-t"):
            for one in t.split():
                if targets is not None and one not in targets and one not in ("all", "clean"):
                    errors.append(f"{where}: `--target {one}`: the build has no such target")
    elif cmd.endswith("bench/run"):
        for b in words[1:2]:
            if b not in benchmarks() | {"all", "list"}:
                errors.append(f"{where}: `bench/run {b}`: no such benchmark")
    elif name in ("citysafe", "citysafe-edge") and (cmd == name or "bin/" in cmd):
        errors += check_citysafe(words[1:], where)
    return errors


def split_shell(script):
    """Simple commands of a shell snippet: continuation lines joined, split at ; && || |,
    comments and heredoc bodies dropped. Good enough for CI steps and RUN lines."""
    commands = []
    lines = script.replace("\\\n", " ").splitlines()
    heredoc = None
    for line in lines:
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        if m:
            heredoc = m.group(1)
            line = line[:m.start()]
        try:
            lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
            lex.whitespace_split = True
            lex.commenters = "#"
            tokens = list(lex)
        except ValueError:
            tokens = line.split()
        current = []
        for t in tokens:
            if t and set(t) <= set(";&|()"):
                if current:
                    commands.append(current)
                current = []
            else:
                current.append(t)
        if current:
            commands.append(current)
    # Drop shell keywords that start compound commands.
    out = []
    for c in commands:
        while c and c[0] in ("if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"):
            c = c[1:]
        if c and c[0] not in ("fi", "done", "esac", "for", "case"):
            out.append(c)
    return out


def check_script(script, where):
    errors = []
    for words in split_shell(script):
        errors += check_command(words, where)
    return errors


def report(errors, what):
    for e in errors:
        print("FAIL:", e)
    if errors:
        print(f"{len(errors)} problem(s) in {what}")
        sys.exit(1)
    print(f"ok: {what}")
