// The figures a model is first judged by on real phones: for each real dataset, the test
// subjects of the one real-data split (data::real_subject_split; never trained on) through
// the edge pipeline and the window evaluation — false alarms per device-hour of everyday
// motion, context-window accuracy and macro-F1 over the classes present, per placement —
// and the same over all sets together. `citysafe export` writes them into the model's
// metrics ("real"), bench/train reports them (docs/evaluation.md, "Real recordings").
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/eval/evaluate.hpp"

namespace css::eval {

// JSON text {"<set>": {"subjects", "hours", "false_alarms", "false_alarms_per_device_hour",
// "false_alarms_by_activity", "windows", "accuracy_context", "macro_f1_context",
// "walking_recall_by_placement": {…}}, …, "all": {"hours", "false_alarms",
// "false_alarms_per_device_hour", "min_accuracy_context"}}. A set is a real-layout NPY, an
// ST HAR folder or our dataset; its name is the file stem (folder name).
Result<std::string> real_test_figures(std::span<const std::uint8_t> csm,
                                      const std::vector<std::filesystem::path>& sets,
                                      const EvalOptions& options = {});

}  // namespace css::eval
