// The settings table of `citysafe ingest` (ingest.*), declared once here: listed by `citysafe
// config`, documented in docs/configuration.md (generated), read from a TOML [ingest] section
// (--config), --set ingest.NAME=VALUE and ingest's own flags, which stand for these settings.
// IngestSettings holds what the table fills; its defaults are WorkerOptions' and AmqpOptions'
// (a test keeps them equal). The checks a table cannot express (one source, --mqtt needs a
// CA, MQTT-only settings with --amqp) stay with the command. Static storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "css/core/config.hpp"
#include "css/ingest/amqp_worker.hpp"
#include "css/ingest/validate.hpp"

namespace css::ingest {

std::span<const SettingSpec> ingest_settings();

struct IngestSettings {
  std::string mqtt;  // ingest.mqtt: HOST:PORT[,HOST:PORT...]; empty: none
  std::string amqp;  // ingest.amqp: RabbitMQ nodes instead of MQTT; empty: none
  std::string amqp_queue = std::string(kDefaultAmqpQueue);
  std::string amqp_user = "ingest";
  std::string amqp_password_file;
  std::string tls_cert, client_cert, client_key;
  std::string username = "ingest";
  std::string password_file;
  std::string group = "ingest";
  std::string client_id;  // empty: ingest-<group>-<hostname>
  std::string topic_root = std::string(kDefaultTopicRoot);
  std::string metrics;  // HOST:PORT of /metrics and /health; empty: none
  std::size_t max_batch = 1000;
  std::uint32_t max_delay_ms = 20;
  std::uint32_t session_expiry_s = 7 * 24 * 3600;
  bool mqtt_only_set = false;  // group, client_id or session_expiry_s set (file, --set, flag)
};

// From a Config over ingest_settings() (ranges already checked by the table).
IngestSettings ingest_settings_from(const Config& config);

}  // namespace css::ingest
