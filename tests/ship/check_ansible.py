#!/usr/bin/env python3
"""ship_ansible: the fleet playbook deploy/ansible/site.yml is valid and self-consistent.

- `ansible-playbook --syntax-check -i inventory.example.ini site.yml` passes;
- every task and handler (blocks included) uses one ansible.builtin module: Debian's
  ansible-core is all a control machine needs, no collection;
- the rollout play runs in batches (serial) and stops after a failed batch
  (max_fail_percentage 0), over every host of the example inventory (--list-hosts);
- every citysafe_* variable site.yml uses is defined in group_vars/all.yml;
- the flags it passes to `citysafe update` exist, once the built binary has that subcommand.
"""

import re
import shutil
import subprocess
import sys

import shiplib
from shiplib import ROOT

ANSIBLE = ROOT / "deploy" / "ansible"
KEYWORDS = {
    "name", "when", "register", "loop", "loop_control", "with_items", "failed_when",
    "changed_when", "notify", "tags", "become", "become_user", "vars", "args", "until",
    "retries", "delay", "ignore_errors", "delegate_to", "run_once", "no_log", "environment",
    "check_mode", "listen", "timeout", "block", "rescue", "always",
}


def tasks_of(items, where):
    for i, task in enumerate(items or []):
        here = f"{where}[{i}] '{task.get('name', '?')}'"
        if "block" in task:
            for part in ("block", "rescue", "always"):
                yield from tasks_of(task.get(part), f"{here}.{part}")
        else:
            yield here, task


def run(args):
    return subprocess.run(args, cwd=ANSIBLE, capture_output=True, text=True, check=False,
                          timeout=120)


def main():
    if not shutil.which("ansible-playbook"):
        shiplib.skip_or_fail("ansible-playbook is not installed (Debian ansible-core, base group)")
    import yaml

    errors = []
    r = run(["ansible-playbook", "--syntax-check", "-i", "inventory.example.ini", "site.yml"])
    if r.returncode != 0:
        errors.append(f"--syntax-check failed:\n{r.stdout}{r.stderr}")

    plays = yaml.safe_load((ANSIBLE / "site.yml").read_text())
    modules = set()
    for p, play in enumerate(plays):
        for part in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            for where, task in tasks_of(play.get(part), f"play {p} {part}"):
                mods = [k for k in task if k not in KEYWORDS]
                if len(mods) != 1:
                    errors.append(f"{where}: expected one module, found {mods}")
                elif not mods[0].startswith("ansible.builtin."):
                    errors.append(f"{where}: {mods[0]} is not an ansible.builtin module")
                else:
                    modules.add(mods[0])
    rollout = [p for p in plays if p.get("hosts") == "citysafe_nodes"]
    if len(rollout) != 1:
        errors.append("site.yml needs one play over hosts: citysafe_nodes")
    else:
        play = rollout[0]
        if "serial" not in play:
            errors.append("the rollout play has no serial: it would update every node at once")
        if play.get("max_fail_percentage") != 0:
            errors.append("the rollout play must stop after a failed batch (max_fail_percentage: 0)")

    text = (ANSIBLE / "site.yml").read_text()
    defined = set(yaml.safe_load((ANSIBLE / "group_vars" / "all.yml").read_text()))
    used = set(re.findall(r"\bcitysafe_\w+", text)) - {"citysafe_nodes"}
    for v in sorted(used - defined):
        if not re.search(re.escape(v) + r"\s*\|\s*default\(", text):
            errors.append(f"site.yml uses {v}, which group_vars/all.yml does not define")

    r = run(["ansible-playbook", "--list-hosts", "-i", "inventory.example.ini", "site.yml",
             "-e", "citysafe_bundle=dist/citysafe-0.0.0-g0000000.tar.gz"])
    inventory = set(re.findall(r"^(pi-[\w-]+)", (ANSIBLE / "inventory.example.ini").read_text(), re.M))
    listed = set(re.findall(r"^\s+(pi-[\w-]+)\s*$", r.stdout, re.M))
    if r.returncode != 0 or not inventory or listed != inventory:
        errors.append(f"--list-hosts: the rollout should cover {sorted(inventory)}, "
                      f"got {sorted(listed)} (rc {r.returncode}) {r.stderr}")

    # The `citysafe update` flags, against the built binary's --help once it has `update`.
    if shiplib.citysafe_binary() and "update" in shiplib.subcommands(shiplib.help_text(())):
        argv = re.findall(r"^\s+- (--[\w-]+)\s*$", text, re.M)
        errors += shiplib.check_citysafe(["update", *argv], "site.yml")
        print(f"checked {len(argv)} flags of `citysafe update`")
    else:
        print("note: the built citysafe has no `update` subcommand yet: its flags are not checked")

    shiplib.report(errors, f"deploy/ansible/site.yml ({len(plays)} plays, modules: "
                           f"{', '.join(sorted(m.removeprefix('ansible.builtin.') for m in modules))})")


if __name__ == "__main__":
    sys.exit(main())
