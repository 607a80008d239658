// The ingest.* settings table (settings.hpp).
#include "css/ingest/settings.hpp"

#include <array>

namespace css::ingest {
namespace {

using T = SettingType;

constexpr SettingSpec text(std::string_view name, std::string_view default_value,
                           std::string_view doc) {
  return SettingSpec{
      .name = name, .type = T::kString, .default_value = default_value, .unit = "", .doc = doc};
}

constexpr std::array kIngestSettings = {
    text("ingest.mqtt", "", "Broker HOST:PORT, or a comma-separated failover list."),
    text("ingest.amqp", "",
         "Instead of ingest.mqtt: RabbitMQ nodes HOST[:PORT][,HOST[:PORT]...] in failover order "
         "(port 5671 with a tls_cert, else 5672)."),
    text("ingest.amqp_queue", kDefaultAmqpQueue,
         "Quorum queue to declare, bind to amq.topic and consume; workers sharing it split the "
         "load."),
    text("ingest.amqp_user", "ingest", "AMQP user name."),
    text("ingest.amqp_password_file", "", "File whose first line is the AMQP password."),
    text("ingest.tls_cert", "",
         "PEM CA that signed the broker certificate (MQTT: required; AMQP: makes it AMQPS)."),
    text("ingest.client_cert", "", "Optional client certificate (PEM)."),
    text("ingest.client_key", "", "Optional client key (PEM)."),
    text("ingest.username", "ingest", "MQTT user name."),
    text("ingest.password_file", "", "File whose first line is the MQTT password."),
    text("ingest.group", "ingest",
         "Shared-subscription group: workers of one group split the messages (MQTT only)."),
    text("ingest.client_id", "",
         "MQTT client id naming the persistent session; keep it stable and unique per worker "
         "(empty: ingest-<group>-<hostname>; MQTT only)."),
    text("ingest.topic_root", kDefaultTopicRoot, "First topic level."),
    text("ingest.metrics", "",
         "Serve /metrics and /health on HOST:PORT (e.g. 127.0.0.1:9108; port 0 = any; empty: "
         "none)."),
    SettingSpec{.name = "ingest.max_batch",
                .type = T::kInt,
                .default_value = "1000",
                .unit = "messages",
                .doc = "Messages per store transaction, at most; also the AMQP prefetch.",
                .min = 1,
                .max = 65535},
    SettingSpec{.name = "ingest.max_delay_ms",
                .type = T::kInt,
                .default_value = "20",
                .unit = "ms",
                .doc = "From a batch's first message to its commit, at most.",
                .min = 0,
                .max = 3600000},
    SettingSpec{.name = "ingest.session_expiry_s",
                .type = T::kInt,
                .default_value = "604800",
                .unit = "s",
                .doc = "How long the broker keeps this worker's session and queues its share "
                       "while it is down (MQTT only).",
                .min = 0,
                .max = 4294967295.0},
};

}  // namespace

std::span<const SettingSpec> ingest_settings() {
  return kIngestSettings;
}

IngestSettings ingest_settings_from(const Config& c) {
  IngestSettings s;
  s.mqtt = c.get_string("ingest.mqtt");
  s.amqp = c.get_string("ingest.amqp");
  s.amqp_queue = c.get_string("ingest.amqp_queue");
  s.amqp_user = c.get_string("ingest.amqp_user");
  s.amqp_password_file = c.get_string("ingest.amqp_password_file");
  s.tls_cert = c.get_string("ingest.tls_cert");
  s.client_cert = c.get_string("ingest.client_cert");
  s.client_key = c.get_string("ingest.client_key");
  s.username = c.get_string("ingest.username");
  s.password_file = c.get_string("ingest.password_file");
  s.group = c.get_string("ingest.group");
  s.client_id = c.get_string("ingest.client_id");
  s.topic_root = c.get_string("ingest.topic_root");
  s.metrics = c.get_string("ingest.metrics");
  s.max_batch = static_cast<std::size_t>(c.get_int("ingest.max_batch"));
  s.max_delay_ms = static_cast<std::uint32_t>(c.get_int("ingest.max_delay_ms"));
  s.session_expiry_s = static_cast<std::uint32_t>(c.get_int("ingest.session_expiry_s"));
  s.mqtt_only_set = !c.is_default("ingest.group") || !c.is_default("ingest.client_id") ||
                    !c.is_default("ingest.session_expiry_s");
  return s;
}

}  // namespace css::ingest
