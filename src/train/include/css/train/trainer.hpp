// Training loop: AdamW + one-cycle/cosine LR, class-balanced sampling,
// on-the-fly augmentation and channel dropout, early stopping on validation
// macro-F1. Writes into out_dir:
//   best.pt, last.pt          checkpoints (see docs/training.md; torch::save archives)
//   model.json, summary.txt   architecture JSON and a layer/parameter summary
//   eval.pt                   held-out test windows (raw features + labels) for export
//   train_metrics.json        per-epoch history and LibTorch test metrics
// Same config, data and thread count → identical weights (tests/unit/train).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/train/train_config.hpp"

namespace css::train {

struct EpochStats {
  int epoch = 0;  // 1-based
  double train_loss = 0.0;
  double val_macro_f1 = 0.0;
  double lr = 0.0;  // at the end of the epoch
  double seconds = 0.0;
};

struct TrainReport {
  int epochs_run = 0;
  int best_epoch = 0;
  double best_val_macro_f1 = 0.0;
  double test_macro_f1 = 0.0;  // LibTorch float, best checkpoint, held-out subjects
  double test_accuracy = 0.0;
  std::string test_table;       // ConfusionMatrix::format of the test set
  std::int64_t parameters = 0;  // exported (BN folded)
  std::size_t train_windows = 0, val_windows = 0, test_windows = 0;
  double seconds = 0.0;
  std::vector<EpochStats> history;
  std::filesystem::path best_checkpoint, last_checkpoint;
};

// Progress: called with one line of text; `final` false for in-epoch updates a
// terminal may overwrite, true at the end of each epoch.
using ProgressFn = std::function<void(const std::string& line, bool final)>;

// Loads the dataset (config.data_path) or simulates one, then train_on().
Result<TrainReport> train(const TrainConfig& config, const std::filesystem::path& out_dir,
                          const ProgressFn& progress = {});

// Real recordings' train and validation subjects (data::real_subject_split per dataset;
// the test subjects are left out here, for citysafe eval --split test).
struct RealParts {
  std::vector<Recording> train, val;
};
// Reads config.real_paths (real layout, ST HAR folder or our dataset) and splits each.
Result<RealParts> load_real_parts(const std::vector<std::filesystem::path>& paths);

// Trains on the given recordings (split by config.split_key inside), plus real recordings'
// train subjects in training and validation subjects in validation when `real` is given.
Result<TrainReport> train_on(std::span<const Recording> recordings, const TrainConfig& config,
                             const std::filesystem::path& out_dir, const ProgressFn& progress = {},
                             const RealParts* real = nullptr);

// Flattened parameters and buffers of a checkpoint, in module order (tests, diffing).
Result<std::vector<float>> checkpoint_values(const std::filesystem::path& checkpoint);

// Makes repeated allocations cheap: glibc otherwise returns freed batch memory to
// the OS and page-faults it back every step (3× slower epochs, docs/training.md).
void tune_malloc_for_training();

}  // namespace css::train
