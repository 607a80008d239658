// The edge node's sensor loop (runtime.hpp).
#include "css/node/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <random>

#include "css/core/file_io.hpp"
#include "css/modelrun/loaded_model.hpp"
#include "css/node/env_sensors.hpp"
#include "css/node/flows.hpp"
#include "css/node/location.hpp"
#include "css/sensors/env_sim.hpp"
#include "css/sensors/telemetry.hpp"
#include "css/signing/ed25519.hpp"

namespace css::node {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A model file and the pipeline that views its bytes: swapped as one on SIGHUP.
struct ModelSlot {
  std::optional<modelrun::LoadedModel> loaded;
  std::unique_ptr<edge::Pipeline> pipeline;
  std::string sha;
};

// The model file, its signature checked first when the config requires one.
Result<modelrun::LoadedModel> read_model(const NodeConfig& config) {
  if (!config.require_signature) return modelrun::LoadedModel::load(config.model_path);
  auto bytes = io::read_file(config.model_path);
  if (!bytes) return bytes.error();
  if (auto st = signing::verify_model_bytes(*bytes, config.model_path, config.model_public_key);
      !st)
    return make_error(st.error().code, "--require-signature: " + st.error().message);
  std::vector<std::uint8_t> raw(bytes->size());
  std::memcpy(raw.data(), bytes->data(), raw.size());
  return modelrun::LoadedModel::from_bytes(std::move(raw), config.model_path.string());
}

Result<std::unique_ptr<ModelSlot>> load_model(const NodeConfig& config) {
  auto loaded = read_model(config);
  if (!loaded) return make_error(loaded.error().code, "--model: " + loaded.error().message);
  auto slot = std::make_unique<ModelSlot>();
  slot->loaded.emplace(std::move(*loaded));
  slot->pipeline = std::make_unique<edge::Pipeline>();
  if (auto st = slot->pipeline->init(slot->loaded->bytes(), config.pipeline); !st)
    return make_error(st.error().code, "--model: " + st.error().message);
  slot->sha = modelrun::checksum_text(slot->loaded->model());
  return slot;
}

std::array<std::uint8_t, 16> random_uuid_bytes() {
  std::random_device rd;
  std::array<std::uint8_t, 16> out{};
  for (std::size_t i = 0; i < out.size(); i += 4) {
    const std::uint32_t r = rd();
    for (std::size_t b = 0; b < 4; ++b) out[i + b] = static_cast<std::uint8_t>(r >> (8 * b));
  }
  return out;
}

std::optional<Label> movement_class(const edge::Pipeline& p) {
  if (!p.model_ready()) return std::nullopt;
  const auto probs = p.last_probs();
  if (probs.empty()) return std::nullopt;
  const auto best = std::max_element(probs.begin(), probs.end()) - probs.begin();
  return p.class_labels()[static_cast<std::size_t>(best)];
}

class Loop {
 public:
  Loop(const NodeConfig& c, Log& log, RuntimeStats& stats, Publisher& pub,
       std::unique_ptr<ModelSlot> slot)
      : c_(c),
        log_(log),
        stats_(stats),
        pub_(pub),
        slot_(std::move(slot)),
        start_unix_(unix_now()),
        flows_(c.device, start_unix_, c.flow_period_s),
        env_(sensors::EnvSimConfig{.seed = c.telemetry_seed}),
        sensors_{{{sensors::SimulatedKind::kSht31, env_},
                  {sensors::SimulatedKind::kBme680, env_},
                  {sensors::SimulatedKind::kPms7003, env_},
                  {sensors::SimulatedKind::kBh1750, env_},
                  {sensors::SimulatedKind::kPir, env_}}},
        telemetry_(c.device, c.telemetry_period_s),
        station_({&sensors_[0], &sensors_[1], &sensors_[2], &sensors_[3], &sensors_[4]},
                 telemetry_) {
    if (c.telemetry && !c.env_sensors.empty())
      real_env_ = std::make_unique<EnvPoller>(c.env_sensors, c.device, c.telemetry_period_s);
  }

  void reload() {
    auto fresh = load_model(c_);
    if (!fresh) {
      log_.warn("model reload failed, keeping " + slot_->sha + ": " + fresh.error().message);
      return;
    }
    slot_ = std::move(*fresh);
    ++stats_.model_reloads;
    log_.mqtt("Model reloaded: " + slot_->sha);
  }

  void push(const SensorFrame& frame) {
    auto& p = *slot_->pipeline;
    const auto det = p.push(frame);
    const auto n = ++stats_.samples;
    if (p.model_ready()) {
      stats_.last_inference_unix_s = unix_now();
      const std::uint32_t window = std::max<std::uint32_t>(1, p.model().window());
      if (n % window == 0) {
        ++stats_.windows;
        if (log_.verbose()) {
          char msg[96];
          std::snprintf(msg, sizeof msg, "Window processed — anomaly_prob=%.2f", p.risk());
          log_.info(msg);
        }
      }
    }
    if (det) event(*det);
    if (frame.t >= next_second_) {
      second(frame);
      next_second_ = std::floor(frame.t) + 1.0;
    }
  }

  void finish() {
    if (auto f = flows_.flush()) submit_flow(*f);
    if (real_env_) {
      for (const auto& w : real_env_->stop()) submit_telemetry(w);
    } else if (c_.telemetry) {
      if (auto w = telemetry_.flush()) submit_telemetry(*w);
    }
  }

 private:
  void event(edge::Detection d) {
    if (d.lat && d.lon) {
      const auto [lat, lon] = coarsen(*d.lat, *d.lon, c_.location_precision_m);
      d.lat = lat;
      d.lon = lon;
    }
    edge::EventContext ctx{c_.device, 0, start_unix_, slot_->sha, random_uuid_bytes()};
    Event e = edge::to_event(d, ctx);
    ++stats_.events;
    pub_.submit_event(std::move(e));
  }

  void second(const SensorFrame& f) {
    FlowAggregator::Second s;
    s.t_s = f.t;
    s.movement = movement_class(*slot_->pipeline);
    if (f.gnss_fix && std::isfinite(f.gnss_speed) && std::isfinite(f.gnss_course))
      s.speed_course =
          std::make_pair(static_cast<double>(f.gnss_speed), static_cast<double>(f.gnss_course));
    if (auto done = flows_.add_second(s)) submit_flow(*done);
    if (real_env_) {
      for (const auto& w : real_env_->take()) submit_telemetry(w);
    } else if (c_.telemetry) {
      if (auto w = station_.poll(start_unix_ + f.t)) submit_telemetry(*w);
    }
  }

  void submit_flow(const FlowSummary& f) {
    if (auto st = validate_flow(f); !st) {
      log_.warn("flow summary not published: " + st.error().message);
      return;
    }
    ++stats_.flows;
    pub_.submit(spool::Kind::kFlow, topic_for("flows", c_.device), to_json(f));
  }

  void submit_telemetry(const sensors::TelemetryWindow& w) {
    ++stats_.telemetry;
    pub_.submit(spool::Kind::kFlow, topic_for("telemetry", c_.device), sensors::to_json(w));
  }

  const NodeConfig& c_;
  Log& log_;
  RuntimeStats& stats_;
  Publisher& pub_;
  std::unique_ptr<ModelSlot> slot_;
  double start_unix_;
  double next_second_ = 0.0;
  FlowAggregator flows_;
  sensors::EnvironmentModel env_;
  std::array<sensors::SimulatedSensor, 5> sensors_;
  sensors::TelemetryAggregator telemetry_;
  sensors::EnvStation station_;
  std::unique_ptr<EnvPoller> real_env_;  // the real sensors, when configured
};

}  // namespace

Status run_node(const NodeConfig& config, Source& source, Log& log, RuntimeStats& stats,
                const std::atomic<bool>& stop, std::atomic<bool>& reload) {
  if (auto st = validate_precision(config.location_precision_m); !st) return st;
  auto slot = load_model(config);
  if (!slot) return slot.error();
  PublisherOptions po = config.publisher;
  po.device = config.device;
  auto pub = Publisher::start(std::move(po), log, stats);
  if (!pub) return pub.error();
  Loop loop(config, log, stats, **pub, std::move(*slot));
  Status result = Ok{};
  while (!stop.load()) {
    if (reload.exchange(false)) loop.reload();
    auto frame = source.next();
    if (!frame) {
      result = frame.error();
      break;
    }
    if (!*frame) break;
    loop.push(**frame);
  }
  loop.finish();
  (*pub)->stop(config.drain_ms);
  return result;
}

}  // namespace css::node
