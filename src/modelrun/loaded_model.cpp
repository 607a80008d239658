#include "css/modelrun/loaded_model.hpp"

#include <fstream>
#include <iterator>

#include "css/modelrun/window_runner.hpp"
#include "css/nn/format.hpp"

namespace css::modelrun {

Result<LoadedModel> LoadedModel::load(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(ErrorCode::kNotFound,
                      path.string() + ": cannot read model (" + ec.message() + ")");
  if (size > nn::format::kMaxFileBytes)
    return make_error(ErrorCode::kInvalidArgument, path.string() + ": " + std::to_string(size) +
                                                       " bytes is larger than any model (limit " +
                                                       std::to_string(nn::format::kMaxFileBytes) +
                                                       ")");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) return make_error(ErrorCode::kIo, path.string() + ": read failed");
  return from_bytes(std::move(bytes), path.string());
}

Result<LoadedModel> LoadedModel::from_bytes(std::vector<std::uint8_t> bytes,
                                            const std::string& name) {
  LoadedModel m;
  m.bytes_ = std::move(bytes);
  m.name_ = name;
  if (auto st = parse_model(m.bytes_, name, m.model_); !st) return st.error();
  return m;
}

std::string checksum_text(const nn::Model& model) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "sha256:";
  for (std::uint8_t b : model.checksum()) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

}  // namespace css::modelrun
