#include "checkpoint.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

#include "css/core/file_io.hpp"
#include "css/nn/sha256.hpp"
#include "zip_check.hpp"

namespace css::train {

namespace {

std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

css::nn::Sha256::Digest digest_of(std::span<const std::byte> bytes) {
  return css::nn::Sha256::hash(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// A bare LibTorch zip ends with its end-of-central-directory record (no comment): "PK\5\6".
bool ends_like_a_zip(std::span<const std::byte> bytes) {
  constexpr std::size_t kEocdBytes = 22;
  if (bytes.size() < kEocdBytes) return false;
  const char sig[4] = {'P', 'K', 5, 6};
  return std::memcmp(bytes.data() + bytes.size() - kEocdBytes, sig, sizeof sig) == 0;
}

torch::Tensor to_tensor(const std::array<float, features::kChannelCount>& a) {
  return torch::tensor(std::vector<float>(a.begin(), a.end()));
}
void from_tensor(const torch::Tensor& t, std::array<float, features::kChannelCount>& a) {
  const auto c = t.contiguous().to(torch::kFloat32);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = c.data_ptr<float>()[i];
}
}  // namespace

Result<std::string> archive_bytes(torch::serialize::OutputArchive& archive,
                                  const std::filesystem::path& path, const std::string& what) {
  std::ostringstream zip;
  try {
    archive.save_to(zip);
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kIo, what + " " + quoted(path) + ": cannot serialise (" +
                                          std::string(e.what_without_backtrace()) + ")");
  }
  std::string bytes = std::move(zip).str();
  const auto digest = digest_of(std::as_bytes(std::span<const char>(bytes)));
  bytes.append(kArchiveTrailerMagic, sizeof kArchiveTrailerMagic);
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return bytes;
}

Status write_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path,
                     const std::string& what) {
  auto bytes = archive_bytes(archive, path, what);
  if (!bytes) return bytes.error();
  return css::io::write_text(path, *bytes);
}

Status read_archive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                    const std::string& what) {
  auto file = css::io::read_file(path);
  if (!file) return file.error();
  std::span<const std::byte> bytes(*file);
  const std::size_t n = bytes.size();
  const bool has_trailer = n >= kArchiveTrailerBytes &&
                           std::memcmp(bytes.data() + n - kArchiveTrailerBytes,
                                       kArchiveTrailerMagic, sizeof kArchiveTrailerMagic) == 0;
  if (has_trailer) {
    const auto zip = bytes.first(n - kArchiveTrailerBytes);
    const auto digest = digest_of(zip);
    if (!std::equal(digest.begin(), digest.end(),
                    reinterpret_cast<const std::uint8_t*>(bytes.data() + n - digest.size())))
      return make_error(ErrorCode::kInvalidArgument,
                        what + " " + quoted(path) + " is corrupted (checksum mismatch)");
    bytes = zip;
  } else if (!ends_like_a_zip(bytes)) {
    return make_error(ErrorCode::kInvalidArgument,
                      what + " " + quoted(path) +
                          " is corrupted or not a citysafe file (no checksum, not a LibTorch zip)");
  } else if (const std::string problem = zip_crc_problem(bytes); !problem.empty()) {
    return make_error(
        ErrorCode::kInvalidArgument,
        what + " " + quoted(path) + " is corrupted (no checksum; zip: " + problem + ")");
  }
  try {
    archive.load_from(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kParse, what + " " + quoted(path) + ": cannot read (" +
                                             std::string(e.what_without_backtrace()) + ")");
  }
  return Ok{};
}

Status save_checkpoint(const std::filesystem::path& path, Tcn& model, const std::string& meta_json,
                       const features::Normalization& norm, const torch::Tensor& calibration) {
  torch::serialize::OutputArchive archive;
  try {
    torch::serialize::OutputArchive model_archive;
    model->save(model_archive);
    archive.write("model", model_archive);
    archive.write("architecture", c10::IValue(model->config.to_json()));
    archive.write("meta", c10::IValue(meta_json));
    archive.write("norm_mean", to_tensor(norm.mean));
    archive.write("norm_std", to_tensor(norm.std));
    archive.write("calibration", calibration.defined() ? calibration : torch::zeros({0}));
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kIo, "checkpoint " + quoted(path) + ": cannot serialise (" +
                                          std::string(e.what_without_backtrace()) + ")");
  }
  return write_archive(archive, path, "checkpoint");
}

Result<Checkpoint> load_checkpoint(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    return make_error(ErrorCode::kNotFound, "--checkpoint: no such file '" + path.string() + "'");
  torch::serialize::InputArchive archive;
  if (auto st = read_archive(archive, path, "checkpoint"); !st) return st.error();
  try {
    c10::IValue arch;
    c10::IValue meta;
    if (!archive.try_read("architecture", arch) || !archive.try_read("meta", meta) ||
        !arch.isString() || !meta.isString())
      return make_error(ErrorCode::kParse, "checkpoint '" + path.string() +
                                               "': not a citysafe checkpoint (no architecture)");
    auto cfg = TcnConfig::from_json(arch.toStringRef());
    if (!cfg)
      return make_error(cfg.error().code,
                        "checkpoint '" + path.string() + "': " + cfg.error().message);
    Checkpoint ck;
    ck.model = Tcn(*cfg);
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    ck.model->load(model_archive);
    ck.model->eval();
    ck.meta_json = meta.toStringRef();
    torch::Tensor mean, stdev;
    archive.read("norm_mean", mean);
    archive.read("norm_std", stdev);
    if (mean.numel() != static_cast<std::int64_t>(features::kChannelCount) ||
        stdev.numel() != mean.numel())
      return make_error(ErrorCode::kParse,
                        "checkpoint '" + path.string() + "': normalisation has " +
                            std::to_string(mean.numel()) + " channels, expected " +
                            std::to_string(features::kChannelCount));
    from_tensor(mean, ck.norm.mean);
    from_tensor(stdev, ck.norm.std);
    archive.read("calibration", ck.calibration);
    return ck;
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kParse, "checkpoint '" + path.string() + "': cannot read (" +
                                             std::string(e.what_without_backtrace()) + ")");
  }
}

}  // namespace css::train
