// LoadedModel: a .csm file read from disk and validated by nn::Model::parse — the one model
// loader of every command that reads a model (info, bench, infer, eval).
// It owns the bytes the Model views, so it is move-only (moving keeps the
// heap buffer, hence the view, valid). Errors name the file, the engine's
// status and the failing field/op, e.g.
//   "model.csm: bad_checksum (field 'payload')".
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/nn/model.hpp"

namespace css::modelrun {

class LoadedModel {
 public:
  static Result<LoadedModel> load(const std::filesystem::path& path);
  static Result<LoadedModel> from_bytes(std::vector<std::uint8_t> bytes, const std::string& name);

  LoadedModel(LoadedModel&&) = default;
  LoadedModel& operator=(LoadedModel&&) = default;
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  const nn::Model& model() const { return model_; }
  const std::string& name() const { return name_; }
  // The file's bytes, for the libraries that take a .csm span (eval, edge::Pipeline).
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t file_bytes() const { return bytes_.size(); }

 private:
  LoadedModel() = default;
  std::vector<std::uint8_t> bytes_;
  nn::Model model_;
  std::string name_;
};

// "sha256:<64 hex>" of the payload, as events carry it.
std::string checksum_text(const nn::Model& model);

}  // namespace css::modelrun
