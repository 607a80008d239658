// bench_train_tool: the small data steps bench/train/run needs around the ST HAR set.
//   import DIR OUT.npy                 data::import_st_har → a dataset (X.npy + labels + json)
//   split IN.npy TRAIN.npy TEST.npy F SEED
//                                      by-recording split (never by window): fraction F of the
//                                      recordings to TEST, the rest to TRAIN
//   windows IN.npy PREFIX WINDOW HOP   training-style windows for PyTorch: PREFIX.x.npy
//                                      float32 [N, WINDOW, 10] raw features (features::extract),
//                                      PREFIX.y.npy int64 [N] labels (css::Label values)
//   centroid DIR SPLITS                nearest-centroid baseline on |acc| features, random
//                                      by-file splits; prints one JSON line
// Errors: one line on stderr, exit 2.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "css/data/dataset.hpp"
#include "css/data/import.hpp"
#include "css/data/npy.hpp"
#include "css/data/split.hpp"
#include "css/eval/centroid_baseline.hpp"
#include "css/modelrun/window_data.hpp"

namespace {

int fail(const std::string& message) {
  std::cerr << "bench_train_tool: error: " << message << '\n';
  return 2;
}

int import_cmd(const std::string& dir, const std::string& out) {
  auto recs = css::data::import_st_har(dir);
  if (!recs) return fail(recs.error().message);
  if (auto st = css::data::write_dataset(out, *recs, {0, "st-har import (bench_train_tool)"}); !st)
    return fail(st.error().message);
  std::cerr << "imported " << recs->size() << " recordings to " << out << '\n';
  return 0;
}

int split_cmd(const std::string& in, const std::string& train_out, const std::string& test_out,
              double test_frac, std::uint64_t seed) {
  auto ds = css::data::read_dataset(in);
  if (!ds) return fail(ds.error().message);
  // val_frac 0: the training CLI makes its own validation split inside TRAIN.
  const auto split = css::data::split_recordings(ds->recordings, css::data::SplitKey::kRecording,
                                                 0.0, test_frac, seed);
  std::vector<std::size_t> train_idx = split.train;
  train_idx.insert(train_idx.end(), split.val.begin(), split.val.end());
  const auto train = css::modelrun::select(ds->recordings, train_idx);
  const auto test = css::modelrun::select(ds->recordings, split.test);
  if (auto st = css::data::write_dataset(train_out, train, ds->meta); !st)
    return fail(st.error().message);
  if (auto st = css::data::write_dataset(test_out, test, ds->meta); !st)
    return fail(st.error().message);
  std::cerr << "split " << ds->recordings.size() << " recordings: " << train.size() << " train, "
            << test.size() << " test\n";
  return 0;
}

int windows_cmd(const std::string& in, const std::string& prefix, std::size_t window,
                std::size_t hop) {
  auto ds = css::data::read_dataset(in);
  if (!ds) return fail(ds.error().message);
  css::data::WindowSpec spec{window, hop, css::data::LabelPolicy::kAnyRisky, 32};
  auto set = css::modelrun::build_windows(ds->recordings, spec);
  if (!set) return fail(set.error().message);
  const std::size_t c = css::features::kChannelCount, n = set->windows.size();
  std::vector<float> x(n * window * c);
  std::vector<std::int64_t> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& w = set->windows[i];
    std::memcpy(x.data() + i * window * c, set->tracks[w.recording].values.data() + w.begin * c,
                window * c * sizeof(float));
    y[i] = static_cast<std::int64_t>(w.label);
  }
  auto xa = css::data::make_npy<float>({n, window, c}, x);
  auto ya = css::data::make_npy<std::int64_t>({n}, y);
  if (!xa || !ya) return fail("cannot build arrays");
  if (auto st = css::data::write_npy(prefix + ".x.npy", *xa); !st) return fail(st.error().message);
  if (auto st = css::data::write_npy(prefix + ".y.npy", *ya); !st) return fail(st.error().message);
  std::cerr << "wrote " << n << " windows to " << prefix << ".{x,y}.npy\n";
  return 0;
}

int centroid_cmd(const std::string& dir, int splits) {
  auto recs = css::data::import_st_har(dir);
  if (!recs) return fail(recs.error().message);
  css::eval::CentroidBaselineSpec spec;
  spec.splits = splits;
  auto r = css::eval::centroid_baseline(*recs, spec);
  if (!r) return fail(r.error().message);
  std::printf("{\"mean_accuracy\":%.6f,\"std_accuracy\":%.6f,\"splits\":%zu,\"windows\":%zu}\n",
              r->mean_accuracy, r->std_accuracy, r->accuracies.size(), r->windows);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 3 && a[0] == "import") return import_cmd(a[1], a[2]);
  if (a.size() == 6 && a[0] == "split")
    return split_cmd(a[1], a[2], a[3], std::atof(a[4].c_str()),
                     std::strtoull(a[5].c_str(), nullptr, 10));
  if (a.size() == 5 && a[0] == "windows")
    return windows_cmd(a[1], a[2], std::strtoul(a[3].c_str(), nullptr, 10),
                       std::strtoul(a[4].c_str(), nullptr, 10));
  if (a.size() == 3 && a[0] == "centroid") return centroid_cmd(a[1], std::atoi(a[2].c_str()));
  return fail(
      "usage: import DIR OUT.npy | split IN TRAIN TEST FRAC SEED | "
      "windows IN PREFIX WINDOW HOP | centroid DIR SPLITS");
}
