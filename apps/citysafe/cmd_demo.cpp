// citysafe demo: the whole city end to end in one command. It only wires the other
// subcommands together as child processes (child_process.hpp): a TLS Mosquitto with fresh
// certificates, passwords and the production ACL, `citysafe ingest` into SQLite, `citysafe
// serve` (API + dashboard), simulated nodes over MQTT (simulate-city and one `citysafe edge`
// running the model), then hotspots, flows, figures, whitepaper and checklist. Whatever ends
// it (--duration, Ctrl-C, SIGTERM, a failing step), every child is stopped in reverse order.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "cli_support.hpp"
#include "css/api/tokens.hpp"
#include "css/core/file_io.hpp"
#include "css/http/client.hpp"
#include "css/store/event_store.hpp"

namespace css::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kToolTimeout = seconds(300);    // one artefact or simulation step
constexpr auto kTrainTimeout = seconds(3600);  // --train: one epoch on a slow machine
constexpr auto kStartTimeout = seconds(30);    // a service until it listens
constexpr int kSimDays = 7;                    // simulated days: the hotspot window

struct DemoArgs {
  fs::path out = "demo-out";
  double duration = 0;
  int nodes = 20;
  unsigned port = 0;
  bool quick = false;
  bool train = false;
};

// A file of the repository (deploy/, models/, node_modules/): from the working folder when it
// is a checkout, else from the source tree this binary was built from.
fs::path repo_file(const std::string& rel) {
  std::error_code ec;
  if (fs::exists(rel, ec)) return fs::absolute(rel, ec);
  return fs::path(CSS_SOURCE_TREE) / rel;
}

// This very binary, so the children run the same build (and citysafe-edge beside it, which
// starts without the training stack, for the edge node when it is there).
fs::path self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("citysafe") : p;
}

std::string random_hex(int bytes) {
  std::random_device rd;
  std::ostringstream s;
  for (int i = 0; i < bytes; ++i) s << std::hex << ((rd() >> 4) & 0xf) << (rd() & 0xf);
  return s.str();
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Error step_error(const std::string& message) {
  return make_error(ErrorCode::kIo, message);
}

// A secret or config file the demo writes itself: atomically, readable by us only.
Status write_private(const fs::path& path, const std::string& text) {
  if (auto st = io::write_text(path, text); !st) return st;
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
  return Ok{};
}

// How many features a GeoJSON file has (0 when it cannot be read).
std::size_t feature_count(const fs::path& file) {
  std::ifstream in(file);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("features") || !doc["features"].is_array()) return 0;
  return doc["features"].size();
}

class Demo {
 public:
  Demo(DemoArgs a, std::atomic<bool>& stop)
      : a_(std::move(a)), stop_(stop), self_(self_exe()), started_(Clock::now()) {}

  int run() {
    Status st = setup();
    if (st && !stop_) st = wait_for_events();
    if (st && !stop_) st = artefacts();
    if (st && !stop_) dwell();
    shutdown();
    if (!st) {
      print_error("demo: " + st.error().message);
      return kExitFailure;
    }
    return kExitOk;
  }

 private:
  fs::path dir(const std::string& rel) const { return a_.out / rel; }
  fs::path log(const std::string& name) const { return dir("logs") / (name + ".log"); }
  std::string db_url() const { return "sqlite://" + dir("citysafe.db").string(); }
  std::string broker() const { return "localhost:" + std::to_string(broker_port_); }

  static void announce(const std::string& what) { std::cout << "== " << what << std::endl; }

  std::vector<std::string> citysafe(std::initializer_list<std::string> args) const {
    std::vector<std::string> argv{self_.string()};
    argv.insert(argv.end(), args);
    return argv;
  }

  // Runs a group of tools at once (each a log in logs/) and waits for all; a stop request
  // stops them (Ok: shutdown follows), a failing one is an error naming its log.
  Status run_tools(const std::vector<std::pair<std::string, std::vector<std::string>>>& tools,
                   Clock::duration timeout = kToolTimeout) {
    std::vector<Child> children;
    for (const auto& [name, argv] : tools) {
      auto c = Child::spawn(argv, log(name));
      if (!c) return c.error();
      children.push_back(std::move(*c));
    }
    const auto deadline = Clock::now() + timeout;
    for (std::size_t i = 0; i < children.size(); ++i) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      auto code = children[i].wait_for(std::max(left, milliseconds(0)), &stop_);
      if (stop_) return Ok{};  // the children's destructors stop them
      if (!code)
        return step_error(tools[i].first + " did not finish in time; see " +
                          log(tools[i].first).string());
      if (*code != 0)
        return step_error(tools[i].first + " failed (exit " + std::to_string(*code) + "); see " +
                          log(tools[i].first).string());
    }
    return Ok{};
  }

  // A long-running child that stays up until shutdown; ready once `port` accepts.
  Status start_service(const std::string& name, const std::vector<std::string>& argv,
                       std::uint16_t port) {
    auto c = Child::spawn(argv, log(name));
    if (!c) return c.error();
    services_.push_back(std::move(*c));
    Child& child = services_.back();
    std::cout << "   " << name << " started, pid " << child.pid() << std::endl;
    if (wait_for_port(port, kStartTimeout, stop_, child) || stop_) return Ok{};
    return step_error(name + " did not listen on 127.0.0.1:" + std::to_string(port) +
                      " within 30 s; see " + log(name).string());
  }

  Status setup() {
    std::error_code ec;
    fs::create_directories(dir("logs"), ec);
    fs::create_directories(dir("broker"), ec);
    if (ec) return step_error("--out: cannot create '" + a_.out.string() + "': " + ec.message());
    std::cout << "citysafe demo: a simulated São Paulo end to end; artefacts in " << a_.out.string()
              << "/" << std::endl;
    Status st = model();
    if (st && !stop_) st = certificates();
    if (st && !stop_) st = start_broker();
    if (st && !stop_) st = start_ingest();
    if (st && !stop_) st = start_serve();
    if (st && !stop_) st = run_nodes();
    return st;
  }

  Status model() {
    model_ = repo_file("models/default.csm");
    if (!a_.train) {
      announce("model: the shipped " + model_.string() + " (--quick)");
      return Ok{};
    }
    announce(
        "model: training 1 epoch (for show, not quality: the shipped model is trained "
        "for many) -> " +
        dir("train").string());
    auto st = run_tools({{"train", citysafe({"train", "--epochs", "1", "--out",
                                             dir("train").string(), "--export_tflite", "-q"})}},
                        kTrainTimeout);
    model_ = dir("train/model.csm");
    return st;
  }

  // Fresh TLS material (deploy/certs/make-certs.sh), hashed passwords (mosquitto_passwd -U)
  // and the production deny-by-default ACL (deploy/mosquitto/acl).
  Status certificates() {
    announce("certificates (deploy/certs/make-certs.sh), passwords and ACL (deploy/mosquitto/acl)");
    const std::string node_pw = random_hex(12), ingest_pw = random_hex(12);
    std::string users = "ingest:" + ingest_pw + "\n" + "demo-edge-1:" + node_pw + "\n";
    for (int n = 1; n <= a_.nodes; ++n) {
      char name[32];
      std::snprintf(name, sizeof name, "sim-node-%04d", n);
      users += std::string(name) + ":" + node_pw + "\n";
    }
    Status st = write_private(dir("broker/passwd"), users);
    if (st) st = write_private(dir("broker/node.pw"), node_pw + "\n");
    if (st) st = write_private(dir("broker/ingest.pw"), ingest_pw + "\n");
    if (!st) return st;
    return run_tools(
        {{"make-certs",
          {"/bin/bash", repo_file("deploy/certs/make-certs.sh").string(), dir("certs").string()}},
         {"mosquitto_passwd", {"mosquitto_passwd", "-U", dir("broker/passwd").string()}}});
  }

  Status start_broker() {
    broker_port_ = free_loopback_port();
    announce("Mosquitto (MQTT v5 over TLS, passwords, ACL) on 127.0.0.1:" +
             std::to_string(broker_port_));
    const fs::path certs = fs::absolute(dir("certs"));
    std::ostringstream conf;
    conf << "per_listener_settings false\n"
         << "listener " << broker_port_ << " 127.0.0.1\n"
         << "cafile " << (certs / "ca.pem").string() << "\n"
         << "certfile " << (certs / "server.pem").string() << "\n"
         << "keyfile " << (certs / "server.key").string() << "\n"
         << "allow_anonymous false\n"
         << "password_file " << fs::absolute(dir("broker/passwd")).string() << "\n"
         << "acl_file " << repo_file("deploy/mosquitto/acl").string() << "\n"
         << "persistence false\nlog_dest stderr\n";
    // As root Mosquitto drops to user 'mosquitto', which cannot read our 0600 key.
    if (::geteuid() == 0) conf << "user root\n";
    if (auto st = write_private(dir("broker/mosquitto.conf"), conf.str()); !st) return st;
    return start_service("mosquitto",
                         {"/usr/sbin/mosquitto", "-c", dir("broker/mosquitto.conf").string()},
                         broker_port_);
  }

  Status start_ingest() {
    const std::uint16_t metrics = free_loopback_port();
    announce("citysafe ingest -> SQLite " + dir("citysafe.db").string());
    auto st = start_service(
        "ingest",
        citysafe({"ingest", "--mqtt", broker(), "--tls-cert", dir("certs/ca.pem").string(),
                  "--username", "ingest", "--password-file", dir("broker/ingest.pw").string(),
                  "--db", db_url(), "--client-id", "demo-ingest", "--metrics",
                  "127.0.0.1:" + std::to_string(metrics)}),
        metrics);
    if (!st || stop_) return st;
    // Its subscriptions must stand before the nodes publish: a shared subscription keeps
    // nothing for a group that has not subscribed yet.
    const std::string health = "http://127.0.0.1:" + std::to_string(metrics) + "/health";
    for (auto until = Clock::now() + kStartTimeout; Clock::now() < until && !stop_;) {
      auto r = http::get(health, milliseconds(2000));
      if (r && r->status == 200 && r->body.find("\"subscribed\":true") != std::string::npos)
        return Ok{};
      std::this_thread::sleep_for(milliseconds(100));
    }
    return stop_
               ? Status(Ok{})
               : step_error("ingest did not subscribe within 30 s; see " + log("ingest").string());
  }

  Status start_serve() {
    api_port_ = a_.port != 0 ? static_cast<std::uint16_t>(a_.port) : free_loopback_port();
    announce("citysafe serve (API + dashboard) on http://127.0.0.1:" + std::to_string(api_port_));
    const fs::path tokens = dir("api-tokens");
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto token = api::create_token(tokens, api::Scope::kRead, "demo", now);
    if (!token) return token.error();
    token_ = *token;
    std::cout << "   read token (in " << tokens.string() << "): " << token_ << std::endl;
    auto argv = citysafe({"serve", "--db", db_url(), "--port", std::to_string(api_port_), "--city",
                          "sao-paulo", "--tokens", tokens.string()});
    if (const auto npm = repo_file("node_modules"); fs::is_directory(npm)) {
      argv.insert(argv.end(), {"--npm", npm.string()});
    }
    return start_service("serve", argv, api_port_);
  }

  // The nodes: --nodes virtual nodes across São Paulo through the edge node's spool + QoS 1
  // publisher (simulate-city --mqtt), and one real `citysafe edge` running the model on a
  // simulated bag-snatch recording.
  Status run_nodes() {
    announce(std::to_string(a_.nodes) + " simulated nodes across São Paulo (" +
             std::to_string(kSimDays) +
             " days of events, 3 planted hotspots) and 1 edge node "
             "running the model publish over TLS");
    // The simulated week ends now, like the edge node's live events, so that the hotspot
    // window (which ends just after the newest event) holds both.
    const auto now_s =
        std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch());
    const std::string sim_start = std::to_string(now_s.count() - kSimDays * 86400LL);
    const fs::path edge_bin = self_.parent_path() / "citysafe-edge";
    const bool lean = fs::exists(edge_bin);
    Status st =
        run_tools({{"generate", citysafe({"generate", "--out", dir("snatch.npy").string(),
                                          "--scenario", "snatch", "--devices", "1", "--duration",
                                          "60", "--seed", "42", "--quiet"})}});
    if (!st || stop_) return st;
    std::vector<std::string> edge{lean ? edge_bin.string() : self_.string(), "edge"};
    edge.insert(
        edge.end(),
        {"--model", model_.string(), "--mqtt", broker(), "--tls-cert", dir("certs/ca.pem").string(),
         "--device-id", "demo-edge-1", "--username", "demo-edge-1", "--password-file",
         dir("broker/node.pw").string(), "--spool", dir("spool/demo-edge-1").string(), "--source",
         "replay:" + dir("snatch.npy").string(), "--fast"});
    return run_tools({{"simulate-city", citysafe({"simulate-city",
                                                  "--city",
                                                  "sao-paulo",
                                                  "--devices",
                                                  std::to_string(a_.nodes),
                                                  "--days",
                                                  std::to_string(kSimDays),
                                                  "--start",
                                                  sim_start,
                                                  "--hotspots",
                                                  "3",
                                                  "--seed",
                                                  "7",
                                                  "--mqtt",
                                                  broker(),
                                                  "--tls-cert",
                                                  dir("certs/ca.pem").string(),
                                                  "--password-file",
                                                  dir("broker/node.pw").string(),
                                                  "--spool",
                                                  dir("spool/city").string(),
                                                  "--positions-out",
                                                  dir("node-positions.csv").string()})},
                      {"edge", edge}});
  }

  // Until ingest has stored every acknowledged event: the count stops growing.
  Status wait_for_events() {
    announce("waiting until the events are stored");
    std::uint64_t last = 0;
    int steady = 0;
    for (auto until = Clock::now() + kStartTimeout; Clock::now() < until && !stop_;) {
      auto s = store::open_store(db_url(), {.read_only = true, .migrate = false, .create = false});
      auto stats = s ? (*s)->stats() : Result<store::StoreStats>(s.error());
      const std::uint64_t n = stats ? stats->events : 0;
      steady = n > 0 && n == last ? steady + 1 : 0;
      last = n;
      if (steady >= 3) {
        std::cout << "   " << n << " events, " << stats->flows << " flow summaries from "
                  << stats->devices << " devices in " << dir("citysafe.db").string() << std::endl;
        return Ok{};
      }
      std::this_thread::sleep_for(milliseconds(300));
    }
    return stop_ ? Status(Ok{})
                 : step_error("no events stored within 30 s; see " + log("ingest").string());
  }

  Status artefacts() {
    announce("hotspots and flows (GeoJSON), installer checklist");
    const std::string hot = dir("hotspots.geojson").string(), flows = dir("flows.geojson").string();
    // Flows on 3 km cells: a few dozen nodes across São Paulo's 1 500 km² rarely put 5 (the
    // k-anonymity floor) into one 1 km cell.
    Status st = run_tools(
        {{"hotspots", citysafe({"hotspots", "--db", db_url(), "--city", "sao-paulo", "--window",
                                std::to_string(kSimDays) + "d", "--out", hot})},
         {"flows", citysafe({"flows", "--db", db_url(), "--city", "sao-paulo", "--window", "24h",
                             "--cell-size", "3000", "--out", flows})},
         {"checklist",
          citysafe({"checklist", "--node", repo_file("deploy/node.toml").string(), "--out",
                    dir("checklist.pdf").string(), "--markdown", dir("checklist.md").string()})}});
    if (!st || stop_) return st;
    announce("figures and the whitepaper of this run");
    std::vector<std::string> maps{"--hotspots", hot};
    if (feature_count(flows) > 0) {
      maps.insert(maps.end(), {"--flows", flows});
    } else {
      std::cout << "   (the flow map has no cells: every 3 km cell has fewer than 5 nodes, "
                   "the k-anonymity floor; more --nodes fill it)"
                << std::endl;
    }
    // The figures and the whitepaper describe the model the edge node ran.
    const std::string metrics = a_.train ? dir("train/model.metrics.json").string()
                                         : repo_file("models/default.metrics.json").string();
    const std::string train_log = a_.train
                                      ? dir("train/train_metrics.json").string()
                                      : repo_file("models/default.train_metrics.json").string();
    auto figures = citysafe({"figures", "--out", dir("figures").string(), "--formats", "pdf,png",
                             "--metrics", metrics, "--log", train_log});
    auto paper =
        citysafe({"whitepaper", "--out", dir("whitepaper.pdf").string(), "--metrics", metrics,
                  "--log", train_log, "--node", repo_file("deploy/node.toml").string()});
    figures.insert(figures.end(), maps.begin(), maps.end());
    paper.insert(paper.end(), maps.begin(), maps.end());
    return run_tools({{"figures", figures}, {"whitepaper", paper}});
  }

  void print_artefacts() const {
    std::cout << "dashboard: http://127.0.0.1:" << api_port_ << "/#token=" << token_
              << "  (read token: " << token_ << ")\n"
              << "   API: curl -H 'Authorization: Bearer " << token_
              << "' http://127.0.0.1:" << api_port_ << "/api/v1/events?limit=5\n"
              << "artefacts:\n";
    for (const char* rel : {"citysafe.db", "hotspots.geojson", "flows.geojson",
                            "node-positions.csv", "whitepaper.pdf", "checklist.pdf", "checklist.md",
                            "snatch.npy", "certs/ca.pem", "api-tokens"}) {
      std::cout << "   " << dir(rel).string() << "\n";
    }
    std::error_code ec;
    std::vector<std::string> figures;
    for (const auto& e : fs::directory_iterator(dir("figures"), ec))
      figures.push_back(e.path().string());
    std::sort(figures.begin(), figures.end());
    for (const auto& f : figures) std::cout << "   " << f << "\n";
    std::cout << "   " << dir("logs").string() << "/ (one log per child process)\n"
              << "hot spot map of the simulated São Paulo: the dashboard above (\"Hot spots and "
                 "flows\"), or open "
              << dir("hotspots.geojson").string() << " in QGIS or https://geojson.io" << std::endl;
  }

  // The city stays up until Ctrl-C / SIGTERM, --duration, or a service that ends by itself.
  void dwell() {
    print_artefacts();
    if (a_.duration > 0) {
      std::cout << "running until " << a_.duration << " s after the start; Ctrl-C stops earlier"
                << std::endl;
    } else {
      std::cout << "running; Ctrl-C stops everything" << std::endl;
    }
    while (!stop_) {  // bounded by --duration, a signal, or a service ending
      if (a_.duration > 0 && seconds_since(started_) >= a_.duration) return;
      for (auto& s : services_) {
        if (!s.running()) {
          std::cout << "   " << s.name() << " (pid " << s.pid() << ") ended by itself; see "
                    << log(s.name().substr(s.name().rfind(' ') + 1)).string() << std::endl;
          return;
        }
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  }

  void shutdown() {
    announce(stop_ ? "stop requested: stopping every child process"
                   : "stopping every child process");
    while (!services_.empty()) {
      Child& c = services_.back();
      const pid_t pid = c.pid();
      c.stop();
      std::cout << "   stopped " << c.name() << " (pid " << pid << ")" << std::endl;
      services_.pop_back();
    }
    std::cout << "nothing left running (" << seconds_since(started_) << " s)" << std::endl;
  }

  DemoArgs a_;
  std::atomic<bool>& stop_;
  fs::path self_;
  Clock::time_point started_;
  fs::path model_;
  std::vector<Child> services_;  // in start order; stopped in reverse
  std::uint16_t broker_port_ = 0, api_port_ = 0;
  std::string token_;
};

int run_demo(const DemoArgs& a) {
  std::error_code ec;
  if (fs::exists(a.out, ec) && !fs::is_directory(a.out, ec)) {
    print_error("--out: '" + a.out.string() + "' is a file; the demo needs a folder");
    return kExitUsage;
  }
  if (a.port != 0 && loopback_accepts(static_cast<std::uint16_t>(a.port))) {
    print_error("--port: 127.0.0.1:" + std::to_string(a.port) +
                " is in use; pick another or leave --port out (a free one is chosen)");
    return kExitUsage;
  }
  DemoArgs abs = a;
  abs.out = fs::absolute(a.out, ec);
  auto flags = install_signal_flags();
  return Demo(abs, flags.stop).run();
}

}  // namespace

void add_demo(CLI::App& root, Runner& run) {
  auto a = std::make_shared<DemoArgs>();
  auto* cmd = root.add_subcommand(
      "demo",
      "The whole city end to end in one command, on this machine only (loopback):\n"
      "  1. certificates (deploy/certs/make-certs.sh), passwords and the ACL (deploy/mosquitto);\n"
      "  2. Mosquitto on a free loopback port (MQTT v5 over TLS);\n"
      "  3. `citysafe ingest` into DIR/citysafe.db (SQLite);\n"
      "  4. `citysafe serve`: API + dashboard, with a read token it prints;\n"
      "  5. --nodes simulated nodes across São Paulo (simulate-city --mqtt: the edge node's\n"
      "     spool + QoS 1 publisher) and one `citysafe edge` running the model on a recording;\n"
      "  6. once events are stored: hotspots + flows GeoJSON, figures, whitepaper, checklist.\n"
      "It prints the dashboard URL (with the token) and every artefact path, then keeps the\n"
      "city up until Ctrl-C or --duration; then it stops every child in reverse order.\n"
      "A second run into the same --out keeps its certificates and adds to its SQLite file.\n"
      "Needs mosquitto, mosquitto_passwd and openssl (scripts/bootstrap installs them).\n\n"
      "Examples:\n"
      "  citysafe demo                                # until Ctrl-C, artefacts in demo-out/\n"
      "  citysafe demo --duration 60 --nodes 50 --out /tmp/city\n"
      "  citysafe demo --port 8080                    # dashboard on http://127.0.0.1:8080/\n"
      "  citysafe demo --train                        # 1-epoch model first (for show, not "
      "quality)");
  cmd->add_option("--out", a->out,
                  "Folder for every artefact, log, certificate and the SQLite "
                  "file (created; refused if it is a file)")
      ->capture_default_str();
  cmd->add_option("--duration", a->duration,
                  "Seconds after the start to stop everything, at the earliest once the "
                  "artefacts are written (0 = run until Ctrl-C)")
      ->capture_default_str()
      ->check(finite_range(0, 7 * 24 * 3600.0));
  cmd->add_option("--nodes", a->nodes,
                  "Simulated edge nodes across São Paulo (each its own MQTT user; flows need "
                  "5 per cell, k-anonymity)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--port", a->port,
                  "Dashboard/API port on 127.0.0.1 (default: a free one, printed)")
      ->check(CLI::Range(1, 65535));
  auto* quick =
      cmd->add_flag("--quick", a->quick, "Use the shipped model models/default.csm (the default)");
  cmd->add_flag("--train", a->train,
                "Train 1 epoch first and run that model (for show, not quality; ~30 s on 2 cores)")
      ->excludes(quick);
  run = [a] { return run_demo(*a); };
}

}  // namespace css::cli
