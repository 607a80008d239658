// MosquittoBroker: a real /usr/sbin/mosquitto for tests, set up the way deploy/ sets up a
// production broker: certificates from deploy/certs/make-certs.sh, a password file made with
// mosquitto_passwd, the config derived line by line from deploy/mosquitto/mosquitto.conf
// (paths, port and persistence changed; `user root`: started as root, Mosquitto 2.0 drops to
// user `mosquitto` before it reads the TLS key, and a root-owned 0600 key is then unreadable)
// and deploy/mosquitto/acl used as it is. It listens on a free loopback port.
//
// Ownership: the broker owns a temp folder (removed by the destructor) and its child process,
// which stop() / the destructor end (SIGTERM, then SIGKILL) and reap. Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::testing {

struct BrokerUser {
  std::string name;
  std::string password;
};

class MosquittoBroker {
 public:
  struct Config {
    // Where make-certs.sh writes (or finds) the CA and certificates; empty = a fresh folder
    // inside the broker's own. Two brokers given the same folder share one CA.
    std::filesystem::path certs_dir;
    std::vector<BrokerUser> users = {{"dev-a", "pw-a"}, {"dev-b", "pw-b"}, {"ingest", "pw-ingest"}};
    // Mutual TLS: `require_certificate true` in the config (deploy default: false), and a
    // client certificate per device id (make-certs.sh --device: certs_dir/clients/ID.pem, .key).
    bool require_certificate = false;
    std::vector<std::string> client_devices = {};
  };

  // Generates everything, starts the broker and waits (<= 10 s) until it accepts TCP.
  static Result<std::unique_ptr<MosquittoBroker>> start(Config config);
  static Result<std::unique_ptr<MosquittoBroker>> start() { return start(Config{}); }
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "localhost:" + std::to_string(port_); }
  std::filesystem::path ca_file() const { return certs_dir_ / "ca.pem"; }
  // A device's client certificate and key (Config::client_devices).
  std::filesystem::path client_cert(const std::string& id) const {
    return certs_dir_ / "clients" / (id + ".pem");
  }
  std::filesystem::path client_key(const std::string& id) const {
    return certs_dir_ / "clients" / (id + ".key");
  }
  const std::filesystem::path& certs_dir() const { return certs_dir_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool running() const { return pid_ > 0; }
  std::string log() const;  // the broker's stderr so far

  Status stop();       // SIGTERM, <= 5 s for it to exit, then SIGKILL; reaped
  Status kill_hard();  // SIGKILL and reap: a crash, no goodbye to clients
  Status restart();    // start again on the same port with the same files

 private:
  MosquittoBroker() = default;
  Status prepare(const Config& config);
  Status launch();  // spawn + wait until it accepts
  bool require_certificate_ = false;

  std::filesystem::path dir_;
  std::filesystem::path certs_dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A loopback TCP port that was free a moment ago (bound to port 0 and released).
std::uint16_t free_loopback_port();

// Runs argv[0] with its output appended to `log`, waiting at most timeout_ms; a child still
// running then is killed and reaped. Ok when it exits 0.
Status run_tool(const std::vector<std::string>& argv, const std::filesystem::path& log,
                int timeout_ms = 30'000);

}  // namespace css::testing
