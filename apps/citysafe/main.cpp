// citysafe: the command-line front door. It only parses arguments and wires
// libraries; each subcommand lives in its own cmd_*.cpp.
//
// Whatever a command does, citysafe ends with an exit code and at most one error line:
// a closed pipe is a write error (SIGPIPE ignored), so is a file-size limit (`ulimit -f`,
// SIGXFSZ ignored: the write fails with EFBIG like a full disk), an exception escaping a command is
// reported and exits 1 (never a backtrace), and a failed write to stdout exits 1.
#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"

namespace {

// "train" for `citysafe train ...`: the command the user ran, for error messages.
std::string command_name(const CLI::App& app) {
  const auto subs = app.get_subcommands();
  return subs.empty() ? std::string("citysafe") : "citysafe " + subs.front()->get_name();
}

// The first line of an exception's text (LibTorch appends a backtrace on the next lines).
std::string first_line(const char* what) {
  const std::string s(what != nullptr ? what : "");
  return s.substr(0, s.find('\n'));
}

int run_command(const css::cli::Runner& run, const CLI::App& app) {
  try {
    return run();
  } catch (const std::bad_alloc&) {
    css::cli::print_error("out of memory while running '" + command_name(app) +
                          "'; try a smaller input or free some memory");
  } catch (const std::exception& e) {
    css::cli::print_error("'" + command_name(app) + "' failed: " + first_line(e.what()));
  } catch (...) {
    css::cli::print_error("'" + command_name(app) + "' failed with an unknown error");
  }
  return css::cli::kExitFailure;
}

// Output lost on the way (a full disk behind `>`, a closed pipe) is a failure, not success.
// A command that failed has said why already (one line): it keeps its own exit code.
int finish(int code) {
  if (auto st = css::io::flush_stdout(); !st && code == css::cli::kExitOk) {
    css::cli::print_error(st.error().message);
    return css::cli::kExitFailure;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`citysafe ... | head`) makes writes fail with EPIPE, which the
  // stdout check below reports, instead of killing the process with a signal.
  std::signal(SIGPIPE, SIG_IGN);
  // Past a file-size limit (`ulimit -f`, a quota-like cap) the kernel would kill the process
  // with SIGXFSZ mid-write, leaving the temporary file behind; ignored, the write fails with
  // EFBIG and the one writer (css/core/file_io.hpp) reports it and removes its temporary.
  std::signal(SIGXFSZ, SIG_IGN);

#ifdef CSS_EDGE_BINARY
  // citysafe-edge: the node's own binary (apps/citysafe/CMakeLists.txt): only what runs on
  // the pole, without the training stack (LibTorch and its libraries cost ~150 MB resident).
  CLI::App app{"CitySafeSense edge node: the commands a node runs (see docs/edge.md).",
               "citysafe-edge"};
#elif defined(CSS_SERVER_BINARY)
  // citysafe-server: what the server runs (ingest, the API, the store, the geo commands),
  // without the training stack, like citysafe-edge (docs/architecture.md "Binaries").
  CLI::App app{
      "CitySafeSense server: ingest, the API, the event store and the geo commands "
      "(see docs/architecture.md).",
      "citysafe-server"};
#else
  CLI::App app{
      "CitySafeSense: privacy-preserving edge AI for urban safety.\n"
      "Simulate IMU x GNSS x acoustic data, train and run the int8 TCN, publish and map events.",
      "citysafe"};
#endif
  app.require_subcommand(1);
  app.set_version_flag("--version", "citysafe 0.1.0");
  app.footer(
      "Run 'citysafe COMMAND --help' for the options of a command.\nExit codes: 0 ok, 1 run-time "
      "failure, 2 bad input.");

  css::cli::Runner run;
#ifdef CSS_SERVER_BINARY
  css::cli::add_store(app, run);
  css::cli::add_simulate_city(app, run);
  css::cli::add_hotspots(app, run);
  css::cli::add_flows(app, run);
  css::cli::add_import_events(app, run);
  css::cli::add_serve(app, run);
  css::cli::add_token(app, run);
  css::cli::add_ingest(app, run);
#elif !defined(CSS_EDGE_BINARY)
  css::cli::add_generate(app, run);
  css::cli::add_dataset(app, run);
  css::cli::add_model(app, run);
  css::cli::add_infer(app, run);
  css::cli::add_train(app, run);
  css::cli::add_export(app, run);
  css::cli::add_eval(app, run);
  css::cli::add_detect(app, run);
  css::cli::add_config(app, run);
  css::cli::add_store(app, run);
  css::cli::add_simulate_city(app, run);
  css::cli::add_hotspots(app, run);
  css::cli::add_flows(app, run);
  css::cli::add_import_events(app, run);
  css::cli::add_power(app, run);
  css::cli::add_plot(app, run);
  css::cli::add_checklist(app, run);
  css::cli::add_whitepaper(app, run);
  css::cli::add_serve(app, run);
  css::cli::add_token(app, run);
  css::cli::add_ingest(app, run);
  css::cli::add_demo(app, run);
#endif
#ifndef CSS_SERVER_BINARY
  css::cli::add_watchdog(app, run);
  css::cli::add_edge(app, run);
#endif
#if defined(CSS_HAVE_UPDATE) && !defined(CSS_SERVER_BINARY)
  css::cli::add_update(app, run);  // when css::bundle is built (apps/citysafe/CMakeLists.txt)
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return finish(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return finish(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return finish(app.exit(e));
  } catch (const CLI::ParseError& e) {
    css::cli::print_error(std::string(e.what()) + " (see 'citysafe --help')");
    return css::cli::kExitUsage;
  } catch (const std::exception& e) {
    css::cli::print_error("cannot parse the command line: " + first_line(e.what()));
    return css::cli::kExitFailure;
  }
  if (!run) {
    css::cli::print_error("no command given (see 'citysafe --help')");
    return css::cli::kExitUsage;
  }
  return finish(run_command(run, app));
}
