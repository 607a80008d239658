#include "css/train/exporter.hpp"

#include <nlohmann/json.hpp>

#include "checkpoint.hpp"
#include "css/data/dataset.hpp"
#include "css/modelrun/engine_eval.hpp"
#include "css/modelrun/window_data.hpp"
#include "css/nn/model_writer.hpp"
#include "tcn.hpp"
#include "tensors.hpp"

namespace css::train {
namespace {

constexpr std::size_t kC = features::kChannelCount;

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.detach().contiguous().to(torch::kFloat32);
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// PyTorch Conv1d weight [out][in][k] → the engine's [out][k][in].
std::vector<float> conv_weights(const torch::Tensor& w) {
  return to_vector(w.permute({0, 2, 1}));
}

// Weight decay can shrink an unused channel's weights to ~1e-8 while its bias stays:
// the per-channel int8 scale then makes the int32 bias overflow (the writer refuses it).
// Such a channel is a constant; zeroing its negligible weights (<= 1e-5 |bias|) keeps it
// exact to that tolerance and quantisable.
std::vector<float> drop_negligible_rows(std::vector<float> weights,
                                        const std::vector<float>& bias) {
  const std::size_t rows = bias.size();
  const std::size_t row = weights.size() / rows;
  for (std::size_t o = 0; o < rows; ++o) {
    float max_abs = 0.0f;
    for (std::size_t k = 0; k < row; ++k)
      max_abs = std::max(max_abs, std::abs(weights[o * row + k]));
    if (max_abs > 0.0f && max_abs <= 1e-5f * std::abs(bias[o]))
      std::fill_n(weights.begin() + static_cast<std::ptrdiff_t>(o * row), row, 0.0f);
  }
  return weights;
}

Result<nn::ModelWriter> build_writer(Checkpoint& ck, bool include_float) {
  auto& m = ck.model;
  const auto& cfg = m->config;
  nn::ModelWriter w;
  w.set_window(static_cast<std::uint32_t>(cfg.window));
  w.set_normalization(std::vector<float>(ck.norm.mean.begin(), ck.norm.mean.end()),
                      std::vector<float>(ck.norm.std.begin(), ck.norm.std.end()));
  auto meta = nlohmann::json::parse(ck.meta_json, nullptr, false);
  std::vector<std::string> classes(kLabelNames.begin(), kLabelNames.end());
  if (meta.is_object() && meta.contains("classes"))
    classes = meta["classes"].get<std::vector<std::string>>();
  classes.resize(static_cast<std::size_t>(cfg.classes));
  w.set_classes(classes);
  w.set_include_float(include_float);
  w.set_metadata("producer", "citysafe train/export 0.1.0");
  w.set_metadata("architecture", nlohmann::json::parse(cfg.to_json()).dump());
  if (meta.is_object()) {
    for (const char* key :
         {"features", "seed", "sim_seed", "epoch", "val_macro_f1", "data", "real"})
      if (meta.contains(key))
        w.set_metadata(key,
                       meta[key].is_string() ? meta[key].get<std::string>() : meta[key].dump());
  }
  torch::NoGradGuard no_grad;
  nn::TensorId t = nn::ModelWriter::input();
  for (auto& block : m->blocks) {
    const nn::TensorId in = t;
    nn::TensorId h = in;
    for (auto& u : block->units) {
      const auto f = fold_conv_bn(u->conv, u->bn);
      auto bias = to_vector(f.bias);
      h = w.add_conv1d(h, cfg.width, cfg.kernel,
                       static_cast<int>(u->conv->options.dilation()->at(0)), true,
                       drop_negligible_rows(conv_weights(f.weight), bias), bias);
    }
    if (block->projection)
      t = w.add_residual(h, in, true,
                         drop_negligible_rows(conv_weights(block->projection->weight),
                                              to_vector(block->projection->bias)),
                         to_vector(block->projection->bias));
    else
      t = w.add_residual(h, in, true);
  }
  const auto pooled = w.add_global_avg_pool(t);
  const auto logits =
      w.add_dense(pooled, cfg.classes, false,
                  drop_negligible_rows(to_vector(m->head->weight), to_vector(m->head->bias)),
                  to_vector(m->head->bias));
  w.add_softmax(logits);
  return w;
}

struct Windows {
  std::vector<float> x;  // [n, T, C] raw
  std::vector<int> y;
  std::size_t n = 0;
};

// Windows of a dataset (.npy) with `context` rows of history each, every `hop` samples,
// label policy any_risky. History before a recording's first frame is its mean.
Result<Windows> dataset_windows(const std::filesystem::path& path, std::size_t length,
                                std::size_t context, std::size_t hop,
                                const features::Normalization& norm, std::size_t cap) {
  auto ds = data::read_dataset(path);
  if (!ds) return ds.error();
  data::WindowSpec spec{length, hop, data::LabelPolicy::kAnyRisky, 32};
  auto set = modelrun::build_windows(ds->recordings, spec);
  if (!set) return set.error();
  if (set->windows.empty())
    return make_error(ErrorCode::kInvalidArgument, "'" + path.string() + "': no window of " +
                                                       std::to_string(length) + " samples");
  Windows out;
  const std::size_t stride = cap > 0 && set->windows.size() > cap ? set->windows.size() / cap : 1;
  for (std::size_t i = 0; i < set->windows.size() && (cap == 0 || out.n < cap); i += stride) {
    const auto& w = set->windows[i];
    const std::size_t at = out.x.size(), values = (context + length) * kC;
    out.x.resize(at + values);
    modelrun::gather_raw(set->tracks[w.recording], w.begin, context, norm,
                         std::span<float>(out.x).subspan(at, values));
    out.y.push_back(static_cast<int>(w.label));
    ++out.n;
  }
  return out;
}

// History rows the model was trained with (meta "context"; absent in older checkpoints = 0).
std::size_t checkpoint_context(const std::string& meta_json) {
  const auto meta = nlohmann::json::parse(meta_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("context") || !meta["context"].is_number_unsigned())
    return 0;
  return meta["context"].get<std::size_t>();
}

std::vector<float> torch_probs(Checkpoint& ck, const std::vector<float>& raw, std::size_t n) {
  torch::NoGradGuard no_grad;
  const std::size_t T = n > 0 ? raw.size() / (n * kC) : 0;  // window + context
  std::vector<float> norm = raw;
  features::normalize(norm, ck.norm);
  std::vector<float> out;
  constexpr std::size_t kBatch = 512;
  for (std::size_t b0 = 0; b0 < n; b0 += kBatch) {
    const std::size_t bn = std::min(kBatch, n - b0);
    const auto x =
        windows_to_tensor(std::span<const float>(norm).subspan(b0 * T * kC, bn * T * kC), bn, T);
    const auto p = to_vector(torch::softmax(ck.model->forward(x), 1));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace

Result<ExportResult> export_model(const ExportOptions& o) {
  auto ck = load_checkpoint(o.checkpoint);
  if (!ck) return ck.error();
  ck->model->eval();
  const auto& cfg = ck->model->config;
  const auto T = static_cast<std::size_t>(cfg.window);
  const std::size_t context = checkpoint_context(ck->meta_json);
  // Calibration runs the float graph through the engine, so float weights stay in
  // until the ranges are known; include_float only applies to the final bytes.
  auto writer = build_writer(*ck, true);
  if (!writer) return writer.error();

  Windows calib;
  if (!o.calibration.empty()) {
    auto w = dataset_windows(o.calibration, T, context, T / 2, ck->norm,
                             static_cast<std::size_t>(o.calibration_windows));
    if (!w) return make_error(w.error().code, "--calibration: " + w.error().message);
    calib = std::move(*w);
  } else {
    if (!ck->calibration.defined() || ck->calibration.dim() != 3 || ck->calibration.size(0) == 0)
      return make_error(ErrorCode::kInvalidArgument,
                        "checkpoint '" + o.checkpoint.string() +
                            "' holds no calibration windows: pass --calibration data.npy");
    calib.x = to_vector(ck->calibration);
    calib.n = static_cast<std::size_t>(ck->calibration.size(0));
  }
  auto cal = modelrun::calibrate_int8(*writer, calib.x, calib.n, o.calibration_percentile);
  if (!cal) return cal.error();
  std::string err;
  ExportResult r;
  const auto full = writer->finish(&err);  // with float weights: the engine's float reference
  if (full.empty()) return make_error(ErrorCode::kInvalidArgument, "model writer: " + err);
  writer->set_include_float(o.include_float);
  r.csm = o.include_float ? full : writer->finish(&err);
  if (r.csm.empty()) return make_error(ErrorCode::kInvalidArgument, "model writer: " + err);
  r.calibration_windows = calib.n;
  r.parameters = cfg.exported_parameters();
  auto sizes = modelrun::arena_sizes(r.csm);
  if (!sizes) return sizes.error();
  r.streaming_arena_bytes = sizes->streaming;
  r.window_arena_bytes = sizes->window_int8;

  nlohmann::json j = {{"format", "csm"},
                      {"bytes", r.csm.size()},
                      {"parameters", r.parameters},
                      {"receptive_field", cfg.receptive_field()},
                      {"window", cfg.window},
                      {"context", context},
                      {"streaming_arena_bytes", r.streaming_arena_bytes},
                      {"window_arena_bytes_int8", r.window_arena_bytes},
                      {"calibration_windows", r.calibration_windows},
                      {"calibration_percentile", o.calibration_percentile},
                      {"checkpoint_meta", nlohmann::json::parse(ck->meta_json, nullptr, false)}};

  Windows ev;
  auto eval_path = o.eval.empty() ? o.checkpoint.parent_path() / "eval.pt" : o.eval;
  if (eval_path.extension() == ".npy") {
    auto w = dataset_windows(eval_path, T, context, T / 4, ck->norm, 0);
    if (!w) return make_error(w.error().code, "--eval: " + w.error().message);
    ev = std::move(*w);
  } else if (std::filesystem::exists(eval_path)) {
    auto e = load_eval_windows(eval_path);
    if (!e) return e.error();
    if (e->x.size(1) < static_cast<std::int64_t>(T))
      return make_error(ErrorCode::kInvalidArgument,
                        "'" + eval_path.string() + "': windows of " + std::to_string(e->x.size(1)) +
                            " samples, model needs at least " + std::to_string(T));
    ev.x = to_vector(e->x);
    ev.n = static_cast<std::size_t>(e->x.size(0));
    const auto y = e->y.contiguous();
    for (std::int64_t i = 0; i < y.numel(); ++i)
      ev.y.push_back(static_cast<int>(y.data_ptr<std::int64_t>()[i]));
  } else if (!o.eval.empty()) {
    return make_error(ErrorCode::kNotFound, "--eval: no such file '" + eval_path.string() + "'");
  }
  if (ev.n > 0) {
    r.eval_windows = ev.n;
    const auto pt = torch_probs(*ck, ev.x, ev.n);
    modelrun::ConfusionMatrix tcm(cfg.classes);
    tcm.add_all(ev.y, modelrun::argmax_rows(pt, cfg.classes));
    r.torch_macro_f1 = tcm.macro_f1();
    auto pf = modelrun::run_model(full, nn::Precision::kFloat, ev.x, ev.n);
    if (!pf) return pf.error();
    auto pq = modelrun::run_model(r.csm, nn::Precision::kInt8, ev.x, ev.n);
    if (!pq) return pq.error();
    for (std::size_t i = 0; i < pt.size(); ++i)
      r.max_prob_diff_float =
          std::max(r.max_prob_diff_float, static_cast<double>(std::abs(pt[i] - (*pf)[i])));
    const auto af = modelrun::argmax_rows(*pf, cfg.classes);
    const auto aq = modelrun::argmax_rows(*pq, cfg.classes);
    modelrun::ConfusionMatrix fcm(cfg.classes), qcm(cfg.classes);
    fcm.add_all(ev.y, af);
    qcm.add_all(ev.y, aq);
    std::size_t agree = 0;
    for (std::size_t i = 0; i < af.size(); ++i) agree += af[i] == aq[i] ? 1 : 0;
    r.int8_agreement = static_cast<double>(agree) / static_cast<double>(af.size());
    r.float_macro_f1 = fcm.macro_f1();
    r.int8_macro_f1 = qcm.macro_f1();
    r.float_table = fcm.format(kLabelNames);
    r.int8_table = qcm.format(kLabelNames);
    j["eval_windows"] = r.eval_windows;
    j["eval_source"] = eval_path.filename().string();
    j["torch_float_macro_f1"] = r.torch_macro_f1;
    j["engine_float_macro_f1"] = r.float_macro_f1;
    j["engine_int8_macro_f1"] = r.int8_macro_f1;
    j["max_prob_diff_torch_vs_engine_float"] = r.max_prob_diff_float;
    j["int8_float_argmax_agreement"] = r.int8_agreement;
    // Sensors missing on purpose: what a node with only an IMU (or only an accelerometer) gets.
    nlohmann::json degraded = nlohmann::json::object();
    const std::pair<const char*, features::ChannelMask> masks[] = {
        {"acc_gyro_only", {true, false, false}}, {"acc_only", {false, false, false}}};
    for (const auto& [name, mask] : masks) {
      auto x = ev.x;
      features::apply_mask(x, mask);
      auto p = modelrun::run_model(r.csm, nn::Precision::kInt8, x, ev.n);
      if (!p) return p.error();
      modelrun::ConfusionMatrix m(cfg.classes);
      m.add_all(ev.y, modelrun::argmax_rows(*p, cfg.classes));
      degraded[name] = m.macro_f1();
    }
    j["engine_int8_macro_f1_without_sensors"] = degraded;
    j["engine_float"] = nlohmann::json::parse(fcm.to_json(kLabelNames));
    j["engine_int8"] = nlohmann::json::parse(qcm.to_json(kLabelNames));
  }
  r.metrics_json = j.dump(2) + "\n";
  return r;
}

}  // namespace css::train
