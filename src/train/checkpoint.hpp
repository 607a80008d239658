// Checkpoint file (torch::serialize archive, private to src/train): one
// self-describing file, so export never needs the training config.
//   "model"        the TcnImpl parameters and buffers (torch::save layout)
//   "architecture" TcnConfig JSON (string)
//   "meta"         JSON string: classes, seed, epoch, validation macro-F1, window spec
//   "norm_mean", "norm_std"   float [C]
//   "calibration"  float [N, T, C] raw feature windows for int8 calibration
//
// Archive files (checkpoints and eval.pt) carry a trailer after the LibTorch zip: the 8 bytes
// kArchiveTrailerMagic and the SHA-256 of every byte before them. LibTorch does not check the
// zip's CRCs, so without it a flipped byte loads silently as a different model. Reading
// verifies the trailer first (a mismatch is kInvalidArgument "... is corrupted (checksum
// mismatch)"); a plain LibTorch zip without a trailer (written before the trailer existed) is
// still read once every member's zip CRC-32 checks out (zip_check.hpp). Writing goes through
// css::io (temp file, fsync, rename).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "css/core/result.hpp"
#include "css/features/features.hpp"
#include "tcn.hpp"

namespace css::train {

struct Checkpoint {
  Tcn model{nullptr};
  std::string meta_json;
  features::Normalization norm;
  torch::Tensor calibration;  // [N, context + window, C] raw features, may be undefined/empty
};

inline constexpr char kArchiveTrailerMagic[8] = {'C', 'S', 'S', 'S', 'H', 'A', '2', '1'};
inline constexpr std::size_t kArchiveTrailerBytes = sizeof kArchiveTrailerMagic + 32;

// Serialises `archive` in memory and appends the trailer: the bytes of the file.
// `what` and `path` name the file in errors ("checkpoint", "evaluation windows").
Result<std::string> archive_bytes(torch::serialize::OutputArchive& archive,
                                  const std::filesystem::path& path, const std::string& what);
// archive_bytes, written through css::io.
Status write_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path,
                     const std::string& what);
// Reads `path`, verifies its trailer and loads it into `archive`.
Status read_archive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                    const std::string& what);

Status save_checkpoint(const std::filesystem::path& path, Tcn& model, const std::string& meta_json,
                       const features::Normalization& norm, const torch::Tensor& calibration);
Result<Checkpoint> load_checkpoint(const std::filesystem::path& path);

}  // namespace css::train
