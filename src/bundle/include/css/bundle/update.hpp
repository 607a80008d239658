// Installing a verified bundle on a node, with automatic rollback (`citysafe update`; the
// seed's OTA-with-fallback). The layout under ROOT (default /opt/citysafe):
//   releases/<version>/   a bundle's tree (this machine's bin/<arch>/ files executable)
//   current  -> releases/<version>   what the service runs (symlink, relative)
//   previous -> releases/<version>   the release before it
//
// Contract of update():
//  1. verify: extract into ROOT/.staging-<pid>/ and verify (bundle.hpp); the bundle must hold
//     this machine's arch. A bad bundle is an Error (kInvalidArgument/kNotFound; exit 2) and
//     ROOT is left exactly as it was (a ROOT this call created is removed again).
//  2. The version already current: nothing changes, outcome kAlreadyCurrent.
//  3. install: releases/<version>/ beside the running one (current's tree is never touched).
//  4. switch: previous -> the old current, then current -> the new one; each an atomic
//     rename of a fresh symlink over the old one.
//  5. restart: `/bin/sh -c restart_cmd` in its own process group, killed after
//     restart_timeout_s; a non-zero exit is a failed update.
//  6. health: GET health_url (edge_health::poll_health: 200, not "failing", and an inference
//     run: last_inference_age_s >= 0, since a node answers before its model has loaded) until
//     healthy or health_timeout_s has passed.
//  7. healthy: keep the `keep` newest releases (current and previous always), delete older.
//     Not healthy: current and previous go back to what they were, the new release is
//     deleted, the service is restarted and polled again; outcome kRolledBack.
//  One update at a time per ROOT (flock on the ROOT folder; a second one fails with kIo).
//  Every step is announced through `log` in one line. Run-time failures (I/O, no previous
//  release to go back to) are kIo (exit 1).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::bundle {

struct UpdateOptions {
  std::filesystem::path bundle;
  std::filesystem::path public_key = "/etc/citysafe/release-key.pub";
  std::filesystem::path root = "/opt/citysafe";
  std::string restart_cmd = "systemctl restart citysafe-edge";
  // The edge's /health (deploy/systemd/citysafe-edge.service: --health 127.0.0.1:8081).
  std::string health_url = "http://127.0.0.1:8081/health";
  double health_timeout_s = 30;
  double restart_timeout_s = 60;
  std::size_t keep = 3;
};

enum class UpdateOutcome { kUpdated, kAlreadyCurrent, kRolledBack };

struct UpdateReport {
  UpdateOutcome outcome = UpdateOutcome::kUpdated;
  std::string version;               // the bundle's
  std::string previous;              // current before the update ("" on a first install)
  std::string failure;               // why the update was rolled back
  bool rollback_healthy = false;     // the old release answered /health after the rollback
  std::vector<std::string> removed;  // releases pruned
};

using StepLog = std::function<void(const std::string&)>;

Result<UpdateReport> update(const UpdateOptions& options, const StepLog& log);

// The version `ROOT/<link>` ("current" or "previous") points at; nullopt if there is no such
// link; kInvalidArgument if it exists but is not a symlink into releases/.
Result<std::optional<std::string>> linked_version(const std::filesystem::path& root,
                                                  const std::string& link);

}  // namespace css::bundle
