// Test helper: connects as a device with a last will, prints "connected", then waits (at most
// 60 s) to be killed. Usage: mqtt_will_child BROKER CA_FILE USER PASSWORD WILL_TOPIC WILL_PAYLOAD
#include <chrono>
#include <cstdio>
#include <thread>

#include "css/mqtt/client.hpp"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s BROKER CA USER PASSWORD WILL_TOPIC WILL_PAYLOAD\n", argv[0]);
    return 2;
  }
  auto broker = css::mqtt::parse_broker_address(argv[1]);
  if (!broker) {
    std::fprintf(stderr, "%s\n", broker.error().message.c_str());
    return 2;
  }
  css::mqtt::Options o;
  o.client_id = std::string(argv[3]) + "-will-child";
  o.brokers = {*broker};
  o.ca_file = argv[2];
  o.username = argv[3];
  o.password = argv[4];
  o.will = css::mqtt::LastWill{argv[5], argv[6], css::mqtt::Qos::kAtLeastOnce, false};
  css::mqtt::Client client(o);
  if (auto ok = client.connect(); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().message.c_str());
    return 1;
  }
  std::printf("connected\n");
  std::fflush(stdout);
  for (int i = 0; i < 600; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}
