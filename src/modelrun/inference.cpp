#include "css/modelrun/inference.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "css/core/label.hpp"
#include "css/features/features.hpp"
#include "css/modelrun/window_runner.hpp"

namespace css::modelrun {

Result<std::vector<WindowResult>> infer_recordings(const nn::Model& m,
                                                   const std::vector<Recording>& recs,
                                                   const InferenceOptions& o) {
  if (auto s = features::check_model_inputs(m.input_channels(), m.metadata("features")); !s)
    return s.error();
  if (o.hop == 0)
    return make_error(ErrorCode::kInvalidArgument, "--hop: must be at least 1 sample");
  WindowRunner runner;
  if (auto st = runner.init(m, o.precision); !st)
    return make_error(st.error().code, "--precision: " + st.error().message);
  const std::size_t c = m.input_channels(), window = m.window(), context = m.context_length();
  std::vector<WindowResult> out;
  for (std::size_t r = 0; r < recs.size(); ++r) {
    const auto feats = features::extract(recs[r].frames);
    const std::size_t n = recs[r].frames.size();
    for (std::size_t end = window; end <= n; end += o.hop) {
      const std::size_t begin = end > context ? end - context : 0;
      WindowResult w;
      w.recording = r;
      w.end = end;
      w.t_end = recs[r].frames[end - 1].t;
      w.truth = recs[r].labels.size() == n ? static_cast<int>(recs[r].labels[end - 1]) : -1;
      auto rows = std::span<const float>(feats).subspan(begin * c, (end - begin) * c);
      w.probs.assign(m.num_classes(), 0.0F);
      if (auto st = runner.run(rows, w.probs); !st) return st.error();
      w.predicted =
          static_cast<int>(std::max_element(w.probs.begin(), w.probs.end()) - w.probs.begin());
      out.push_back(std::move(w));
    }
  }
  return out;
}

void write_csv(std::ostream& out, const nn::Model& m, const std::vector<WindowResult>& results) {
  out << "recording,end,t_end,truth,predicted";
  for (std::size_t k = 0; k < m.num_classes(); ++k) out << ',' << m.class_name(k);
  out << '\n';
  for (const auto& w : results) {
    out << w.recording << ',' << w.end << ',' << w.t_end << ','
        << (w.truth >= 0 ? to_string(static_cast<Label>(w.truth)) : "") << ','
        << m.class_name(w.predicted);
    for (float p : w.probs) out << ',' << p;
    out << '\n';
  }
}

void write_json(std::ostream& out, const nn::Model& m, const std::vector<WindowResult>& results) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& w : results) {
    nlohmann::json probs;
    for (std::size_t k = 0; k < w.probs.size(); ++k) probs[m.class_name(k)] = w.probs[k];
    arr.push_back(
        {{"recording", w.recording},
         {"end", w.end},
         {"t_end", w.t_end},
         {"truth", w.truth >= 0 ? nlohmann::json(to_string(static_cast<Label>(w.truth))) : nullptr},
         {"predicted", m.class_name(w.predicted)},
         {"probs", probs}});
  }
  out << arr.dump() << '\n';
}

}  // namespace css::modelrun
