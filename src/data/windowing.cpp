#include "css/data/windowing.hpp"

#include <algorithm>
#include <array>

namespace css::data {

namespace {

Label majority(std::span<const Label> labels) {
  std::array<std::size_t, kLabelCount> count{};
  std::array<std::size_t, kLabelCount> last_seen{};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto l = static_cast<std::size_t>(labels[i]);
    ++count[l];
    last_seen[l] = i;
  }
  std::size_t best = static_cast<std::size_t>(labels.back());
  for (std::size_t l = 0; l < count.size(); ++l) {
    if (count[l] > count[best] ||
        (count[l] == count[best] && count[l] > 0 && last_seen[l] > last_seen[best])) {
      best = l;
    }
  }
  return static_cast<Label>(best);
}

}  // namespace

Label window_label(std::span<const Label> labels, const WindowSpec& spec) {
  switch (spec.policy) {
    case LabelPolicy::kLast:
      return labels.back();
    case LabelPolicy::kCenter:
      return labels[labels.size() / 2];
    case LabelPolicy::kAnyRisky: {
      const std::size_t tail = std::min(spec.risky_tail, labels.size());
      for (std::size_t i = labels.size(); i > labels.size() - tail; --i) {
        if (is_risky(labels[i - 1])) return labels[i - 1];
      }
      return majority(labels);
    }
    case LabelPolicy::kMajority:
      break;
  }
  return majority(labels);
}

std::vector<Window> make_windows(std::span<const Recording> recordings, const WindowSpec& spec) {
  std::vector<Window> out;
  if (spec.length == 0) return out;
  const std::size_t hop = std::max<std::size_t>(spec.hop, 1);
  for (std::size_t r = 0; r < recordings.size(); ++r) {
    const std::vector<Label>& labels = recordings[r].labels;
    if (labels.size() != recordings[r].frames.size()) continue;
    for (std::size_t begin = 0; begin + spec.length <= labels.size(); begin += hop) {
      const std::span<const Label> window(labels.data() + begin, spec.length);
      out.push_back(Window{r, begin, window_label(window, spec)});
    }
  }
  return out;
}

}  // namespace css::data
