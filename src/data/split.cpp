#include "css/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace css::data {

namespace {

// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): fixed across platforms, unlike std::shuffle.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string key_of(const Recording& r, SplitKey key, std::size_t index) {
  switch (key) {
    case SplitKey::kSubject:
      return r.subject;
    case SplitKey::kDevice:
      return r.device;
    case SplitKey::kRecording:
      break;
  }
  return std::to_string(index);
}

std::size_t part_size(double frac, std::size_t keys) {
  if (!(frac > 0.0)) return 0;
  return static_cast<std::size_t>(std::lround(std::min(frac, 1.0) * static_cast<double>(keys)));
}

}  // namespace

Split split_recordings(std::span<const Recording> recordings, SplitKey key, double val_frac,
                       double test_frac, std::uint64_t seed) {
  std::map<std::string, std::vector<std::size_t>> groups;  // sorted keys: order-independent
  for (std::size_t i = 0; i < recordings.size(); ++i) {
    groups[key_of(recordings[i], key, i)].push_back(i);
  }
  std::vector<const std::vector<std::size_t>*> keys;
  for (const auto& [name, members] : groups) keys.push_back(&members);
  std::uint64_t state = seed;
  for (std::size_t i = keys.size(); i > 1; --i) {
    std::swap(keys[i - 1], keys[splitmix64(state) % i]);
  }

  const std::size_t k = keys.size();
  std::size_t n_test = part_size(test_frac, k);
  std::size_t n_val = part_size(val_frac, k);
  if (k >= 3) {
    n_test = std::clamp<std::size_t>(n_test, 1, k - 2);
    n_val = std::clamp<std::size_t>(n_val, 1, k - 1 - n_test);
  } else {
    n_test = std::min(n_test, k > 0 ? k - 1 : 0);
    n_val = std::min(n_val, k > 0 ? k - 1 - n_test : 0);
  }
  Split split;
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<std::size_t>& part =
        i < n_test ? split.test : (i < n_test + n_val ? split.val : split.train);
    part.insert(part.end(), keys[i]->begin(), keys[i]->end());
  }
  for (auto* part : {&split.train, &split.val, &split.test}) std::sort(part->begin(), part->end());
  return split;
}

}  // namespace css::data
