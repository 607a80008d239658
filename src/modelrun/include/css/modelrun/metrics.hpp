// Classification metrics over window predictions: confusion matrix, per-class
// precision/recall/F1 and macro-F1. Torch-free so evaluation tools (citysafe
// eval, reports) can use it without LibTorch. Classes are indices [0, classes).
//
// Conventions: precision of a class never predicted is 0, recall of a class
// never present is 0; macro-F1 averages F1 over the classes present in the
// truth (real recordings hold a few of the classes: an absent class carries no
// information, and a window wrongly predicted as one still costs the recall,
// hence the F1, of its true class).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace css::modelrun {

struct ClassMetrics {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  std::int64_t support = 0;  // true instances of the class
};

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int classes);

  // Out-of-range indices are a caller bug: std::out_of_range.
  void add(int truth, int predicted);
  void add_all(std::span<const int> truth, std::span<const int> predicted);
  // Adds another matrix's counts (the same windows split in parts); a different class count is
  // a caller bug: std::invalid_argument.
  void add(const ConfusionMatrix& other);

  int classes() const { return classes_; }
  std::int64_t count(int truth, int predicted) const;
  std::int64_t total() const { return total_; }

  double accuracy() const;
  ClassMetrics class_metrics(int cls) const;
  double macro_f1() const;

  // Aligned text table (rows = truth, columns = predicted) with P/R/F1 per class.
  std::string format(std::span<const std::string_view> class_names) const;
  // {"accuracy":…, "macro_f1":…, "per_class":{name:{precision,recall,f1,support}},
  //  "confusion":[[…]]} as compact JSON text.
  std::string to_json(std::span<const std::string_view> class_names) const;

 private:
  int classes_;
  std::int64_t total_ = 0;
  std::vector<std::int64_t> counts_;  // row-major [truth][predicted]
};

// Index of the largest value in each row of a [rows, cols] row-major matrix;
// ties go to the lowest index.
std::vector<int> argmax_rows(std::span<const float> values, int cols);

}  // namespace css::modelrun
