// node.toml reader: the only translation unit of power/ that includes toml++. Every key is read
// through FieldReader, which checks type and range and names "<source>: <table>.<key>" in the
// error; unknown keys are errors too (a typo such as peak_ma must not silently become 0 A).
#include "css/power/node_config.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <set>
#include <sstream>

#include "css/core/file_io.hpp"

namespace css::power {
namespace {

// How a TOML value looks in an error: strings quoted, others by their TOML type.
std::string describe(const toml::node& n) {
  if (const auto* s = n.as_string()) return "\"" + s->get() + "\"";
  if (n.is_boolean()) return n.as_boolean()->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  std::ostringstream os;
  if (const auto* i = n.as_integer()) os << i->get();
  if (const auto* f = n.as_floating_point()) os << f->get();
  if (os.str().empty()) os << "a value of another type";
  return os.str();
}

struct Range {
  double min;
  double max;
  bool min_exclusive;
  std::string text;  // "≥ 0", "(0, 1]"
};

const Range kNonNegative{0.0, 1e9, false, "≥ 0"};
const Range kPositive{0.0, 1e9, true, "> 0"};
const Range kFraction{0.0, 1.0, false, "in [0, 1]"};
const Range kPositiveFraction{0.0, 1.0, true, "in (0, 1]"};

class FieldReader {
 public:
  FieldReader(const toml::table& table, std::string where, std::string_view source)
      : table_(table), where_(std::move(where)), source_(source) {}

  Status number(std::string_view key, double& out, const Range& range, bool required = false) {
    seen_.insert(std::string(key));
    const toml::node* n = table_.get(key);
    if (n == nullptr) {
      if (required) return fail(key, "missing; expected a number " + range.text);
      return Ok{};
    }
    double v = 0.0;
    if (const auto* i = n->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      v = f->get();
    } else {
      return fail(key, "expected a number " + range.text + ", got " + describe(*n));
    }
    const bool below = range.min_exclusive ? v <= range.min : v < range.min;
    if (!std::isfinite(v) || below || v > range.max)
      return fail(key, "expected a number " + range.text + ", got " + describe(*n));
    out = v;
    return Ok{};
  }

  Status integer(std::string_view key, int& out, int min, int max) {
    seen_.insert(std::string(key));
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Ok{};
    const auto* i = n->as_integer();
    const std::string want =
        "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (i == nullptr || i->get() < min || i->get() > max)
      return fail(key, want + ", got " + describe(*n));
    out = static_cast<int>(i->get());
    return Ok{};
  }

  Status text(std::string_view key, std::string& out, bool required = false) {
    seen_.insert(std::string(key));
    const toml::node* n = table_.get(key);
    if (n == nullptr) return required ? fail(key, "missing; expected a string") : Status{Ok{}};
    const auto* s = n->as_string();
    if (s == nullptr) return fail(key, "expected a string, got " + describe(*n));
    out = s->get();
    return Ok{};
  }

  // Every key the table has must have been read.
  Status no_unknown_keys() const {
    for (const auto& [k, v] : table_) {
      if (!seen_.contains(std::string(k.str())))
        return fail(k.str(), "unknown key (see docs/power.md for the keys of a node.toml)");
    }
    return Ok{};
  }

 private:
  Error fail(std::string_view key, const std::string& what) const {
    const std::string dotted = where_.empty() ? std::string(key) : where_ + "." + std::string(key);
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(source_) + ": " + dotted + ": " + what);
  }

  const toml::table& table_;
  std::string where_;
  std::string_view source_;
  std::set<std::string> seen_;
};

#define CSS_TRY(expr)              \
  do {                             \
    if (auto st_ = (expr); !st_) { \
      return st_.error();          \
    }                              \
  } while (0)

Status read_component(const toml::table& t, std::string where, std::string_view source,
                      Component& c) {
  FieldReader r(t, std::move(where), source);
  CSS_TRY(r.text("name", c.name, true));
  CSS_TRY(r.text("part", c.part));
  CSS_TRY(r.integer("quantity", c.quantity, 1, 1000));
  CSS_TRY(r.number("peak_a", c.peak_a, kNonNegative, true));
  CSS_TRY(r.number("duty_cycle", c.duty_cycle, kFraction));
  CSS_TRY(r.number("idle_a", c.idle_a, kNonNegative));
  CSS_TRY(r.text("bus", c.bus));
  CSS_TRY(r.text("address", c.address));
  CSS_TRY(r.text("pins", c.pins));
  return r.no_unknown_keys();
}

Status read_battery(const toml::table& t, std::string_view source, Battery& b) {
  FieldReader r(t, "battery", source);
  CSS_TRY(r.text("chemistry", b.chemistry));
  CSS_TRY(r.text("cell", b.cell));
  CSS_TRY(r.number("cell_nominal_v", b.cell_nominal_v, kPositive));
  CSS_TRY(r.number("cell_capacity_ah", b.cell_capacity_ah, kPositive));
  CSS_TRY(r.integer("series", b.series, 1, 64));
  CSS_TRY(r.number("usable_fraction", b.usable_fraction, kPositiveFraction));
  return r.no_unknown_keys();
}

Status read_solar(const toml::table& t, std::string_view source, Solar& s) {
  FieldReader r(t, "solar", source);
  CSS_TRY(r.number("peak_sun_hours", s.peak_sun_hours, {0.0, 24.0, true, "in (0, 24]"}));
  CSS_TRY(r.number("derate", s.derate, kPositiveFraction));
  CSS_TRY(r.number("autonomy_days", s.autonomy_days, {0.0, 365.0, false, "in [0, 365]"}));
  return r.no_unknown_keys();
}

Status read_torque(const toml::table& t, std::string_view source, Torque& q) {
  FieldReader r(t, "torque", source);
  const Range nm{0.0, 200.0, true, "in (0, 200] N·m"};
  CSS_TRY(r.number("lid_screw_nm", q.lid_screw_nm, nm));
  CSS_TRY(r.number("gland_m16_nm", q.gland_m16_nm, nm));
  CSS_TRY(r.number("gland_m20_nm", q.gland_m20_nm, nm));
  CSS_TRY(r.number("gland_m25_nm", q.gland_m25_nm, nm));
  CSS_TRY(r.number("mounting_screw_nm", q.mounting_screw_nm, nm));
  CSS_TRY(r.text("source", q.source));
  return r.no_unknown_keys();
}

Status read_node(const toml::table& t, std::string_view source, NodeConfig& n) {
  FieldReader r(t, "node", source);
  CSS_TRY(r.text("name", n.name));
  CSS_TRY(r.number("bus_voltage_v", n.bus_voltage_v, {0.0, 1000.0, true, "in (0, 1000] V"}, true));
  CSS_TRY(r.number("runtime_h", n.runtime_h, {0.0, 87600.0, true, "in (0, 87600] h"}, true));
  CSS_TRY(r.number("converter_efficiency", n.converter_efficiency, kPositiveFraction, true));
  CSS_TRY(r.number("margin_fraction", n.margin_fraction, {0.0, 10.0, false, "in [0, 10]"}));
  CSS_TRY(r.number("round_to_mah", n.round_to_mah, {0.0, 1e6, true, "in (0, 1000000] mAh"}));
  return r.no_unknown_keys();
}

Error missing(std::string_view source, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument, std::string(source) + ": " + std::string(what));
}

}  // namespace

Result<NodeConfig> parse_node_config(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& err) {
    return make_error(ErrorCode::kParse, std::string(source) + ":" +
                                             std::to_string(err.source().begin.line) + ":" +
                                             std::to_string(err.source().begin.column) + ": " +
                                             std::string(err.description()));
  }
  NodeConfig n;
  for (const auto& [k, v] : root) {
    const std::string_view key = k.str();
    if (key != "node" && key != "battery" && key != "solar" && key != "torque" &&
        key != "component")
      return missing(source, std::string(key) +
                                 ": unknown table (expected [node], [battery], [solar], "
                                 "[torque] or [[component]])");
  }
  const auto* node = root["node"].as_table();
  if (node == nullptr) return missing(source, "node: missing [node] table (bus_voltage_v, …)");
  CSS_TRY(read_node(*node, source, n));
  if (const auto* b = root["battery"].as_table()) CSS_TRY(read_battery(*b, source, n.battery));
  if (const auto* s = root["solar"].as_table()) {
    n.solar = Solar{};
    CSS_TRY(read_solar(*s, source, *n.solar));
  }
  if (const auto* q = root["torque"].as_table()) CSS_TRY(read_torque(*q, source, n.torque));
  const auto* comps = root["component"].as_array();
  if (comps == nullptr || comps->empty())
    return missing(source, "component: missing; expected at least one [[component]] table");
  for (std::size_t i = 0; i < comps->size(); ++i) {
    const auto* t = comps->get(i)->as_table();
    const std::string where = "component[" + std::to_string(i + 1) + "]";
    if (t == nullptr) return missing(source, where + ": expected a table");
    Component c;
    CSS_TRY(read_component(*t, where, source, c));
    n.components.push_back(std::move(c));
  }
  return n;
}

Result<NodeConfig> load_node_config(const std::filesystem::path& path) {
  auto bytes = io::read_file(path);
  if (!bytes) return bytes.error();
  const std::string text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return parse_node_config(text, path.string());
}

}  // namespace css::power
