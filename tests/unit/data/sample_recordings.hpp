// Hand-built recordings for the data tests: every field set, NaNs where a
// sensor is absent, labels given explicitly.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "css/core/recording.hpp"

namespace css::data::testing {

inline Recording make_recording(const std::string& subject, const std::string& device,
                                const std::vector<Label>& labels, bool with_gyro = true) {
  constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
  Recording r;
  r.subject = subject;
  r.device = device;
  r.placement = "pocket";
  r.scenario = "walk_snatch";
  r.rate_hz = 50.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    SensorFrame f;
    const double x = static_cast<double>(i);
    f.t = x / 50.0;
    f.acc = {static_cast<float>(std::sin(x * 0.1)), 0.1F * static_cast<float>(i % 7),
             9.81F + static_cast<float>(x) * 1e-3F};
    f.gyro = with_gyro ? std::array<float, 3>{0.01F, -0.02F * static_cast<float>(i % 3), 1e-7F}
                       : std::array<float, 3>{kNan, kNan, kNan};
    f.gnss_fix = (i / 50) % 3 != 2;
    f.lat = -23.5505 + 1e-6 * static_cast<double>(i / 50);
    f.lon = -46.6333;
    f.gnss_speed = f.gnss_fix ? 1.4F : 0.0F;
    f.gnss_course = f.gnss_fix ? 359.5F : 0.0F;
    f.spl = i % 11 == 0 ? kNan : 61.25F;
    r.frames.push_back(f);
    r.labels.push_back(labels[i]);
    if (r.segments.empty() || r.segments.back().label != labels[i]) {
      r.segments.push_back(Segment{labels[i], i, i + 1});
      if (is_risky(labels[i])) r.onsets.push_back(Onset{labels[i], i, f.t});
    }
    r.segments.back().end = i + 1;
  }
  return r;
}

// n samples of `a` followed by m samples of `b`.
inline std::vector<Label> runs(Label a, std::size_t n, Label b = Label::kStationary,
                               std::size_t m = 0) {
  std::vector<Label> out(n, a);
  out.insert(out.end(), m, b);
  return out;
}

}  // namespace css::data::testing
