#include "css/train/train_config.hpp"

#include <array>
#include <limits>
#include <sstream>

namespace css::train {
namespace {

using T = SettingType;
constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr SettingSpec S(std::string_view name, SettingType type, std::string_view def,
                        std::string_view unit, std::string_view doc, double lo = -kInf,
                        double hi = kInf, bool lo_exclusive = false) {
  return SettingSpec{name, type, def, unit, doc, lo, hi, lo_exclusive};
}

constexpr std::array kTrainSettings = {
    // Data
    S("train.data", T::kString, "", "",
      "Dataset (.npy with .labels.npy and .json) to train on; empty = simulate (train.sim.*)."),
    S("train.real", T::kString, "", "",
      "Real recordings trained on beside the simulation, comma-separated: real-layout NPYs "
      "(X.npy + X.index.json), ST HAR folders or our datasets. Each is split by subject with "
      "the one real-data split (docs/datasets.md): train subjects train, validation subjects "
      "validate, test subjects are never seen. Relative paths are taken from the directory "
      "citysafe runs in."),
    S("train.real_share", T::kDouble, "0.5", "",
      "Share of each normal class's sampling weight that goes to real windows when the class "
      "has both (0 = sample real and simulated windows alike).",
      0, 1),
    S("train.sim.mix_devices", T::kInt, "96", "", "Simulated devices running the 'mix' scenario.",
      0, 10000),
    S("train.sim.risky_devices", T::kInt, "24", "",
      "Extra devices per risky scenario (snatch, forced_movement).", 0, 10000),
    S("train.sim.extra_devices", T::kInt, "12", "",
      "Extra devices per look-alike scenario (running, entering_vehicle, handling, "
      "hard_negatives).",
      0, 10000),
    S("train.sim.context_devices", T::kInt, "0", "",
      "Extra devices per look-alike scenario that needs context (stairs, in_vehicle).", 0, 10000),
    S("train.sim.duration_s", T::kDouble, "240", "s", "Simulated time per device.", 0, 86400, true),
    S("train.sim.seed", T::kInt, "42", "", "Simulator seed."),
    S("train.window", T::kInt, "128", "samples", "Window length (2.56 s at 50 Hz).", 8, 4096),
    S("train.hop", T::kInt, "16", "samples", "Hop between training windows.", 1, 4096),
    S("train.eval_hop", T::kInt, "32", "samples", "Hop between validation/test windows.", 1, 4096),
    S("train.context", T::kInt, "0", "samples",
      "History fed before every window; the model pools over the window only. "
      "Receptive field - 1 = what the warm edge engine computes; 0 = bare windows.",
      0, 4096),
    S("train.label_policy", T::kString, "any_risky", "",
      "Window label: any_risky | majority | last | center (docs/datasets.md)."),
    S("train.risky_tail", T::kInt, "32", "samples",
      "any_risky: a risky sample in the last N samples labels the window.", 1, 4096),
    S("train.split_key", T::kString, "subject", "",
      "Split unit: subject | device | recording (never windows)."),
    S("train.val_frac", T::kDouble, "0.15", "", "Fraction of subjects for validation.", 0, 0.5),
    S("train.test_frac", T::kDouble, "0.15", "", "Fraction of subjects held out for test.", 0, 0.5),
    // Model
    S("train.model.width", T::kInt, "14", "channels", "Channels of every TCN block.", 1, 256),
    S("train.model.kernel", T::kInt, "3", "", "Conv kernel size.", 1, 16),
    S("train.model.dilations", T::kString, "1,1,2,4,8,16,32", "",
      "Dilation of each block, comma-separated (one block each)."),
    S("train.model.convs_per_block", T::kInt, "1", "", "Causal convs per residual block.", 1, 4),
    S("train.model.dropout", T::kDouble, "0.05", "", "Dropout after every conv (training only).", 0,
      0.9),
    // Optimisation
    S("train.epochs", T::kInt, "30", "", "Maximum epochs.", 1, 100000),
    S("train.batch_size", T::kInt, "128", "windows", "Mini-batch size.", 1, 65536),
    S("train.samples_per_epoch", T::kInt, "16384", "windows",
      "Windows drawn per epoch (class-weighted, with replacement).", 1, 10000000),
    S("train.balance_power", T::kDouble, "0.75", "",
      "Sampling weight ∝ count(class)^-p: 0 = natural frequencies, 1 = fully balanced.", 0, 2),
    S("train.lr", T::kDouble, "0.003", "", "Peak learning rate (AdamW).", 0, 1, true),
    S("train.weight_decay", T::kDouble, "0.001", "", "AdamW decoupled weight decay.", 0, 1),
    S("train.schedule", T::kString, "onecycle", "", "Learning-rate schedule: onecycle | cosine."),
    S("train.warmup_frac", T::kDouble, "0.1", "", "Fraction of all steps spent warming up.", 0,
      0.9),
    S("train.patience", T::kInt, "8", "epochs",
      "Early stopping: epochs without a better validation macro-F1.", 1, 100000),
    S("train.seed", T::kInt, "42", "", "Seed of initialisation, sampling and augmentation."),
    S("train.threads", T::kInt, "2", "", "Intra-op threads (torch::set_num_threads).", 1, 256),
    // Augmentation
    S("train.augment.enabled", T::kBool, "true", "",
      "Augment training recordings on the fly (sim::augment)."),
    S("train.augment.fraction", T::kDouble, "0.5", "",
      "Fraction of training recordings replaced by a fresh augmented copy each epoch.", 0, 1),
    S("train.augment.jitter_acc_mps2", T::kDouble, "0.05", "m/s^2", "Accelerometer white noise.", 0,
      10),
    S("train.augment.jitter_gyro_rps", T::kDouble, "0.01", "rad/s", "Gyroscope white noise.", 0,
      10),
    S("train.augment.scale_std", T::kDouble, "0.05", "", "Per-axis gain error (std).", 0, 1),
    S("train.augment.time_warp", T::kDouble, "0.1", "", "Time-warp strength.", 0, 1),
    S("train.augment.rotate", T::kBool, "true", "", "Random 3-D rotation of the device frame."),
    S("train.augment.bias_acc_mps2", T::kDouble, "0", "m/s^2",
      "Constant accelerometer offset per axis (std); MEMS zero-g offsets are ±0.2-0.8 m/s^2.", 0,
      5),
    S("train.augment.bias_gyro_rps", T::kDouble, "0", "rad/s",
      "Constant gyroscope offset per axis (std).", 0, 1),
    S("train.augment.intensity", T::kDouble, "0", "",
      "Log-std of a per-recording vigour factor on motion around gravity and on rotation.", 0, 1),
    S("train.augment.saturate", T::kDouble, "0", "",
      "Chance an augmented recording's accelerometer clips at +-2, 4 or 8 g (one drawn).", 0, 1),
    S("train.augment.drop_gnss", T::kDouble, "0.25", "",
      "Probability per training window of a GNSS outage.", 0, 1),
    S("train.augment.drop_spl", T::kDouble, "0.25", "",
      "Probability per training window of no microphone.", 0, 1),
    S("train.augment.drop_gyro", T::kDouble, "0.2", "",
      "Probability per training window of no gyroscope.", 0, 1),
    // Export
    S("train.calibration_windows", T::kInt, "512", "windows",
      "Training windows saved with the checkpoint for int8 calibration.", 1, 100000),
};

Result<std::vector<int>> parse_dilations(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      const int v = std::stoi(item, &used);
      if (item.find_first_not_of(" \t", used) != std::string::npos)
        throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      return make_error(
          ErrorCode::kInvalidArgument,
          "train.model.dilations: '" + text + "' is not a comma-separated list of integers");
    }
  }
  return out;
}

}  // namespace

std::span<const SettingSpec> train_settings() {
  return kTrainSettings;
}

Result<TrainConfig> train_config_from(const Config& c) {
  TrainConfig t;
  const auto i = [&](std::string_view n) { return static_cast<int>(c.get_int(n)); };
  t.data_path = c.get_string("train.data");
  t.real_paths.clear();
  {
    std::stringstream ss(c.get_string("train.real"));
    std::string item;
    while (std::getline(ss, item, ',')) {
      const auto b = item.find_first_not_of(" \t");
      if (b == std::string::npos) continue;
      t.real_paths.emplace_back(item.substr(b, item.find_last_not_of(" \t") + 1 - b));
    }
  }
  t.real_share = c.get_double("train.real_share");
  t.sim.mix_devices = i("train.sim.mix_devices");
  t.sim.risky_devices = i("train.sim.risky_devices");
  t.sim.extra_devices = i("train.sim.extra_devices");
  t.sim.context_devices = i("train.sim.context_devices");
  t.sim.duration_s = c.get_double("train.sim.duration_s");
  t.sim.seed = static_cast<std::uint64_t>(c.get_int("train.sim.seed"));
  t.windows.length = static_cast<std::size_t>(i("train.window"));
  t.windows.hop = static_cast<std::size_t>(i("train.hop"));
  t.context = static_cast<std::size_t>(i("train.context"));
  t.windows.risky_tail = static_cast<std::size_t>(i("train.risky_tail"));
  t.eval_hop = static_cast<std::size_t>(i("train.eval_hop"));
  const auto& policy = c.get_string("train.label_policy");
  if (policy == "any_risky")
    t.windows.policy = data::LabelPolicy::kAnyRisky;
  else if (policy == "majority")
    t.windows.policy = data::LabelPolicy::kMajority;
  else if (policy == "last")
    t.windows.policy = data::LabelPolicy::kLast;
  else if (policy == "center")
    t.windows.policy = data::LabelPolicy::kCenter;
  else
    return make_error(ErrorCode::kInvalidArgument,
                      "train.label_policy: unknown policy '" + policy +
                          "' (expected any_risky|majority|last|center)");
  const auto& key = c.get_string("train.split_key");
  if (key == "subject")
    t.split_key = data::SplitKey::kSubject;
  else if (key == "device")
    t.split_key = data::SplitKey::kDevice;
  else if (key == "recording")
    t.split_key = data::SplitKey::kRecording;
  else
    return make_error(ErrorCode::kInvalidArgument, "train.split_key: unknown key '" + key +
                                                       "' (expected subject|device|recording)");
  t.val_frac = c.get_double("train.val_frac");
  t.test_frac = c.get_double("train.test_frac");

  t.model.window = i("train.window");
  t.model.width = i("train.model.width");
  t.model.kernel = i("train.model.kernel");
  auto dil = parse_dilations(c.get_string("train.model.dilations"));
  if (!dil) return dil.error();
  t.model.dilations = *dil;
  t.model.convs_per_block = i("train.model.convs_per_block");
  t.model.dropout = c.get_double("train.model.dropout");
  if (auto st = t.model.validate(); !st) return st.error();

  t.epochs = i("train.epochs");
  t.batch_size = i("train.batch_size");
  t.samples_per_epoch = i("train.samples_per_epoch");
  t.balance_power = c.get_double("train.balance_power");
  t.lr = c.get_double("train.lr");
  t.weight_decay = c.get_double("train.weight_decay");
  const auto& sched = c.get_string("train.schedule");
  if (sched == "onecycle")
    t.schedule = Schedule::kOneCycle;
  else if (sched == "cosine")
    t.schedule = Schedule::kCosine;
  else
    return make_error(ErrorCode::kInvalidArgument, "train.schedule: unknown schedule '" + sched +
                                                       "' (expected onecycle|cosine)");
  t.warmup_frac = c.get_double("train.warmup_frac");
  t.patience = i("train.patience");
  t.seed = static_cast<std::uint64_t>(c.get_int("train.seed"));
  t.threads = i("train.threads");

  t.augment.enabled = c.get_bool("train.augment.enabled");
  t.augment_fraction = c.get_double("train.augment.fraction");
  t.augment.jitter_std_acc_mps2 = c.get_double("train.augment.jitter_acc_mps2");
  t.augment.jitter_std_gyro_rps = c.get_double("train.augment.jitter_gyro_rps");
  t.augment.scale_std = c.get_double("train.augment.scale_std");
  t.augment.time_warp_strength = c.get_double("train.augment.time_warp");
  t.augment.rotate = c.get_bool("train.augment.rotate");
  t.augment.bias_std_acc_mps2 = c.get_double("train.augment.bias_acc_mps2");
  t.augment.bias_std_gyro_rps = c.get_double("train.augment.bias_gyro_rps");
  t.augment.saturate_probability = c.get_double("train.augment.saturate");
  t.augment.intensity_log_std = c.get_double("train.augment.intensity");
  t.drop_gnss = c.get_double("train.augment.drop_gnss");
  t.drop_spl = c.get_double("train.augment.drop_spl");
  t.drop_gyro = c.get_double("train.augment.drop_gyro");
  t.calibration_windows = i("train.calibration_windows");
  return t;
}

}  // namespace css::train
