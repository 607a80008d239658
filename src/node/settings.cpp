// The edge node's settings table (edge.*) and the NodeConfig built from it (settings.hpp).
#include "css/node/settings.hpp"

#include <array>
#include <sstream>

#include "css/core/file_io.hpp"
#include "css/edge/settings.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/node/location.hpp"

namespace css::node {
namespace {

using T = SettingType;

constexpr std::array kEdgeSettings = {
    SettingSpec{.name = "edge.device_id",
                .type = T::kString,
                .default_value = "pi4-edge-001",
                .unit = "",
                .doc = "Device id: event field, topic suffix and MQTT client id and user name."},
    SettingSpec{.name = "edge.model",
                .type = T::kString,
                .default_value = "models/default.csm",
                .unit = "",
                .doc = "Model file (.csm); SIGHUP reloads it."},
    SettingSpec{.name = "edge.require_signature",
                .type = T::kBool,
                .default_value = "false",
                .unit = "",
                .doc = "Refuse a model (at start and on SIGHUP) without a valid MODEL.sig "
                       "(Ed25519, `citysafe model sign`) under edge.model_public_key."},
    SettingSpec{.name = "edge.model_public_key",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "PEM public key that model signatures are checked against."},
    SettingSpec{
        .name = "edge.mqtt",
        .type = T::kString,
        .default_value = "localhost:8883",
        .unit = "",
        .doc = "Brokers HOST[:PORT][,HOST2:PORT], tried in order (TLS, port 8883 by default)."},
    SettingSpec{.name = "edge.tls_cert",
                .type = T::kString,
                .default_value = "certs/ca.pem",
                .unit = "",
                .doc = "PEM CA certificate that signed the broker's certificate."},
    SettingSpec{.name = "edge.client_cert",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "Optional client certificate (PEM); needs edge.client_key."},
    SettingSpec{.name = "edge.client_key",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "Optional client private key (PEM); needs edge.client_cert."},
    SettingSpec{.name = "edge.username",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "MQTT user name; empty = the device id."},
    SettingSpec{.name = "edge.password_file",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "File whose first line is the MQTT password; empty = no password."},
    SettingSpec{.name = "edge.topic",
                .type = T::kString,
                .default_value = "citysafesense/events",
                .unit = "",
                .doc = "Events topic prefix; events go to <prefix>/<device id>."},
    SettingSpec{.name = "edge.spool",
                .type = T::kString,
                .default_value = "spool",
                .unit = "",
                .doc = "Spool directory: every message is journaled here before it is published."},
    SettingSpec{.name = "edge.spool_mirror",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "Optional second spool directory (another disk); empty = none."},
    SettingSpec{.name = "edge.spool_max_bytes",
                .type = T::kInt,
                .default_value = "16777216",
                .unit = "B",
                .doc = "Soft cap on pending spool bytes: past it the oldest flow summaries and "
                       "telemetry are dropped (counted; docs/spool.md, \"Bounds\").",
                .min = 1024.0,
                .max = 1099511627776.0},
    SettingSpec{.name = "edge.spool_hard_max_bytes",
                .type = T::kInt,
                .default_value = "67108864",
                .unit = "B",
                .doc = "Hard cap on pending spool bytes: past it the oldest events go too "
                       "(counted). Must be >= edge.spool_max_bytes.",
                .min = 1024.0,
                .max = 1099511627776.0},
    SettingSpec{.name = "edge.location_precision_m",
                .type = T::kDouble,
                .default_value = "100",
                .unit = "m",
                .doc = "Grid a position is snapped to (cell centre) on the node before publishing.",
                .min = kMinPrecisionM,
                .max = kMaxPrecisionM},
    SettingSpec{.name = "edge.source",
                .type = T::kString,
                .default_value = "sim",
                .unit = "",
                .doc = "Frames from: sim, replay:FILE (NPY/CSV dataset), stdin (CSV lines) or "
                       "imu:/dev/i2c-N[@ADDR[,ADDR...]] (real IMUs, fused by median)."},
    SettingSpec{.name = "edge.imu_driver",
                .type = T::kString,
                .default_value = "mpu6050",
                .unit = "",
                .doc = "IMU part on the I2C bus (edge.source = imu:...): mpu6050 or icm20948."},
    SettingSpec{.name = "edge.gnss",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "GNSS receiver (NMEA 0183) PATH[@BAUD], e.g. /dev/ttyAMA0@9600, with "
                       "edge.source = imu:...; empty = none."},
    SettingSpec{.name = "edge.sim_scenario",
                .type = T::kString,
                .default_value = "mix",
                .unit = "",
                .doc = "Scenario of the live simulator (edge.source = sim)."},
    SettingSpec{.name = "edge.sim_seed",
                .type = T::kInt,
                .default_value = "42",
                .unit = "",
                .doc = "Seed of the live simulator.",
                .min = 0.0},
    SettingSpec{.name = "edge.heartbeat_s",
                .type = T::kDouble,
                .default_value = "30",
                .unit = "s",
                .doc = "Period of the retained \"online\" status message.",
                .min = 1.0,
                .max = 86400.0},
    SettingSpec{.name = "edge.flow_period_s",
                .type = T::kDouble,
                .default_value = "60",
                .unit = "s",
                .doc = "Flow summary period of stream time.",
                .min = 10.0,
                .max = 3600.0},
    SettingSpec{
        .name = "edge.telemetry",
        .type = T::kBool,
        .default_value = "true",
        .unit = "",
        .doc = "Publish one-minute telemetry of the environment station (edge.env_sensors)."},
    SettingSpec{.name = "edge.env_sensors",
                .type = T::kString,
                .default_value = "sim",
                .unit = "",
                .doc = "Environment station: sim (simulated), or real parts KIND:PATH[@ARG] "
                       "separated by commas, e.g. sht31:/dev/i2c-1,bh1750:/dev/i2c-1@0x5C,"
                       "bme680:/dev/i2c-1@0x77,pms7003:/dev/ttyUSB0,pir:/dev/gpiochip0@17 "
                       "(@ARG: I2C address, default sht31 0x44, bh1750 0x23, bme680 0x76; GPIO "
                       "line; pir:/sys/class/gpio/gpioN/value for sysfs). docs/edge.md."},
    SettingSpec{.name = "edge.keepalive_s",
                .type = T::kInt,
                .default_value = "30",
                .unit = "s",
                .doc = "MQTT keepalive.",
                .min = 5.0,
                .max = 65535.0},
    SettingSpec{.name = "edge.drain_ms",
                .type = T::kInt,
                .default_value = "5000",
                .unit = "ms",
                .doc = "At shutdown, how long to wait for outstanding PUBACKs.",
                .min = 0.0,
                .max = 600000.0},
};

// edge.source = imu:… with edge.imu_driver and edge.gnss; edge.gnss only goes with imu:.
Status hardware_from(const Config& c, EdgeRun& r) {
  const std::string gnss = c.get_string("edge.gnss");
  if (!is_hardware_source(r.source)) {
    if (!gnss.empty())
      return make_error(ErrorCode::kInvalidArgument,
                        "--gnss goes with --source imu:PATH (the real sensors)");
    return Ok{};
  }
  if (auto st = parse_imu_source(r.source, r.hardware); !st) return st;
  r.hardware.driver = c.get_string("edge.imu_driver");
  if (auto st = check_imu_driver(r.hardware.driver); !st) return st;
  if (!gnss.empty()) return parse_gnss_spec(gnss, r.hardware);
  return Ok{};
}

}  // namespace

std::span<const SettingSpec> edge_settings() {
  return kEdgeSettings;
}

Result<EdgeRun> edge_run_from(const Config& c) {
  EdgeRun r;
  auto det = edge::detector_config_from(c);
  if (!det) return det.error();
  auto& n = r.node;
  n.pipeline.detector = *det;
  n.device = c.get_string("edge.device_id");
  n.model_path = c.get_string("edge.model");
  n.require_signature = c.get_bool("edge.require_signature");
  n.model_public_key = c.get_string("edge.model_public_key");
  if (n.require_signature && n.model_public_key.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--require-signature needs --public-key FILE (edge.model_public_key)");
  n.location_precision_m = c.get_double("edge.location_precision_m");
  n.flow_period_s = c.get_double("edge.flow_period_s");
  n.telemetry = c.get_bool("edge.telemetry");
  n.drain_ms = static_cast<std::uint32_t>(c.get_int("edge.drain_ms"));
  auto brokers = mqtt::parse_broker_list(c.get_string("edge.mqtt"));
  if (!brokers) return make_error(brokers.error().code, "--mqtt: " + brokers.error().message);
  auto& p = n.publisher;
  p.mqtt.client_id = n.device;
  p.mqtt.brokers = std::move(*brokers);
  p.mqtt.ca_file = c.get_string("edge.tls_cert");
  p.mqtt.cert_file = c.get_string("edge.client_cert");
  p.mqtt.key_file = c.get_string("edge.client_key");
  if (p.mqtt.cert_file.empty() != p.mqtt.key_file.empty())
    return make_error(ErrorCode::kInvalidArgument, "--client-cert and --client-key go together");
  p.mqtt.username = c.get_string("edge.username");
  if (p.mqtt.username.empty()) p.mqtt.username = n.device;
  auto pw = io::read_secret_line(c.get_string("edge.password_file"), "--password-file");
  if (!pw) return pw.error();
  p.mqtt.password = *pw;
  p.mqtt.keepalive_s = static_cast<std::uint16_t>(c.get_int("edge.keepalive_s"));
  p.spool_dir = c.get_string("edge.spool");
  p.spool.mirror_dir = c.get_string("edge.spool_mirror");
  p.spool.max_bytes = static_cast<std::uint64_t>(c.get_int("edge.spool_max_bytes"));
  p.spool.hard_max_bytes = static_cast<std::uint64_t>(c.get_int("edge.spool_hard_max_bytes"));
  if (p.spool.max_bytes > p.spool.hard_max_bytes)
    return make_error(ErrorCode::kInvalidArgument,
                      "edge.spool_max_bytes must not exceed edge.spool_hard_max_bytes");
  p.events_topic = c.get_string("edge.topic") + "/" + n.device;
  p.heartbeat_s = c.get_double("edge.heartbeat_s");
  r.source = c.get_string("edge.source");
  if (auto st = hardware_from(c, r); !st) return st.error();
  if (const auto env = c.get_string("edge.env_sensors"); !is_simulated_env(env)) {
    auto specs = parse_env_sensors(env);
    if (!specs) return specs.error();
    r.env_sensors = std::move(*specs);
  }
  r.sim.scenario = c.get_string("edge.sim_scenario");
  r.sim.seed = static_cast<std::uint64_t>(c.get_int("edge.sim_seed"));
  return r;
}

}  // namespace css::node
