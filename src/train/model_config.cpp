#include <nlohmann/json.hpp>

#include "css/train/model_config.hpp"

#include "css/nn/format.hpp"

namespace css::train {
namespace {

Error bad(const std::string& field, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "model." + field + ": " + what);
}

}  // namespace

int TcnConfig::receptive_field() const {
  int rf = 1;
  for (int d : dilations) rf += convs_per_block * (kernel - 1) * d;
  return rf;
}

std::int64_t TcnConfig::exported_parameters() const {
  std::int64_t n = 0;
  int in = in_channels;
  for (std::size_t b = 0; b < dilations.size(); ++b) {
    for (int c = 0; c < convs_per_block; ++c) {
      const int cin = c == 0 ? in : width;
      n += static_cast<std::int64_t>(width) * kernel * cin + width;
    }
    if (in != width) n += static_cast<std::int64_t>(width) * in + width;
    in = width;
  }
  n += static_cast<std::int64_t>(classes) * in + classes;
  return n;
}

Status TcnConfig::validate() const {
  namespace f = nn::format;
  const auto in_range = [](int v, int lo, std::uint32_t hi) {
    return v >= lo && static_cast<std::uint32_t>(v) <= hi;
  };
  const auto upto = [](std::uint32_t hi) { return std::to_string(hi) + " (engine limit)"; };
  if (!in_range(in_channels, 1, f::kMaxChannels))
    return bad("in_channels", "expected 1.." + upto(f::kMaxChannels));
  if (!in_range(classes, 2, f::kMaxClasses))
    return bad("classes", "expected 2.." + upto(f::kMaxClasses));
  if (!in_range(window, 1, f::kMaxWindow))
    return bad("window", "expected 1.." + upto(f::kMaxWindow));
  if (!in_range(width, 1, f::kMaxChannels))
    return bad("width", "expected 1.." + upto(f::kMaxChannels));
  if (!in_range(kernel, 1, f::kMaxKernel))
    return bad("kernel", "expected 1.." + upto(f::kMaxKernel));
  if (dilations.empty()) return bad("dilations", "expected at least one block");
  for (int d : dilations)
    if (!in_range(d, 1, f::kMaxDilation))
      return bad("dilations", "each in 1.." + upto(f::kMaxDilation));
  if (convs_per_block < 1 || convs_per_block > 4) return bad("convs_per_block", "expected 1..4");
  if (!(dropout >= 0.0 && dropout < 1.0)) return bad("dropout", "expected [0, 1)");
  // Ops: convs + projection + add per block, then pool, dense, softmax.
  const auto ops = dilations.size() * static_cast<std::size_t>(convs_per_block + 2) + 3;
  if (ops > f::kMaxOps) return bad("dilations", "too many blocks: ops exceed " + upto(f::kMaxOps));
  return Ok{};
}

std::string TcnConfig::to_json() const {
  nlohmann::json j = {{"type", "tcn"},
                      {"in_channels", in_channels},
                      {"classes", classes},
                      {"window", window},
                      {"width", width},
                      {"kernel", kernel},
                      {"dilations", dilations},
                      {"convs_per_block", convs_per_block},
                      {"dropout", dropout},
                      {"receptive_field", receptive_field()},
                      {"exported_parameters", exported_parameters()}};
  return j.dump(2);
}

Result<TcnConfig> TcnConfig::from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorCode::kParse, "model architecture: not a JSON object");
  TcnConfig c;
  try {
    c.in_channels = j.at("in_channels").get<int>();
    c.classes = j.at("classes").get<int>();
    c.window = j.at("window").get<int>();
    c.width = j.at("width").get<int>();
    c.kernel = j.at("kernel").get<int>();
    c.dilations = j.at("dilations").get<std::vector<int>>();
    c.convs_per_block = j.at("convs_per_block").get<int>();
    c.dropout = j.at("dropout").get<double>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kParse, std::string("model architecture: ") + e.what());
  }
  if (auto st = c.validate(); !st) return st.error();
  return c;
}

}  // namespace css::train
