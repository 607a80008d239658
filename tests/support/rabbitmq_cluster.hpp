// RabbitCluster: a real RabbitMQ 3.10 cluster for tests (Debian rabbitmq-server), private to the
// test run, the way scripts/broker-cluster-probe starts one: each node in its own temp folder
// (HOME with its own Erlang cookie, mnesia, logs), its own epmd on a free port (never the
// system's), free loopback ports for AMQP, AMQPS, MQTT over TLS and Erlang distribution, the
// rabbitmq_mqtt plugin on every node. Node 1 boots alone; the others then join it through
// classic_config peer discovery (deterministic: started together, blank nodes can race into
// separate clusters). TLS material comes from deploy/certs/make-certs.sh (server certificate
// for localhost / 127.0.0.1). One user, the default_user of the config, has all rights on "/".
//
// Ownership: the cluster owns its folder (removed by the destructor), the node processes and
// epmd; stop() / the destructor end them (SIGTERM, <= 15 s, then SIGKILL) and reap them. Every
// wait is bounded.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::testing {

class RabbitCluster {
 public:
  struct Config {
    int nodes = 2;
    std::string user = "ingest";
    std::string password = "pw-ingest";
    int boot_timeout_ms = 180'000;  // per node: until it accepts AMQP connections
  };

  // What this machine lacks to run one (rabbitmq-server, epmd, openssl), or nullopt.
  static std::optional<std::string> missing();
  static Result<std::unique_ptr<RabbitCluster>> start(Config config);
  ~RabbitCluster();
  RabbitCluster(const RabbitCluster&) = delete;
  RabbitCluster& operator=(const RabbitCluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  // Node i (0-based) ports; all listen on 127.0.0.1.
  std::uint16_t amqp_port(int i) const { return nodes_.at(i).amqp; }
  std::uint16_t amqps_port(int i) const { return nodes_.at(i).amqps; }
  std::uint16_t mqtts_port(int i) const { return nodes_.at(i).mqtts; }
  std::string node_name(int i) const { return nodes_.at(i).name; }
  std::filesystem::path ca_file() const { return dir_ / "certs" / "ca.pem"; }
  const std::filesystem::path& dir() const { return dir_; }
  bool running(int i) const { return nodes_.at(i).pid > 0; }

  Status kill_node(int i);   // SIGKILL of the Erlang VM: a crash, no goodbye to anyone
  Status start_node(int i);  // (re)start with the same folder and ports; waits until it accepts
  // rabbitmqctl (or another CLI tool of /usr/lib/rabbitmq/bin) against node i, output appended
  // to the cluster's tools.log and returned.
  Result<std::string> ctl(int i, const std::vector<std::string>& args,
                          const std::string& tool = "rabbitmqctl", int timeout_ms = 60'000);
  std::string log(int i) const;  // node i's log file so far
  Status stop();                 // every node and epmd

 private:
  struct Node {
    std::string name;
    std::filesystem::path dir;
    std::uint16_t amqp = 0, amqps = 0, mqtts = 0, dist = 0;
    pid_t pid = -1;  // the rabbitmq-server script, parent of the VM
  };
  RabbitCluster() = default;
  Status prepare(const Config& config);
  std::vector<std::string> env_of(const Node& n) const;
  pid_t vm_pid(const Node& n) const;  // from the node's pid file, -1 when absent

  Config config_;
  std::filesystem::path dir_;
  std::uint16_t epmd_port_ = 0;
  pid_t epmd_pid_ = -1;
  std::vector<Node> nodes_;
};

}  // namespace css::testing
