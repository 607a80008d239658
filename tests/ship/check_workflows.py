#!/usr/bin/env python3
"""ship_workflows: the GitHub workflows parse and run only what the repository has.

Every .github/workflows/*.yml is parsed (python3-yaml); each job needs runs-on and steps;
each `run:` script goes through shiplib.check_script (repo scripts exist and are executable,
make rules, presets, build targets, bench names, citysafe subcommands and flags); local
actions (`uses: ./…`) and Dockerfiles named with `file:` exist. Then what issue 21 asks of
each workflow: ci.yml bootstraps, builds, tests, measures coverage with gcovr, runs
clang-tidy + cppcheck and the sanitizer preset; smoke.yml is manual and uploads
`smoke-model-artifacts`; docker.yml builds with a layer cache and pushes to GHCR on main.
"""

import sys

import shiplib
from shiplib import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def steps_of(doc):
    for job_name, job in (doc.get("jobs") or {}).items():
        for i, step in enumerate(job.get("steps") or []):
            yield job_name, i, step


def all_text(doc, job=None):
    """Everything a workflow (or one job) runs or uses, for the content checks."""
    parts = []
    for job_name, _, step in steps_of(doc):
        if job is None or job_name == job:
            parts.append(str(step.get("run", "")))
            parts.append(str(step.get("uses", "")))
            parts.append(str(step.get("with", "")))
    return "\n".join(parts)


def triggers(doc):
    # YAML 1.1 reads the key `on` as the boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    return set((on or {}).keys())


def check_file(path, yaml):
    where0 = path.relative_to(ROOT)
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        return [f"{where0}: not valid YAML: {e}"], None
    errors = []
    if not isinstance(doc, dict) or not doc.get("jobs"):
        return [f"{where0}: no jobs"], None
    if not triggers(doc):
        errors.append(f"{where0}: no `on:` triggers")
    for job_name, job in doc["jobs"].items():
        if "runs-on" not in job:
            errors.append(f"{where0}: job {job_name} has no runs-on")
        if not job.get("steps"):
            errors.append(f"{where0}: job {job_name} has no steps")
    for job_name, i, step in steps_of(doc):
        where = f"{where0} job {job_name} step {i + 1} ({step.get('name', step.get('uses', 'run'))})"
        if "run" in step:
            errors += shiplib.check_script(str(step["run"]), where)
        uses = str(step.get("uses", ""))
        if uses.startswith("./") and not (ROOT / uses).exists():
            errors.append(f"{where}: local action {uses} does not exist")
        with_ = step.get("with") or {}
        f = with_.get("file")
        if isinstance(f, str) and "${{" not in f and not (ROOT / f).is_file():
            errors.append(f"{where}: file {f} does not exist")
    for job_name, job in doc["jobs"].items():
        for entry in ((job.get("strategy") or {}).get("matrix") or {}).get("include", []):
            f = entry.get("file")
            if f and not (ROOT / f).is_file():
                errors.append(f"{where0} job {job_name}: matrix file {f} does not exist")
    return errors, doc


def require(errors, cond, message):
    if not cond:
        errors.append(message)


def check_contents(docs):
    errors = []
    ci, smoke, docker = docs.get("ci.yml"), docs.get("smoke.yml"), docs.get("docker.yml")
    for name, doc in (("ci.yml", ci), ("smoke.yml", smoke), ("docker.yml", docker)):
        require(errors, doc is not None, f"{name}: missing")
    if ci:
        text = all_text(ci)
        for need, why in (("scripts/bootstrap", "bootstrap"), ("cmake --build", "build"),
                          ("ctest", "tests"), ("scripts/coverage", "coverage (gcovr)"),
                          ("scripts/static-analysis", "clang-tidy + cppcheck"),
                          ("test-asan", "the sanitizer preset")):
            require(errors, need in text, f"ci.yml: no step runs `{need}` ({why})")
        cov = (ROOT / "scripts" / "coverage").read_text()
        require(errors, "gcovr" in cov, "scripts/coverage does not run gcovr")
        sa = (ROOT / "scripts" / "static-analysis").read_text()
        require(errors, "clang-tidy" in sa and "cppcheck" in sa,
                "scripts/static-analysis does not run clang-tidy and cppcheck")
    if smoke:
        require(errors, "workflow_dispatch" in triggers(smoke), "smoke.yml: not workflow_dispatch")
        text = all_text(smoke)
        require(errors, "citysafe train" in text and "--epochs" in text,
                "smoke.yml: no `citysafe train --epochs`")
        require(errors, "citysafe export" in text, "smoke.yml: no `citysafe export`")
        uploads = [s for _, _, s in steps_of(smoke)
                   if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        require(errors, any((s.get("with") or {}).get("name") == "smoke-model-artifacts"
                            for s in uploads),
                "smoke.yml: no upload-artifact named smoke-model-artifacts")
    if docker:
        text = all_text(docker)
        require(errors, "docker/build-push-action" in text, "docker.yml: no build-push-action")
        require(errors, "docker/setup-buildx-action" in text, "docker.yml: no buildx")
        require(errors, "cache-from" in text and "cache-to" in text, "docker.yml: no layer cache")
        require(errors, "ghcr.io" in text, "docker.yml: does not push to GHCR")
        require(errors, "refs/heads/main" in text, "docker.yml: push not limited to main")
    return errors


def main():
    yaml = shiplib.need_yaml_and_citysafe()
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    errors, docs = [], {}
    for f in files:
        e, doc = check_file(f, yaml)
        errors += e
        if doc is not None:
            docs[f.name] = doc
            print(f"{f.relative_to(ROOT)}: {len(doc['jobs'])} job(s), "
                  f"triggers {', '.join(sorted(map(str, triggers(doc))))}")
    errors += check_contents(docs)
    shiplib.report(errors, f"{len(files)} workflow(s)")


if __name__ == "__main__":
    sys.exit(main())
