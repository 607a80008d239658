// citysafe infer: per-window class probabilities of a model over a dataset.
#include <CLI/CLI.hpp>
#include <array>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/data/dataset.hpp"
#include "css/modelrun/inference.hpp"
#include "css/modelrun/loaded_model.hpp"

namespace css::cli {
namespace {

struct InferOptions {
  std::string model;
  std::string input;
  std::string out;  // empty: stdout
  std::string format = "csv";
  std::string precision = "int8";
  std::uint32_t hop = 25;
};

int run_infer(const InferOptions& o) {
  auto inputs = dataset_files(o.input);
  inputs.emplace_back(o.model);
  if (!o.out.empty()) {
    const std::array<OutputArg, 1> outputs = {{{"--out", o.out}}};
    if (auto st = check_outputs(outputs, inputs); !st) return report(st.error());
  }
  auto loaded = modelrun::LoadedModel::load(o.model);
  if (!loaded) return report(loaded.error());
  auto dataset = data::read_dataset(o.input);
  if (!dataset) return report(dataset.error());
  modelrun::InferenceOptions opts;
  opts.hop = o.hop;
  opts.precision = o.precision == "float" ? nn::Precision::kFloat : nn::Precision::kInt8;
  auto results = modelrun::infer_recordings(loaded->model(), dataset->recordings, opts);
  if (!results) return report(results.error());

  std::ostringstream text;
  std::ostream& out = o.out.empty() ? static_cast<std::ostream&>(std::cout) : text;
  if (o.format == "json")
    modelrun::write_json(out, loaded->model(), *results);
  else
    modelrun::write_csv(out, loaded->model(), *results);
  if (o.out.empty()) return kExitOk;  // main() checks that stdout took it all
  if (auto st = io::write_text(o.out, text.str(), inputs); !st)
    return report(make_error(st.error().code, "--out: " + st.error().message));
  return kExitOk;
}

}  // namespace

void add_infer(CLI::App& root, Runner& run) {
  auto o = std::make_shared<InferOptions>();
  auto* cmd = root.add_subcommand(
      "infer",
      "Classify every window of a dataset with a model and print per-window probabilities.\n"
      "Windows end every --hop samples and carry the context the edge's streaming engine has,\n"
      "so the numbers equal what a node would compute at that sample.\n"
      "Example: citysafe infer --model models/default.csm --input data/synthetic_sample.npy");
  cmd->add_option("--model", o->model, "Model file (.csm)")->required();
  cmd->add_option("--input", o->input, "Dataset .npy (with its .labels.npy and .json)")->required();
  cmd->add_option("--hop", o->hop, "Samples between window ends (50 = 1 s)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 100000U));
  cmd->add_option("--format", o->format, "csv | json")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--precision", o->precision,
                  "int8 | float (float needs float weights in the file)")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "float"}));
  cmd->add_option("--out", o->out, "Write here instead of stdout");
  cmd->callback([o, &run] { run = [o] { return run_infer(*o); }; });
}

}  // namespace css::cli
