#include "css/train/trainer.hpp"

#include <malloc.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "checkpoint.hpp"
#include "css/core/file_io.hpp"
#include "css/data/dataset.hpp"
#include "css/data/import_real.hpp"
#include "css/modelrun/metrics.hpp"
#include "css/modelrun/window_data.hpp"
#include "css/sim/augment.hpp"
#include "sampling.hpp"
#include "tcn.hpp"
#include "tensors.hpp"

namespace css::train {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kC = features::kChannelCount;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string format_duration(double s) {
  const auto total = static_cast<long long>(s + 0.5);
  char buf[32];
  if (total >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, (total / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
  return buf;
}

// Learning rate at step s of n: one-cycle (linear warm-up to peak, cosine down to
// peak/1000) or cosine with the same linear warm-up.
double lr_at(const TrainConfig& c, std::int64_t s, std::int64_t n) {
  const double warm = std::max(1.0, c.warmup_frac * static_cast<double>(n));
  const double x = static_cast<double>(s);
  if (x < warm) {
    const double start = c.schedule == Schedule::kOneCycle ? c.lr / 25.0 : 0.0;
    return start + (c.lr - start) * (x + 1.0) / warm;
  }
  const double p = std::min(1.0, (x - warm) / std::max(1.0, static_cast<double>(n) - warm));
  const double floor = c.schedule == Schedule::kOneCycle ? c.lr / 1000.0 : 0.0;
  return floor + 0.5 * (c.lr - floor) * (1.0 + std::cos(3.14159265358979323846 * p));
}

// Training windows of one epoch: the base tracks, with a fraction of the
// recordings replaced by a freshly augmented copy.
struct EpochData {
  std::vector<modelrun::FeatureTrack> augmented;
  std::vector<const modelrun::FeatureTrack*> tracks;
  std::vector<data::Window> windows;
};

Result<EpochData> epoch_data(std::span<const Recording> recs, const modelrun::WindowSet& base,
                             const TrainConfig& c, int epoch) {
  EpochData d;
  d.tracks.resize(base.tracks.size());
  for (std::size_t r = 0; r < base.tracks.size(); ++r) d.tracks[r] = &base.tracks[r];
  SplitMix pick(c.seed ^ (0xA5A5A5A5ULL + static_cast<std::uint64_t>(epoch)));
  std::vector<bool> replaced(recs.size(), false);
  std::vector<Recording> aug;
  std::vector<std::size_t> aug_index;
  if (c.augment.enabled && c.augment_fraction > 0.0) {
    for (std::size_t r = 0; r < recs.size(); ++r) {
      const std::uint64_t seed = pick.next();
      if (pick.uniform() >= c.augment_fraction) continue;
      Recording copy = recs[r];
      sim::augment(copy, c.augment, seed);
      aug.push_back(std::move(copy));
      aug_index.push_back(r);
      replaced[r] = true;
    }
  }
  auto aug_set = modelrun::build_windows(aug, c.windows);
  if (!aug_set) return aug_set.error();
  d.augmented = std::move(aug_set->tracks);
  for (std::size_t a = 0; a < aug_index.size(); ++a) d.tracks[aug_index[a]] = &d.augmented[a];
  for (const auto& w : base.windows)
    if (!replaced[w.recording]) d.windows.push_back(w);
  for (auto w : aug_set->windows) {
    w.recording = aug_index[w.recording];
    d.windows.push_back(w);
  }
  return d;
}

// Weight ∝ count(class)^-power, so a class's total weight is count^(1 − power). Where a class
// has real and simulated windows, `real_share` of that total goes to the real ones (0: all
// windows of a class alike), split equally between the real sets that hold the class, so a
// few hours of real walking are not drowned by the simulator's, nor a small set of pocket
// recordings by a large one of belt recordings. real_set[r] is recording r's real set
// index, or −1 for a simulated recording.
std::vector<double> sampling_weights(std::span<const data::Window> windows, double power,
                                     const std::vector<int>& real_set, double real_share) {
  const auto counts = modelrun::class_counts(windows);
  std::map<std::pair<std::size_t, int>, double> set_n;  // (class, set) → real windows
  std::vector<double> real_n(counts.size(), 0.0);
  for (const auto& w : windows) {
    const int set = real_set[w.recording];
    if (set < 0) continue;
    real_n[static_cast<std::size_t>(w.label)] += 1.0;
    set_n[{static_cast<std::size_t>(w.label), set}] += 1.0;
  }
  std::vector<double> sets_in(counts.size(), 0.0);
  for (const auto& [key, n] : set_n) sets_in[key.first] += 1.0;
  std::vector<double> total(counts.size(), 0.0), per_sim(counts.size(), 0.0);
  std::vector<bool> split(counts.size(), false);
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;
    const double n = static_cast<double>(counts[k]);
    total[k] = std::pow(n, 1.0 - power);
    split[k] = real_share > 0.0 && real_n[k] > 0.0 && n > real_n[k];
    per_sim[k] = split[k] ? total[k] * (1.0 - real_share) / (n - real_n[k]) : total[k] / n;
  }
  std::vector<double> w(windows.size());
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto k = static_cast<std::size_t>(windows[i].label);
    const int set = real_set[windows[i].recording];
    if (set < 0 || !split[k]) {
      w[i] = per_sim[k];
      continue;
    }
    w[i] = total[k] * real_share / sets_in[k] / set_n.at({k, set});
  }
  return w;
}

features::ChannelMask random_mask(const TrainConfig& c, SplitMix& rng) {
  features::ChannelMask m;
  m.gnss = rng.uniform() >= c.drop_gnss;
  m.spl = rng.uniform() >= c.drop_spl;
  m.gyro = rng.uniform() >= c.drop_gyro;
  return m;
}

std::vector<std::string> real_list(const TrainConfig& c) {
  std::vector<std::string> out;
  for (const auto& p : c.real_paths) out.push_back(p.string());
  return out;
}

std::string meta_json(const TrainConfig& c, int epoch, double val_f1) {
  nlohmann::json j = {{"classes", std::vector<std::string>(kLabelNames.begin(), kLabelNames.end())},
                      {"channels", std::vector<std::string>(features::kChannelNames.begin(),
                                                            features::kChannelNames.end())},
                      {"features", std::string(features::kFeaturesVersion)},
                      {"seed", c.seed},
                      {"sim_seed", c.sim.seed},
                      {"data", c.data_path.string()},
                      {"real", real_list(c)},
                      {"epoch", epoch},
                      {"val_macro_f1", val_f1},
                      {"window", c.windows.length},
                      {"context", c.context},
                      {"hop", c.windows.hop}};
  return j.dump();
}

std::string summary_text(Tcn& model) {
  std::ostringstream out;
  out << "CitySafeSense TCN (" << model->config.dilations.size() << " blocks, width "
      << model->config.width << ", kernel " << model->config.kernel << ", receptive field "
      << model->config.receptive_field() << " samples)\n";
  std::int64_t total = 0;
  for (const auto& p : model->named_parameters()) {
    out << "  " << p.key() << "  " << p.value().sizes() << "  " << p.value().numel() << "\n";
    total += p.value().numel();
  }
  out << "trainable parameters (with BatchNorm): " << total << "\n"
      << "exported parameters (BatchNorm folded): " << model->config.exported_parameters() << "\n";
  return out.str();
}

}  // namespace

void tune_malloc_for_training() {
  // 32 MiB is glibc's largest accepted mmap threshold (DEFAULT_MMAP_THRESHOLD_MAX on
  // 64-bit); batches stay on the heap and a huge trim threshold keeps them mapped.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

Result<RealParts> load_real_parts(const std::vector<std::filesystem::path>& paths) {
  RealParts parts;
  for (const auto& path : paths) {
    auto recs = data::read_recordings(path);
    if (!recs)
      return make_error(recs.error().code,
                        "train.real: " + path.string() + ": " + recs.error().message);
    const auto split = data::real_subject_split(*recs);
    for (std::size_t i : split.train) parts.train.push_back(std::move((*recs)[i]));
    for (std::size_t i : split.val) parts.val.push_back(std::move((*recs)[i]));
  }
  return parts;
}

Result<TrainReport> train(const TrainConfig& config, const std::filesystem::path& out_dir,
                          const ProgressFn& progress) {
  std::vector<Recording> recordings;
  if (!config.data_path.empty()) {
    auto ds = data::read_dataset(config.data_path);
    if (!ds) return ds.error();
    recordings = std::move(ds->recordings);
  } else {
    if (progress) progress("simulating recordings ...", true);
    auto sim = modelrun::simulate_recordings(config.sim);
    if (!sim) return sim.error();
    recordings = std::move(*sim);
  }
  if (config.real_paths.empty()) return train_on(recordings, config, out_dir, progress);
  if (progress) progress("reading real recordings (train.real) ...", true);
  auto real = load_real_parts(config.real_paths);
  if (!real) return real.error();
  return train_on(recordings, config, out_dir, progress, &*real);
}

namespace {

// What train_on needs before any work: a model that takes the features, a window that agrees.
Status check_inputs(std::span<const Recording> recordings, const TrainConfig& c) {
  if (auto st = c.model.validate(); !st) return st.error();
  if (c.model.in_channels != static_cast<int>(kC))
    return make_error(ErrorCode::kInvalidArgument,
                      "model input has " + std::to_string(c.model.in_channels) +
                          " channels but features::extract gives " + std::to_string(kC));
  if (static_cast<std::size_t>(c.model.window) != c.windows.length)
    return make_error(ErrorCode::kInvalidArgument, "train.window and the model window differ");
  if (recordings.empty())
    return make_error(ErrorCode::kInvalidArgument, "no recordings to train on");
  return Ok{};
}

// The recordings split by c.split_key, windowed, and the normalisation fitted on training.
struct SplitData {
  std::vector<Recording> train_recs;  // epoch_data augments these
  std::vector<int> real_set;          // per training recording: real set index, −1 = simulated
  modelrun::WindowSet train, val, test;
  features::Normalization norm;
};

std::string fraction_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string_view key_name(data::SplitKey key) {
  switch (key) {
    case data::SplitKey::kSubject:
      return "subject";
    case data::SplitKey::kDevice:
      return "device";
    case data::SplitKey::kRecording:
      return "recording";
  }
  return "?";
}

// Splits by c.split_key, then adds the real sets' train and validation subjects.
void split_into(std::span<const Recording> recordings, const TrainConfig& c, const RealParts* real,
                SplitData& d, std::vector<Recording>& val_recs, std::vector<Recording>& test_recs) {
  const auto split =
      data::split_recordings(recordings, c.split_key, c.val_frac, c.test_frac, c.seed);
  d.train_recs = modelrun::select(recordings, split.train);
  val_recs = modelrun::select(recordings, split.val);
  test_recs = modelrun::select(recordings, split.test);
  d.real_set.assign(d.train_recs.size(), -1);
  if (real == nullptr) return;
  d.train_recs.insert(d.train_recs.end(), real->train.begin(), real->train.end());
  val_recs.insert(val_recs.end(), real->val.begin(), real->val.end());
  std::map<std::string, int> sets;
  for (const auto& r : real->train)
    d.real_set.push_back(sets.emplace(r.device, static_cast<int>(sets.size())).first->second);
}

// Training, validation (the training recordings when the split leaves none) and test windows.
// No test windows is an error naming the split: test metrics of other data would mislead.
Result<SplitData> split_and_window(std::span<const Recording> recordings, const TrainConfig& c,
                                   const RealParts* real) {
  SplitData d;
  std::vector<Recording> val_recs, test_recs;
  split_into(recordings, c, real, d, val_recs, test_recs);
  auto eval_spec = c.windows;
  eval_spec.hop = c.eval_hop;
  auto train_set = modelrun::build_windows(d.train_recs, c.windows);
  if (!train_set) return train_set.error();
  if (train_set->windows.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "no training windows: recordings are shorter than the window of " +
                          std::to_string(c.windows.length) + " samples");
  auto val_set = modelrun::build_windows(val_recs.empty() ? d.train_recs : val_recs, eval_spec);
  if (!val_set) return val_set.error();
  auto test_set = modelrun::build_windows(test_recs, eval_spec);
  if (!test_set) return test_set.error();
  if (test_set->windows.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "train.test_frac = " + fraction_text(c.test_frac) + ": the split by " +
                          std::string(key_name(c.split_key)) + " leaves no test windows (" +
                          std::to_string(test_recs.size()) + " of " +
                          std::to_string(recordings.size()) +
                          " recordings held out); expected more " +
                          std::string(key_name(c.split_key)) + "s or a larger test fraction");
  d.train = std::move(*train_set);
  d.val = std::move(*val_set);
  d.test = std::move(*test_set);
  d.norm = modelrun::fit_tracks(d.train.tracks);
  return d;
}

// Steps, loss and progress across the epochs of one fit.
struct FitState {
  Clock::time_point t0;
  std::int64_t step = 0, total_steps = 0;
  SplitMix rng;
  std::vector<float> batch_x;
};

// Fills s.batch_x and returns the labels of windows order[b0, b0 + bn).
std::vector<std::int64_t> gather_batch(const EpochData& ed, std::span<const std::size_t> order,
                                       const TrainConfig& c, const features::Normalization& norm,
                                       FitState& s) {
  const std::size_t wlen = (c.context + c.windows.length) * kC;
  s.batch_x.resize(order.size() * wlen);
  std::vector<std::int64_t> y(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& w = ed.windows[order[i]];
    modelrun::gather_window(*ed.tracks[w.recording], w.begin, c.context, random_mask(c, s.rng),
                            norm, std::span<float>(s.batch_x.data() + i * wlen, wlen));
    y[i] = static_cast<std::int64_t>(w.label);
  }
  return y;
}

// One epoch of optimiser steps over class-balanced windows; the mean training loss.
Result<double> run_epoch(Tcn& model, torch::optim::AdamW& opt, const TrainConfig& c,
                         const SplitData& d, int epoch, FitState& s, const ProgressFn& progress) {
  auto ed = epoch_data(d.train_recs, d.train, c, epoch);
  if (!ed) return ed.error();
  const auto weights = sampling_weights(ed->windows, c.balance_power, d.real_set, c.real_share);
  const auto order = weighted_sample(weights, static_cast<std::size_t>(c.samples_per_epoch), s.rng);
  model->train();
  double loss_sum = 0.0;
  std::int64_t loss_n = 0;
  const auto batch = static_cast<std::size_t>(c.batch_size);
  for (std::size_t b0 = 0; b0 < order.size(); b0 += batch) {
    const std::size_t bn = std::min(order.size() - b0, batch);
    auto batch_y = gather_batch(*ed, std::span(order).subspan(b0, bn), c, d.norm, s);
    for (auto& g : opt.param_groups())
      static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr_at(c, s.step, s.total_steps));
    const auto x = windows_to_tensor(s.batch_x, bn, c.context + c.windows.length);
    const auto y = torch::from_blob(batch_y.data(), {static_cast<std::int64_t>(bn)}, torch::kInt64);
    opt.zero_grad();
    auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    opt.step();
    loss_sum += loss.item<double>() * static_cast<double>(bn);
    loss_n += static_cast<std::int64_t>(bn);
    ++s.step;
    if (progress && (s.step % 8 == 0)) {
      const double done = static_cast<double>(s.step) / static_cast<double>(s.total_steps);
      const double eta = seconds_since(s.t0) * (1.0 - done) / std::max(done, 1e-9);
      char line[160];
      std::snprintf(line, sizeof line, "epoch %d/%d  step %lld/%lld  loss %.4f  ETA %s", epoch,
                    c.epochs, static_cast<long long>(s.step), static_cast<long long>(s.total_steps),
                    loss_sum / static_cast<double>(loss_n), format_duration(eta).c_str());
      progress(line, false);
    }
  }
  return loss_sum / static_cast<double>(std::max<std::int64_t>(loss_n, 1));
}

// Saves last.pt, and best.pt when validation macro-F1 improved; true when it did.
Result<bool> save_epoch(Tcn& model, const TrainConfig& c, const SplitData& d,
                        const torch::Tensor& calibration, const EpochStats& es, TrainReport& rep) {
  const auto meta = meta_json(c, es.epoch, es.val_macro_f1);
  if (auto st = save_checkpoint(rep.last_checkpoint, model, meta, d.norm, calibration); !st)
    return st.error();
  if (rep.best_epoch != 0 && !(es.val_macro_f1 > rep.best_val_macro_f1)) return false;
  rep.best_epoch = es.epoch;
  rep.best_val_macro_f1 = es.val_macro_f1;
  if (auto st = save_checkpoint(rep.best_checkpoint, model, meta, d.norm, calibration); !st)
    return st.error();
  return true;
}

void report_epoch(const TrainConfig& c, const EpochStats& es, const TrainReport& rep,
                  const ProgressFn& progress) {
  if (!progress) return;
  const double eta = es.seconds * (c.epochs - es.epoch);
  char line[200];
  std::snprintf(line, sizeof line,
                "epoch %d/%d  loss %.4f  val macro-F1 %.4f  best %.4f (epoch %d)  %.1f s  ETA %s",
                es.epoch, c.epochs, es.train_loss, es.val_macro_f1, rep.best_val_macro_f1,
                rep.best_epoch, es.seconds, format_duration(eta).c_str());
  progress(line, true);
}

// The epochs: AdamW with the LR schedule, a checkpoint per epoch, early stopping on
// validation macro-F1 (c.patience).
Status fit(Tcn& model, const TrainConfig& c, const SplitData& d, TrainReport& rep,
           Clock::time_point t0, const ProgressFn& progress) {
  torch::optim::AdamW opt(model->parameters(),
                          torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  const std::int64_t steps_per_epoch = (c.samples_per_epoch + c.batch_size - 1) / c.batch_size;
  FitState s{t0, 0, steps_per_epoch * c.epochs, SplitMix(c.seed), {}};
  const auto calibration =
      calibration_windows(d.train, d.norm, c.context, c.calibration_windows, c.seed);
  int since_best = 0;
  for (int epoch = 1; epoch <= c.epochs; ++epoch) {
    const auto te = Clock::now();
    auto loss = run_epoch(model, opt, c, d, epoch, s, progress);
    if (!loss) return loss.error();
    EpochStats es{epoch, *loss, evaluate_torch(model, d.val, d.norm, c.context).macro_f1(),
                  lr_at(c, s.step - 1, s.total_steps), seconds_since(te)};
    rep.history.push_back(es);
    rep.epochs_run = epoch;
    auto better = save_epoch(model, c, d, calibration, es, rep);
    if (!better) return better.error();
    since_best = *better ? 0 : since_best + 1;
    report_epoch(c, es, rep, progress);
    if (since_best >= c.patience) {
      if (progress)
        progress("early stop: no better validation macro-F1 for " + std::to_string(c.patience) +
                     " epochs",
                 true);
      break;
    }
  }
  return Ok{};
}

}  // namespace

Result<TrainReport> train_on(std::span<const Recording> recordings, const TrainConfig& c,
                             const std::filesystem::path& out_dir, const ProgressFn& progress,
                             const RealParts* real) {
  const auto t0 = Clock::now();
  if (auto st = check_inputs(recordings, c); !st) return st.error();
  tune_malloc_for_training();
  torch::set_num_threads(c.threads);
  torch::manual_seed(c.seed);
  auto data = split_and_window(recordings, c, real);
  if (!data) return data.error();
  const auto& norm = data->norm;
  const modelrun::WindowSet* test_set = &data->test;

  Tcn model(c.model);
  std::filesystem::create_directories(out_dir);
  TrainReport rep;
  rep.parameters = c.model.exported_parameters();
  rep.train_windows = data->train.windows.size();
  rep.val_windows = data->val.windows.size();
  rep.test_windows = test_set->windows.size();
  rep.best_checkpoint = out_dir / "best.pt";
  rep.last_checkpoint = out_dir / "last.pt";
  if (auto st = fit(model, c, *data, rep, t0, progress); !st) return st.error();

  auto best = load_checkpoint(rep.best_checkpoint);
  if (!best) return best.error();
  const auto cm = evaluate_torch(best->model, *test_set, norm, c.context);
  rep.test_macro_f1 = cm.macro_f1();
  rep.test_accuracy = cm.accuracy();
  rep.test_table = cm.format(kLabelNames);
  rep.seconds = seconds_since(t0);

  // The four result files appear together or not at all (best.pt and last.pt were written
  // during training, each atomically).
  css::io::OutputSet results;
  auto eval_file = eval_windows_bytes(out_dir / "eval.pt", *test_set, norm, c.context);
  if (!eval_file) return eval_file.error();
  if (auto st = results.stage_text(out_dir / "eval.pt", *eval_file); !st) return st.error();
  if (auto st = results.stage_text(out_dir / "model.json", c.model.to_json() + "\n"); !st)
    return st.error();
  if (auto st = results.stage_text(out_dir / "summary.txt", summary_text(model)); !st)
    return st.error();
  nlohmann::json hist = nlohmann::json::array();
  for (const auto& e : rep.history)
    hist.push_back({{"epoch", e.epoch},
                    {"loss", e.train_loss},
                    {"val_macro_f1", e.val_macro_f1},
                    {"lr", e.lr},
                    {"seconds", e.seconds}});
  nlohmann::json m = {{"best_epoch", rep.best_epoch},
                      {"best_val_macro_f1", rep.best_val_macro_f1},
                      {"test_torch_float", nlohmann::json::parse(cm.to_json(kLabelNames))},
                      {"train_windows", rep.train_windows},
                      {"val_windows", rep.val_windows},
                      {"test_windows", rep.test_windows},
                      {"seconds", rep.seconds},
                      {"threads", c.threads},
                      {"history", hist}};
  if (auto st = results.stage_text(out_dir / "train_metrics.json", m.dump(2) + "\n"); !st)
    return st.error();
  if (auto st = results.commit(); !st) return st.error();
  return rep;
}

Result<std::vector<float>> checkpoint_values(const std::filesystem::path& checkpoint) {
  auto ck = load_checkpoint(checkpoint);
  if (!ck) return ck.error();
  std::vector<float> out;
  for (const auto& t : ck->model->parameters()) {
    const auto c = t.detach().contiguous().to(torch::kFloat32);
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  for (const auto& t : ck->model->buffers()) {
    const auto c = t.detach().contiguous().to(torch::kFloat32);
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

}  // namespace css::train
