// TrainConfig: every knob of `citysafe train`, declared once in the settings
// table train_settings() (name, type, default, unit, doc, range), which drives
// TOML parsing (configs/train.toml), --help and docs/training.md. Unknown keys
// and out-of-range values are errors naming the file, line and setting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/config.hpp"
#include "css/core/result.hpp"
#include "css/data/split.hpp"
#include "css/data/windowing.hpp"
#include "css/modelrun/window_data.hpp"
#include "css/sim/augment.hpp"
#include "css/train/model_config.hpp"

namespace css::train {

enum class Schedule { kCosine, kOneCycle };

struct TrainConfig {
  TcnConfig model;
  modelrun::SimSpec sim;
  std::filesystem::path data_path;  // empty: simulate with `sim`
  // Real recordings trained on beside data_path/sim (train.real): split by subject with
  // data::real_subject_split; train and val subjects used, test subjects never.
  std::vector<std::filesystem::path> real_paths;
  double real_share = 0.5;  // sampling weight share of real windows within a class
  data::WindowSpec windows{128, 16, data::LabelPolicy::kAnyRisky, 32};
  std::size_t eval_hop = 32;  // hop of validation/test windows
  std::size_t context = 0;    // history rows before each window (train.context)
  data::SplitKey split_key = data::SplitKey::kSubject;
  double val_frac = 0.15;
  double test_frac = 0.15;

  int epochs = 30;
  int batch_size = 128;
  int samples_per_epoch = 16384;  // windows drawn (weighted, with replacement) per epoch
  double balance_power = 0.75;    // sampling weight ∝ count(class)^-power; 0 = no balancing
  double lr = 3e-3;
  double weight_decay = 1e-3;
  Schedule schedule = Schedule::kOneCycle;
  double warmup_frac = 0.1;  // one-cycle: fraction of steps ramping up; cosine: warm-up
  int patience = 8;          // epochs without a better validation macro-F1
  std::uint64_t seed = 42;
  int threads = 2;

  sim::AugmentConfig augment{true, 0.05, 0.01, 0.05, 0.1, true};
  double augment_fraction = 0.5;  // of training recordings replaced by an augmented copy per epoch
  double drop_gnss = 0.25;        // probability per training window: GNSS outage
  double drop_spl = 0.25;         // microphone off
  double drop_gyro = 0.2;         // no gyroscope

  int calibration_windows = 512;  // training windows saved for int8 calibration
};

// The settings table ("train.*"), static storage.
std::span<const SettingSpec> train_settings();

// Reads the typed values out of a Config built on train_settings().
Result<TrainConfig> train_config_from(const Config& config);

}  // namespace css::train
