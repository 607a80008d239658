// Frame sources of the edge runtime: simulator, replay, CSV stream (source.hpp).
#include "css/node/source.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "css/data/import_real.hpp"
#include "css/sim/generator.hpp"

namespace css::node {
namespace {

using Clock = std::chrono::steady_clock;

// Releases frame t at start + t (wall clock); no wait when fast. The clock starts when the
// first frame is asked for, not at construction: the runtime takes its stream start (the
// events' timestamps) after loading the model and starting the publisher, and a clock started
// earlier would release the first frames in a burst and date events later than their samples.
class Pacer {
 public:
  explicit Pacer(bool fast) : fast_(fast) {}
  void wait_until(double t_s) {
    if (fast_) return;
    if (!start_) start_ = Clock::now() - to_duration(t_s);
    std::this_thread::sleep_until(*start_ + to_duration(t_s));
  }

 private:
  static Clock::duration to_duration(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }
  bool fast_;
  std::optional<Clock::time_point> start_;
};

// Plays recordings back to back; `refill` supplies the next one (nullopt: the end).
class RecordingSource : public Source {
 public:
  RecordingSource(std::string name, bool fast) : name_(std::move(name)), pacer_(fast) {}
  Result<std::optional<SensorFrame>> next() override {
    for (int guard = 0; pos_ >= frames_.size(); ++guard) {
      if (guard > 1000) return std::optional<SensorFrame>{};  // only empty recordings left
      auto more = refill();
      if (!more) return more.error();
      if (!*more) return std::optional<SensorFrame>{};
      offset_ = next_offset_;
      frames_ = std::move((*more)->frames);
      pos_ = 0;
      const double rate = (*more)->rate_hz > 0.0 ? (*more)->rate_hz : 50.0;
      next_offset_ = offset_ + (frames_.empty() ? 0.0 : frames_.back().t + 1.0 / rate);
    }
    SensorFrame f = frames_[pos_++];
    f.t += offset_;
    pacer_.wait_until(f.t);
    return std::optional<SensorFrame>{f};
  }
  std::string describe() const override { return name_; }

 protected:
  virtual Result<std::optional<Recording>> refill() = 0;

 private:
  std::string name_;
  Pacer pacer_;
  std::vector<SensorFrame> frames_;
  std::size_t pos_ = 0;
  double offset_ = 0.0, next_offset_ = 0.0;
};

constexpr double kSimChunkS = 600.0;

class SimSource final : public RecordingSource {
 public:
  SimSource(const SimSourceConfig& c, sim::Scenario scenario)
      : RecordingSource("sim:" + c.scenario, c.fast), config_(c), scenario_(scenario) {}

 protected:
  Result<std::optional<Recording>> refill() override {
    const double left = config_.duration_s > 0.0 ? config_.duration_s - made_s_ : kSimChunkS;
    if (left <= 1e-9) return std::optional<Recording>{};
    sim::GeneratorConfig g;
    g.scenario = scenario_;
    g.duration_s = std::min(left, kSimChunkS);
    g.seed = config_.seed + chunk_++;  // every chunk its own episode draw
    auto rec = sim::generate_device(g, 0);
    if (!rec) return make_error(rec.error().code, "--source sim: " + rec.error().message);
    made_s_ += g.duration_s;
    return std::optional<Recording>{std::move(*rec)};
  }

 private:
  SimSourceConfig config_;
  sim::Scenario scenario_;
  std::uint64_t chunk_ = 0;
  double made_s_ = 0.0;
};

class ReplaySource final : public RecordingSource {
 public:
  ReplaySource(std::string path, std::vector<Recording> recs, bool fast)
      : RecordingSource("replay:" + path, fast), recs_(std::move(recs)) {}

 protected:
  Result<std::optional<Recording>> refill() override {
    if (next_ >= recs_.size()) return std::optional<Recording>{};
    return std::optional<Recording>{std::move(recs_[next_++])};
  }

 private:
  std::vector<Recording> recs_;
  std::size_t next_ = 0;
};

class StreamSource final : public Source {
 public:
  StreamSource(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}
  Result<std::optional<SensorFrame>> next() override {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_no_;
      if (line.size() > 4096)
        return make_error(ErrorCode::kParse,
                          name_ + " line " + std::to_string(line_no_) + ": longer than 4096 bytes");
      if (line.empty() || line[0] == '#' || line.rfind("t,", 0) == 0) continue;
      auto f = parse_frame_line(line);
      if (!f)
        return make_error(f.error().code,
                          name_ + " line " + std::to_string(line_no_) + ": " + f.error().message);
      if (f->t < last_t_)
        return make_error(ErrorCode::kInvalidArgument,
                          name_ + " line " + std::to_string(line_no_) + ": t goes backwards");
      last_t_ = f->t;
      return std::optional<SensorFrame>{*f};
    }
    return std::optional<SensorFrame>{};
  }
  std::string describe() const override { return name_; }

 private:
  std::istream& in_;
  std::string name_;
  std::uint64_t line_no_ = 0;
  double last_t_ = 0.0;
};

class LimitedSource final : public Source {
 public:
  LimitedSource(std::unique_ptr<Source> inner, double duration_s)
      : inner_(std::move(inner)), duration_s_(duration_s) {}
  Result<std::optional<SensorFrame>> next() override {
    auto f = inner_->next();
    if (f && *f && duration_s_ > 0.0 && (*f)->t >= duration_s_) return std::optional<SensorFrame>{};
    return f;
  }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<Source> inner_;
  double duration_s_;
};

}  // namespace

std::unique_ptr<Source> limit_duration(std::unique_ptr<Source> inner, double duration_s) {
  if (duration_s <= 0.0) return inner;
  return std::make_unique<LimitedSource>(std::move(inner), duration_s);
}

Result<std::unique_ptr<Source>> make_sim_source(const SimSourceConfig& config) {
  const auto scenario = sim::scenario_from_string(config.scenario);
  if (!scenario)
    return make_error(ErrorCode::kInvalidArgument,
                      "--source sim: unknown scenario '" + config.scenario + "'");
  if (!(config.duration_s >= 0.0))
    return make_error(ErrorCode::kInvalidArgument, "--duration: must be >= 0");
  return std::unique_ptr<Source>(std::make_unique<SimSource>(config, *scenario));
}

Result<std::unique_ptr<Source>> make_replay_source(const std::string& path, bool fast) {
  auto recs = data::read_recordings(path);
  if (!recs) return make_error(recs.error().code, "--source replay: " + recs.error().message);
  return std::unique_ptr<Source>(std::make_unique<ReplaySource>(path, std::move(*recs), fast));
}

std::unique_ptr<Source> make_stream_source(std::istream& in, std::string name) {
  return std::make_unique<StreamSource>(in, std::move(name));
}

Result<std::unique_ptr<Source>> make_source(std::string_view spec, const SimSourceConfig& sim) {
  if (spec == "sim") return make_sim_source(sim);
  if (spec == "stdin") return make_stream_source(std::cin, "stdin");
  if (spec.rfind("replay:", 0) == 0 && spec.size() > 7)
    return make_replay_source(std::string(spec.substr(7)), sim.fast);
  return make_error(
      ErrorCode::kInvalidArgument,
      "--source: expected sim, replay:FILE, stdin or imu:/dev/i2c-N[@ADDR,...], got '" +
          std::string(spec) + "'");
}

}  // namespace css::node
