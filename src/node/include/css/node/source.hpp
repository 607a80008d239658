// Sources of SensorFrames for the edge runtime (docs/edge.md, "Sources").
//
//   sim            the scenario generator (css::sim), streamed in chunks of 10 min of
//                  stream time; paced to the wall clock unless `fast`
//   replay:FILE    recordings read by data::read_recordings (NPY dataset, real layout, ST
//                  HAR folder), played back to back with a continuous time axis
//   stdin          CSV lines, one frame each, columns in css::kFrameColumns order:
//                  t,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,lat,lon,gnss_fix,gnss_speed,
//                  gnss_course,spl  (units: css::kFrameUnits; "nan" marks an absent sensor;
//                  a header line starting with "t," and lines starting with '#' are skipped)
//
// next() returns a frame, std::nullopt at the end of the stream, or an error naming the input
// (for stdin: the line number). Frame times are seconds since the stream began and never go
// backwards (a replay's later recordings are shifted after the earlier ones). Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/core/sensor_frame.hpp"

namespace css::node {

class Source {
 public:
  virtual ~Source() = default;
  virtual Result<std::optional<SensorFrame>> next() = 0;
  virtual std::string describe() const = 0;
};

struct SimSourceConfig {
  std::string scenario = "mix";  // a css::sim scenario name
  std::uint64_t seed = 42;
  double duration_s = 0.0;  // 0 = endless
  bool fast = false;        // false: frame t is released at wall start + t
};

Result<std::unique_ptr<Source>> make_sim_source(const SimSourceConfig& config);
// `fast` = false paces the replay to the wall clock like the live simulator.
Result<std::unique_ptr<Source>> make_replay_source(const std::string& path, bool fast);
// Borrows `in` (it must outlive the source).
std::unique_ptr<Source> make_stream_source(std::istream& in, std::string name);

// Ends `inner` at the first frame with t >= duration_s (0 = no limit).
std::unique_ptr<Source> limit_duration(std::unique_ptr<Source> inner, double duration_s);

// "sim", "replay:FILE" or "stdin".
Result<std::unique_ptr<Source>> make_source(std::string_view spec, const SimSourceConfig& sim);

// One CSV frame line (the stdin format above). Total: any bytes give a frame or an error
// naming the column; never throws.
Result<SensorFrame> parse_frame_line(std::string_view line);
// The line format of a frame (what parse_frame_line reads back exactly for finite values).
std::string format_frame_line(const SensorFrame& frame);

}  // namespace css::node
