// citysafe update: install a signed release bundle on a node and roll back by itself when the
// new release does not answer /health (css::bundle; docs/deploy-raspberry-pi.md, "Updating a
// node"). --check verifies only. Exit 0 updated (or already current), 1 rolled back or a
// run-time failure, 2 a bad bundle (ROOT left exactly as it was).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/bundle/bundle.hpp"
#include "css/bundle/update.hpp"
#include "css/http/client.hpp"

namespace css::cli {
namespace {

struct UpdateArgs {
  bundle::UpdateOptions o;
  bool check = false;
};

std::string mib(std::uint64_t bytes) {
  return std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}

int run_check(const UpdateArgs& a) {
  auto m = bundle::check_file(a.o.bundle, a.o.public_key);
  if (!m) return report(m.error());
  std::string arches;
  for (const auto& arch : m->arches) arches += (arches.empty() ? "" : ", ") + arch;
  std::cout << a.o.bundle.string() << ": OK (signature, SHA256SUMS, VERSION)\n"
            << "version " << m->version << "; arches " << arches
            << " (this machine: " << bundle::machine_arch() << "); " << m->files.size()
            << " files, " << mib(m->total_bytes) << "\n";
  for (const auto& f : m->files) std::cout << "  " << f.bytes << "\t" << f.path << "\n";
  return kExitOk;
}

int run_update(const UpdateArgs& a) {
  if (a.check) return run_check(a);
  if (auto url = http::parse_url(a.o.health_url); !url)
    return report(make_error(ErrorCode::kInvalidArgument, "--health-url: " + url.error().message));
  auto r = bundle::update(a.o, [](const std::string& line) { std::cout << line << std::endl; });
  if (!r) return report(r.error());
  if (r->outcome != bundle::UpdateOutcome::kRolledBack) return kExitOk;
  std::cout << "rolled back to " << r->previous << std::endl;
  print_error("update to " + r->version + " failed (" + r->failure + "); rolled back to " +
              r->previous +
              (r->rollback_healthy ? ""
                                   : ", which does not answer /health either: check the "
                                     "service (journalctl -u citysafe-edge)"));
  return kExitFailure;
}

}  // namespace

void add_update(CLI::App& root, Runner& run) {
  auto a = std::make_shared<UpdateArgs>();
  auto* cmd = root.add_subcommand(
      "update",
      "Install a signed release bundle beside the running release, switch to it, restart the\n"
      "service and roll back by itself if /health does not come back (--check: verify only).");
  cmd->footer(
      "Steps: verify (Ed25519 signature of SHA256SUMS under --key, every file's SHA-256, VERSION,\n"
      "FILE.sha256 when present) -> install ROOT/releases/<version>/ -> switch ROOT/current and\n"
      "ROOT/previous (atomic symlink renames) -> restart -> poll --health-url for HTTP 200 ->\n"
      "keep the 3 newest releases. No 200 within --health-timeout-s: current and previous go\n"
      "back, the service is restarted, 'rolled back to <version>' (exit 1).\n"
      "Examples:\n"
      "  citysafe update --check --bundle citysafe-1.2.0.tar.gz --key release-key.pub\n"
      "  sudo citysafe-edge update --bundle /tmp/citysafe-1.2.0.tar.gz\n"
      "  citysafe update --bundle b.tar.gz --root $HOME/citysafe --restart-cmd \\\n"
      "    'systemctl --user restart citysafe-edge' --health-timeout-s 60\n"
      "Exit: 0 updated or already current, 1 rolled back (or a run-time failure), 2 bad bundle\n"
      "or arguments (nothing under ROOT changes). docs/deploy-raspberry-pi.md, \"Updating a "
      "node\".");
  cmd->add_option("--bundle", a->o.bundle, "The release bundle citysafe-<version>.tar.gz")
      ->required();
  cmd->add_option("--key", a->o.public_key, "Trusted release public key (Ed25519 PEM)")
      ->capture_default_str();
  cmd->add_option("--root", a->o.root,
                  "Install root: releases/<version>/, current and previous symlinks")
      ->capture_default_str();
  cmd->add_option("--restart-cmd", a->o.restart_cmd,
                  "Shell command that restarts the service (/bin/sh -c; killed after 60 s)")
      ->capture_default_str();
  cmd->add_option("--health-url", a->o.health_url,
                  "The service's health endpoint (the edge's --health, deploy/systemd)")
      ->capture_default_str();
  cmd->add_option("--health-timeout-s", a->o.health_timeout_s,
                  "Seconds to wait for HTTP 200 from --health-url after a restart")
      ->capture_default_str()
      ->check(finite_range(0.5, 3600.0));
  cmd->add_flag("--check", a->check,
                "Verify the bundle and list what it holds; install nothing (needs no --root)");
  cmd->callback([a, &run] { run = [a] { return run_update(*a); }; });
}

}  // namespace css::cli
