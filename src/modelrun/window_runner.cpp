#include "css/modelrun/window_runner.hpp"

namespace css::modelrun {

Status WindowRunner::init(const nn::Model& model, nn::Precision precision, std::size_t max_steps) {
  model_ = &model;
  if (precision == nn::Precision::kFloat && !model.has_float_weights())
    return make_error(ErrorCode::kInvalidArgument,
                      "model: no float weights (int8-only file); use int8 precision");
  if (max_steps == 0) max_steps = model.context_length();
  if (max_steps < model.window())
    return make_error(ErrorCode::kInvalidArgument,
                      "windows of " + std::to_string(max_steps) + " rows are shorter than the " +
                          "model's window of " + std::to_string(model.window()));
  config_ = {};
  config_.precision = precision;
  config_.max_steps = static_cast<std::uint32_t>(max_steps);
  arena_.assign((nn::Interpreter::required_arena_bytes(model, config_) + 3) / 4, 0U);
  const std::span<std::uint8_t> bytes(reinterpret_cast<std::uint8_t*>(arena_.data()),
                                      arena_.size() * 4);
  if (auto st = interp_.init(model, bytes, config_); st != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("model: cannot run ") +
                          (precision == nn::Precision::kFloat ? "float" : "int8") + " windows (" +
                          nn::status_name(st) + ")");
  return Ok{};
}

Status WindowRunner::run(std::span<const float> rows, std::span<float> probs) {
  if (model_ == nullptr)
    return make_error(ErrorCode::kInvalidArgument, "window runner: not initialised");
  if (auto st = interp_.run_window(rows, probs); st != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("inference failed: ") + nn::status_name(st));
  return Ok{};
}

Status parse_model(std::span<const std::uint8_t> csm, const std::string& name, nn::Model& model) {
  nn::ParseDetail detail;
  const nn::Status st = nn::Model::parse(csm, model, &detail);
  if (st == nn::Status::kOk) return Ok{};
  std::string where = std::string("field '") + detail.field + "'";
  if (detail.op >= 0) where += ", op " + std::to_string(detail.op);
  return make_error(ErrorCode::kParse,
                    name + ": not a valid model: " + nn::status_name(st) + " (" + where + ")");
}

}  // namespace css::modelrun
