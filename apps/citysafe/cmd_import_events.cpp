// citysafe import-events: an incident table (CSV, e.g. open police data) → events as JSON
// lines, so existing data is mapped with the same tools (css::geo::import_events_csv).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/geo/csv_import.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

struct ImportOptions {
  std::filesystem::path csv, out;
  std::string type = "sudden_displacement", city;
  geo::CsvImportOptions opts;
  std::optional<double> utc_offset_h;
};

int run_import(ImportOptions& o) {
  const std::vector<OutputArg> outs = {{"--out", o.out}};
  const std::vector<std::filesystem::path> inputs = {o.csv};
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  const auto kind = event_kind_from_string(o.type);
  if (!kind)
    return report(
        make_error(ErrorCode::kInvalidArgument,
                   "--type '" + o.type + "': expected sudden_displacement or forced_displacement"));
  o.opts.kind = *kind;
  if (o.utc_offset_h) {
    if (!(*o.utc_offset_h >= -12 && *o.utc_offset_h <= 14))
      return report(
          make_error(ErrorCode::kInvalidArgument, "--utc-offset: expected -12..14 hours"));
    o.opts.utc_offset_h = *o.utc_offset_h;
  } else if (!o.city.empty()) {
    auto city = find_city_flag(o.city);  // warns when the tz database lacks its zone
    if (!city) return report(city.error());
    o.opts.city = std::move(*city);
  }
  auto bytes = io::read_file(o.csv);
  if (!bytes) return report(make_error(bytes.error().code, "--csv: " + bytes.error().message));
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto imported = geo::import_events_csv(text, o.opts);
  if (!imported)
    return report(make_error(imported.error().code,
                             "--csv " + o.csv.string() + ": " + imported.error().message));
  std::string lines;
  for (const auto& e : imported->events) lines += to_json(e) + "\n";
  if (auto st = io::write_text(o.out, lines, inputs); !st) return report(st.error());
  std::cout << imported->rows << " rows -> " << imported->events.size() << " events ("
            << o.out.string() << ")";
  if (imported->skipped_no_position > 0)
    std::cout << "; " << imported->skipped_no_position
              << " rows without latitude/longitude skipped";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void add_import_events(CLI::App& root, Runner& run) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = root.add_subcommand(
      "import-events",
      "Import incidents from a CSV (',' or ';', quoted fields, decimal comma in ';' files) as "
      "events\n"
      "(JSON lines) for `citysafe hotspots`. Times: Unix s, ISO 8601 or DD/MM/YYYY HH:MM[:SS];\n"
      "times without a zone are local: at --utc-offset, or in the --city's time zone (daylight\n"
      "saving time counts), else UTC. Rows without a position are skipped and counted; any\n"
      "other bad cell stops the import with its line and column.\n"
      "Example: citysafe import-events --csv ocorrencias.csv --lat-col LATITUDE --lon-col "
      "LONGITUDE\n"
      "           --time-col DATAOCORRENCIA --city sao-paulo --out events.jsonl");
  cmd->add_option("--csv", o->csv, "Input CSV with a header line")->required();
  cmd->add_option("--lat-col", o->opts.lat_col, "Header of the latitude column (degrees)")
      ->required();
  cmd->add_option("--lon-col", o->opts.lon_col, "Header of the longitude column (degrees)")
      ->required();
  cmd->add_option("--time-col", o->opts.time_col, "Header of the time column")->required();
  cmd->add_option("--type", o->type,
                  "Event type of every row: sudden_displacement or forced_displacement")
      ->capture_default_str();
  cmd->add_option("--device", o->opts.device, "Device name recorded in each event")
      ->capture_default_str();
  cmd->add_option("--utc-offset", o->utc_offset_h,
                  "Fixed hours from UTC of zone-less times (default: --city's zone, else 0)");
  cmd->add_option("--city", o->city,
                  "Zone-less times are local in this city's time_zone (cities/NAME.toml or a "
                  ".toml file)");
  cmd->add_option("--out", o->out, "Events, JSON lines")->required();
  cmd->callback([o, &run] { run = [o] { return run_import(*o); }; });
}

}  // namespace css::cli
