// bench_ingest_pub: the event stream of `bench/run ingest`. Publishes --count events (QoS 1)
// as device --device on citysafesense/events/<device>, each stamped with its send time (so a
// consumer's commit time minus `timestamp` is the end-to-end lag), at --rate events/s
// (0 = as fast as the broker acknowledges, --window messages in flight). Prints one JSON line:
// {"published":N,"seconds":S,"rate":R}. Exit 2 on bad arguments, 1 on a broker failure.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <thread>

#include "css/core/event.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/mqtt/client.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mqtt, ca, user, password, device = "bench-node";
  long count = 10000, rate = 0, window = 500;
};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--mqtt")
      a.mqtt = v;
    else if (k == "--ca")
      a.ca = v;
    else if (k == "--user")
      a.user = v;
    else if (k == "--password")
      a.password = v;
    else if (k == "--device")
      a.device = v;
    else if (k == "--count")
      a.count = std::atol(v.c_str());
    else if (k == "--rate")
      a.rate = std::atol(v.c_str());
    else if (k == "--window")
      a.window = std::atol(v.c_str());
    else
      return false;
  }
  return !a.mqtt.empty() && !a.ca.empty() && a.count > 0 && a.rate >= 0 && a.window > 0;
}

css::Event make_event(const std::string& device, long n, std::mt19937_64& rng) {
  std::array<std::uint8_t, 16> bytes{};
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  css::Event e;
  e.id = css::make_uuid_v4(bytes);
  e.device = device;
  e.seq = static_cast<std::uint64_t>(n);
  e.event = css::EventKind::kSuddenDisplacement;
  e.probability = 0.93;
  e.vector = {0.12, -1.09, 3.88};
  e.lat = -23.5505;
  e.lon = -46.6333;
  e.model = "sha256:" + std::string(64, 'a');
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench_ingest_pub --mqtt HOST:PORT --ca CA --user U --password P "
                 "[--device D] [--count N] [--rate EVENTS_PER_S (0 = max)] [--window W]\n");
    return 2;
  }
  auto brokers = css::mqtt::parse_broker_list(a.mqtt);
  if (!brokers) {
    std::fprintf(stderr, "bench_ingest_pub: %s\n", brokers.error().message.c_str());
    return 2;
  }
  css::mqtt::Options o;
  o.client_id = a.device;
  o.brokers = *brokers;
  o.ca_file = a.ca;
  o.username = a.user;
  o.password = a.password;
  css::mqtt::Client client(o);
  if (auto st = client.connect(); !st) {
    std::fprintf(stderr, "bench_ingest_pub: %s\n", st.error().message.c_str());
    return 1;
  }
  const std::string topic = "citysafesense/events/" + a.device;
  std::mt19937_64 rng(std::random_device{}());
  std::deque<css::mqtt::MessageId> inflight;
  const auto t0 = Clock::now();
  for (long n = 0; n < a.count; ++n) {
    if (a.rate > 0)
      std::this_thread::sleep_until(
          t0 + std::chrono::duration<double>(static_cast<double>(n) / static_cast<double>(a.rate)));
    while (static_cast<long>(inflight.size()) >= a.window) {
      if (auto st = client.wait_for_ack(inflight.front(), 30000); !st) {
        std::fprintf(stderr, "bench_ingest_pub: %s\n", st.error().message.c_str());
        return 1;
      }
      inflight.pop_front();
    }
    css::Event e = make_event(a.device, n, rng);
    e.timestamp = unix_now();
    auto mid = client.publish(topic, css::to_json(e), css::mqtt::Qos::kAtLeastOnce);
    if (!mid) {
      std::fprintf(stderr, "bench_ingest_pub: %s\n", mid.error().message.c_str());
      return 1;
    }
    inflight.push_back(*mid);
  }
  for (auto mid : inflight) (void)client.wait_for_ack(mid, 30000);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("{\"published\":%ld,\"seconds\":%.4f,\"rate\":%.1f}\n", a.count, s,
              static_cast<double>(a.count) / s);
  return 0;
}
