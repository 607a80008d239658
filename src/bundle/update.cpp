// `citysafe update`'s steps (update.hpp): verify → install → switch → restart → health, and
// the way back when the new release does not come up.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <system_error>
#include <thread>

#include "css/bundle/bundle.hpp"
#include "css/bundle/update.hpp"
#include "css/edge_health/watchdog.hpp"
#include "layout.hpp"

namespace css::bundle {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Polls until healthy or timeout_s; the last poll's detail either way.
std::pair<bool, std::string> wait_healthy(const std::string& url, double timeout_s) {
  const auto t0 = Clock::now();
  std::string detail = "no poll";
  for (;;) {  // bounded by timeout_s
    const double left = timeout_s - since(t0);
    const auto p = edge_health::poll_health(url, std::clamp(left, 0.2, 2.0));
    detail = p.detail;
    // A node answers /health before its model is loaded (and one whose model is refused
    // answers until it exits): up means it has run an inference.
    if (p.healthy && p.last_inference_age_s >= 0)
      return {true, "healthy after " + seconds(since(t0)) + ": " + detail};
    if (p.healthy) detail += ", but no inference yet";
    if (since(t0) + 0.25 >= timeout_s)
      return {false, "not healthy within " + seconds(timeout_s) + " (last: " + detail + ")"};
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

// The restart step: true if the command exited 0.
bool restart(const UpdateOptions& o, const StepLog& log, std::string& why) {
  const int rc = edge_health::run_action(o.restart_cmd, o.restart_timeout_s);
  log("restart: '" + o.restart_cmd + "' exited " + std::to_string(rc));
  if (rc == 0) return true;
  why = "the restart command exited " + std::to_string(rc);
  return false;
}

// One update at a time per ROOT: an exclusive flock(2) on the ROOT folder itself (no lock
// file, so a refused update leaves ROOT as it was). O_CLOEXEC: the restarted service must not
// inherit it. Released when the update returns (or its process dies).
class RootLock {
 public:
  RootLock() = default;
  RootLock(const RootLock&) = delete;
  RootLock& operator=(const RootLock&) = delete;
  ~RootLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status take(const fs::path& root) {
    fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0)
      return make_error(ErrorCode::kIo, "--root '" + root.string() + "': " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
      return make_error(ErrorCode::kIo, "--root '" + root.string() +
                                            "': another update is running there; try again");
    return Ok{};
  }

 private:
  int fd_ = -1;
};

struct Before {
  std::optional<std::string> current, previous;
};

// The update did not come up: links back, the new release removed, the old one restarted.
Result<UpdateReport> roll_back(const UpdateOptions& o, const Before& b, UpdateReport r,
                               const StepLog& log) {
  if (auto st = restore_link(o.root, "current", b.current); !st) return st.error();
  if (auto st = restore_link(o.root, "previous", b.previous); !st) return st.error();
  std::error_code ec;
  fs::remove_all(o.root / "releases" / r.version, ec);
  if (!b.current) {
    log("rollback: no previous release; current removed, releases/" + r.version + " deleted");
    return make_error(ErrorCode::kIo, "update to " + r.version + " failed (" + r.failure +
                                          ") and there is no previous release to go back to");
  }
  log("rollback: current -> releases/" + *b.current + ", releases/" + r.version + " deleted");
  std::string why;
  if (restart(o, log, why)) {
    const auto [ok, detail] = wait_healthy(o.health_url, o.health_timeout_s);
    log("health: " + o.health_url + " " + detail);
    r.rollback_healthy = ok;
  }
  r.outcome = UpdateOutcome::kRolledBack;
  return r;
}

Result<Manifest> verify_into(const UpdateOptions& o, const fs::path& staging, const StepLog& log) {
  const std::string arch = machine_arch();
  auto m = extract_verified(o.bundle, o.public_key, staging, arch);
  if (!m) return m;
  if (std::find(m->arches.begin(), m->arches.end(), arch) == m->arches.end()) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    return make_error(ErrorCode::kInvalidArgument,
                      o.bundle.string() + ": holds no binaries for this machine (" + arch + ")");
  }
  log("verify: " + o.bundle.filename().string() + ": signature ok (" + o.public_key.string() +
      "), " + std::to_string(m->files.size()) + " files match SHA256SUMS, version " + m->version);
  return m;
}

}  // namespace

Result<UpdateReport> update(const UpdateOptions& o, const StepLog& log) {
  std::error_code ec;
  const bool made_root = !fs::exists(o.root, ec) && fs::create_directories(o.root, ec);
  if (ec) return make_error(ErrorCode::kIo, "--root '" + o.root.string() + "': " + ec.message());
  RootLock lock;
  if (auto st = lock.take(o.root); !st) return st.error();
  Before b;
  for (auto [link, slot] : {std::pair{"current", &b.current}, std::pair{"previous", &b.previous}}) {
    auto v = linked_version(o.root, link);
    if (!v) {
      if (made_root) fs::remove(o.root, ec);
      return v.error();
    }
    *slot = *v;
  }
  const fs::path staging = o.root / (".staging-" + std::to_string(::getpid()));
  auto m = verify_into(o, staging, log);
  if (!m) {
    if (made_root) fs::remove(o.root, ec);
    return m.error();
  }
  UpdateReport r{UpdateOutcome::kUpdated, m->version, b.current.value_or(""), "", false, {}};
  if (b.current == m->version) {
    fs::remove_all(staging, ec);
    log("done: " + m->version + " is already current; nothing to do");
    r.outcome = UpdateOutcome::kAlreadyCurrent;
    return r;
  }
  auto installed = install_tree(o.root, staging / ("citysafe-" + m->version), m->version);
  fs::remove_all(staging, ec);
  if (!installed) return installed.error();
  log("install: releases/" + m->version +
      (b.current ? " (beside current " + *b.current + ")" : " (first release)"));
  if (b.current)
    if (auto st = point_link(o.root, "previous", *b.current); !st) return st.error();
  if (auto st = point_link(o.root, "current", m->version); !st) return st.error();
  log("switch: current -> releases/" + m->version +
      (b.current ? ", previous -> releases/" + *b.current : ""));
  if (!restart(o, log, r.failure)) return roll_back(o, b, r, log);
  const auto [ok, detail] = wait_healthy(o.health_url, o.health_timeout_s);
  log("health: " + o.health_url + " " + detail);
  if (!ok) {
    r.failure = "/health " + detail;
    return roll_back(o, b, r, log);
  }
  auto removed = prune_releases(o.root, o.keep);
  if (!removed) return removed.error();
  r.removed = *removed;
  std::string gone;
  for (const auto& v : r.removed) gone += " " + v;
  log("done: " + m->version + " is current" +
      (gone.empty() ? "" : "; removed old releases:" + gone));
  return r;
}

}  // namespace css::bundle
