// citysafe: the command-line front door. It only parses arguments and wires
// libraries; each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "CitySafeSense: privacy-preserving edge AI for urban safety.\n"
      "Simulate IMU x GNSS x acoustic data, train and run the int8 TCN, publish and map events.",
      "citysafe"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "citysafe 0.1.0");
  app.footer(
      "Run 'citysafe COMMAND --help' for the options of a command.\nExit codes: 0 ok, 1 run-time "
      "failure, 2 bad input.");

  css::cli::Runner run;
  css::cli::add_generate(app, run);
  css::cli::add_dataset(app, run);
  css::cli::add_model(app, run);
  css::cli::add_infer(app, run);
  css::cli::add_train(app, run);
  css::cli::add_export(app, run);
  css::cli::add_eval(app, run);
  css::cli::add_detect(app, run);
  css::cli::add_config(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    css::cli::print_error(std::string(e.what()) + " (see 'citysafe --help')");
    return css::cli::kExitUsage;
  }
  if (!run) {
    css::cli::print_error("no command given (see 'citysafe --help')");
    return css::cli::kExitUsage;
  }
  return run();
}
