// Runtime: the edge node's main loop (docs/edge.md). One Source feeds the Pipeline sample by
// sample; detections become Events (location coarsened first, uuid v4 from
// std::random_device, model "sha256:…"), every second feeds the flow aggregator, every
// minute the environment station's telemetry (simulated in stream time, or the real sensors of
// env_sensors polled on their own thread in wall-clock time, env_sensors.hpp); all go to the
// Publisher (spool, then MQTT) which runs on its own thread, so nothing here waits for the network.
//
// run() returns when the source ends, `stop` becomes true (SIGINT/SIGTERM), or the source
// fails (its error). `reload` true (SIGHUP) reloads the model file: the new model is fully
// validated (signature when required, parse, inputs, classes, detector) before the swap; a bad file
// is logged and the old model kept. Shutdown flushes the open flow/telemetry windows, drains the
// publisher for drain_ms and disconnects; whatever was not acknowledged stays in the spool.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/edge/pipeline.hpp"
#include "css/node/publisher.hpp"
#include "css/node/source.hpp"
#include "css/node/stats.hpp"
#include "css/sensors/environment.hpp"

namespace css::node {

struct NodeConfig {
  std::string device;
  std::filesystem::path model_path;
  // Refuse a model (at start and on SIGHUP) unless model_path + ".sig" is a valid Ed25519
  // signature of its bytes under model_public_key (css::signing); the bytes verified are the
  // bytes loaded.
  bool require_signature = false;
  std::filesystem::path model_public_key;
  edge::PipelineConfig pipeline;
  double location_precision_m = 100.0;
  double flow_period_s = 60.0;
  double telemetry_period_s = 60.0;
  bool telemetry = true;  // the environment station
  // Real environment sensors (borrowed, e.g. from an EnvRig); empty = the simulated station.
  std::vector<sensors::EnvSensor*> env_sensors;
  std::uint64_t telemetry_seed = 1;
  std::uint32_t drain_ms = 5000;  // at shutdown: how long to wait for PUBACKs
  PublisherOptions publisher;     // device/events_topic are filled in from here
};

// Unix time of stream t = 0 (the wall clock when the run starts).
Status run_node(const NodeConfig& config, Source& source, Log& log, RuntimeStats& stats,
                const std::atomic<bool>& stop, std::atomic<bool>& reload);

}  // namespace css::node
