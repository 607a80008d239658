#!/usr/bin/env python3
"""ship_docker: the container recipes under deploy/docker/ refer only to what exists.

There is no Docker engine on our machines, so nothing is built. Checked instead:
- the compose file: `docker compose config` (Compose v2 plugin) or `docker-compose config`
  (Debian 12's docker-compose 1.29) must accept it — both parse and validate without a
  daemon; without either, the YAML is parsed with python3-yaml and the run says so;
- its services: mosquitto, ingest, api, the `postgres` profile, named volumes; every build
  names an existing Dockerfile and one of its stages;
- every Dockerfile: each COPY/ADD source exists in the build context (the repository root)
  and is not excluded by its .dockerignore; each --from= names an earlier stage; each RUN,
  CMD, ENTRYPOINT and HEALTHCHECK command names only repo scripts, make rules, presets,
  build targets and citysafe subcommands/flags that exist (shiplib.check_command);
- the compose commands of the citysafe services against `citysafe SUB --help` (and, for the
  citysafe-server image, the subcommands `citysafe-server --help` lists).
"""

import fnmatch
import json
import shutil
import subprocess
import sys
from pathlib import Path

import shiplib
from shiplib import ROOT

DOCKER_DIR = ROOT / "deploy" / "docker"
COMPOSE = DOCKER_DIR / "docker-compose.yml"


def instructions(path):
    """(line number, INSTRUCTION, rest) with continuation lines joined, comments dropped."""
    out, buf, start = [], "", 0
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue
        if not buf:
            start = n
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.strip().partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    return out


def ignored(rel, patterns):
    hit = False
    for p in patterns:
        neg = p.startswith("!")
        p = p.lstrip("!").rstrip("/").removeprefix("**/")
        parts = Path(rel).parts
        match = any(fnmatch.fnmatch("/".join(parts[:i]), p) for i in range(1, len(parts) + 1))
        match = match or any(fnmatch.fnmatch(part, p) for part in parts) and "/" not in p
        if match:
            hit = not neg
    return hit


def dockerignore(dockerfile):
    f = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if not f.is_file():
        f = ROOT / ".dockerignore"
    if not f.is_file():
        return []
    return [l.strip() for l in f.read_text().splitlines() if l.strip() and not l.startswith("#")]


def exec_form(rest):
    rest = rest.strip()
    if rest.startswith("["):
        return json.loads(rest)
    return None


def check_dockerfile(path):
    errors, stages = [], []
    ignore = dockerignore(path)
    where0 = path.relative_to(ROOT)
    entrypoint = []
    for n, ins, rest in instructions(path):
        where = f"{where0}:{n}"
        if ins == "FROM":
            words = rest.split()
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages.append(words[-1])
            entrypoint = []
        elif ins in ("COPY", "ADD"):
            words = exec_form(rest) or rest.split()
            flags = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            src = paths[:-1]
            from_stage = [f.split("=", 1)[1] for f in flags if f.startswith("--from=")]
            if from_stage:
                if from_stage[0] not in stages:
                    errors.append(f"{where}: --from={from_stage[0]} is not an earlier stage")
                continue
            if not src:
                errors.append(f"{where}: {ins} without a source")
            for s in src:
                rel = s.rstrip("/")
                if rel in (".", ""):
                    continue
                if not (ROOT / rel).exists():
                    errors.append(f"{where}: {ins} {s}: no such file in the build context")
                elif ignored(rel, ignore):
                    errors.append(f"{where}: {ins} {s}: excluded by the .dockerignore")
        elif ins == "RUN":
            errors += shiplib.check_script(rest, where)
        elif ins == "ENTRYPOINT":
            entrypoint = exec_form(rest) or rest.split()
        elif ins == "CMD":
            errors += check_image_command(entrypoint + (exec_form(rest) or rest.split()), where)
        elif ins == "HEALTHCHECK":
            cmd = rest.split(" CMD ", 1)
            if len(cmd) == 2:
                errors += check_image_command(exec_form(cmd[1]) or cmd[1].split(), where)
            elif rest.strip().upper() != "NONE":
                errors.append(f"{where}: HEALTHCHECK without CMD")
    return errors, stages


# Paths inside the images that our Dockerfiles install, mapped back to the repo.
IMAGE_FILES = {
    "/usr/local/bin/citysafe-healthcheck": "deploy/docker/healthcheck.sh",
    "/usr/local/bin/init-secrets.sh": "deploy/docker/init-secrets.sh",
    "/usr/local/bin/db-entrypoint.sh": "deploy/docker/db-entrypoint.sh",
    "/usr/local/bin/make-certs.sh": "deploy/certs/make-certs.sh",
}


def check_server_command(args, where):
    """`citysafe-server ARGS`: a command that binary offers (its --help), with the flags of
    the same command in `citysafe` (app_server_cli_test: the help texts are equal)."""
    exe = shiplib.build_dir() / "bin" / "citysafe-server"
    if not exe.is_file():
        return [f"{where}: cannot check `citysafe-server {' '.join(args[:1])}`: {exe} is not built"]
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False,
                       timeout=30)
    subs = shiplib.subcommands(r.stdout)
    if args and not args[0].startswith("-") and args[0] not in subs:
        return [f"{where}: `citysafe-server {args[0]}`: no such subcommand "
                f"(have: {', '.join(sorted(subs))})"]
    return shiplib.check_command(["citysafe"] + args, where)


def check_image_command(words, where):
    """A command run inside an image: our binaries by their installed path."""
    if not words:
        return []
    cmd = words[0]
    if cmd in ("/usr/local/bin/citysafe", "/usr/local/bin/citysafe-edge"):
        return shiplib.check_command(["citysafe"] + words[1:], where)
    if cmd == "/usr/local/bin/citysafe-server":
        return check_server_command(words[1:], where)
    if cmd in IMAGE_FILES:
        f = ROOT / IMAGE_FILES[cmd]
        return [] if f.is_file() else [f"{where}: {cmd} comes from {f}, which is missing"]
    if cmd.startswith("/usr/local/"):
        return [f"{where}: {cmd}: not a file these Dockerfiles install"]
    return shiplib.check_command(words, where)


def compose_config():
    """The compose file as the Compose client resolves it, or the raw YAML (and why)."""
    import yaml  # python3-yaml

    clients = []
    if shutil.which("docker"):
        r = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if r.returncode == 0:
            clients.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        clients.append(["docker-compose"])
    for client in clients:
        # Both profiles: the postgres service must validate too.
        r = subprocess.run(client + ["-f", str(COMPOSE), "--profile", "postgres", "config"],
                           capture_output=True, text=True, check=False, cwd=ROOT)
        if r.returncode != 0:
            print(r.stderr)
            return None, [f"`{' '.join(client)} config` refused {COMPOSE}: {r.stderr.strip()}"]
        print(f"`{' '.join(client)} -f {COMPOSE.relative_to(ROOT)} config` accepts the file")
        resolved = yaml.safe_load(r.stdout)
        return resolved, []
    print("NOTE: neither `docker compose` (Compose v2 plugin) nor `docker-compose` is installed: "
          "parsing the YAML with python3-yaml only, not validating it against the Compose "
          "schema (install Debian's docker-compose: scripts/bootstrap)")
    return yaml.safe_load(COMPOSE.read_text()), []


def check_compose(stages_by_file):
    config, errors = compose_config()
    if config is None:
        return errors
    services = config.get("services", {})
    for need in ("mosquitto", "ingest", "api", "postgres"):
        if need not in services:
            errors.append(f"compose: no service `{need}`")
    if "postgres" in services and "postgres" not in services["postgres"].get("profiles", []):
        errors.append("compose: `postgres` must be an optional profile")
    for name, svc in services.items():
        where = f"compose service {name}"
        build = svc.get("build")
        if isinstance(build, dict):
            ctx = Path(build.get("context", "."))
            ctx = ctx if ctx.is_absolute() else (COMPOSE.parent / ctx)
            dockerfile = (ctx / build.get("dockerfile", "Dockerfile")).resolve()
            if dockerfile not in stages_by_file:
                errors.append(f"{where}: builds {dockerfile}, not one of deploy/docker/Dockerfile*")
            elif build.get("target") and build["target"] not in stages_by_file[dockerfile]:
                errors.append(f"{where}: target `{build['target']}` is no stage of {dockerfile.name}")
        cmd = svc.get("command")
        image = svc.get("image", "")
        if isinstance(cmd, list) and image.startswith("citysafe:"):
            errors += shiplib.check_command(["citysafe"] + [str(c) for c in cmd], where)
        elif isinstance(cmd, list) and image.startswith("citysafe-server:"):
            errors += check_server_command([str(c) for c in cmd], where)
        elif isinstance(cmd, list):
            errors += check_image_command([str(c) for c in cmd], where)
        test = (svc.get("healthcheck") or {}).get("test")
        if isinstance(test, list) and test and test[0] in ("CMD", "CMD-SHELL"):
            errors += check_image_command([str(t) for t in test[1:]], where + " healthcheck")
    volumes = set((config.get("volumes") or {}).keys())
    for need in ("certs", "data"):
        if need not in volumes:
            errors.append(f"compose: no named volume `{need}` (certificates and data persist)")
    return errors


def main():
    shiplib.need_yaml_and_citysafe()
    errors, stages_by_file = [], {}
    dockerfiles = sorted(DOCKER_DIR.glob("Dockerfile*"))
    dockerfiles = [d for d in dockerfiles if not d.name.endswith(".dockerignore")]
    if not dockerfiles:
        errors.append("no deploy/docker/Dockerfile*")
    for d in dockerfiles:
        e, stages = check_dockerfile(d)
        errors += e
        stages_by_file[d.resolve()] = stages
        print(f"{d.relative_to(ROOT)}: stages {', '.join(stages)}")
    errors += check_compose(stages_by_file)
    shiplib.report(errors, "deploy/docker (Dockerfiles, compose file)")


if __name__ == "__main__":
    sys.exit(main())
