#include "checkpoint.hpp"

#include <system_error>

namespace css::train {

namespace {
torch::Tensor to_tensor(const std::array<float, features::kChannelCount>& a) {
  return torch::tensor(std::vector<float>(a.begin(), a.end()));
}
void from_tensor(const torch::Tensor& t, std::array<float, features::kChannelCount>& a) {
  const auto c = t.contiguous().to(torch::kFloat32);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = c.data_ptr<float>()[i];
}
}  // namespace

Status save_checkpoint(const std::filesystem::path& path, Tcn& model, const std::string& meta_json,
                       const features::Normalization& norm, const torch::Tensor& calibration) {
  try {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model_archive;
    model->save(model_archive);
    archive.write("model", model_archive);
    archive.write("architecture", c10::IValue(model->config.to_json()));
    archive.write("meta", c10::IValue(meta_json));
    archive.write("norm_mean", to_tensor(norm.mean));
    archive.write("norm_std", to_tensor(norm.std));
    archive.write("calibration", calibration.defined() ? calibration : torch::zeros({0}));
    // Write then rename: a crash mid-save never leaves a truncated "best.pt".
    auto tmp = path;
    tmp += ".tmp";
    archive.save_to(tmp.string());
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
      return make_error(ErrorCode::kIo, "checkpoint '" + path.string() + "': " + ec.message());
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kIo, "checkpoint '" + path.string() + "': cannot write (" +
                                          std::string(e.what_without_backtrace()) + ")");
  }
  return Ok{};
}

Result<Checkpoint> load_checkpoint(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    return make_error(ErrorCode::kNotFound, "--checkpoint: no such file '" + path.string() + "'");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
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
