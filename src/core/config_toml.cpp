// TOML front end of Config: the only translation unit in core that includes
// toml++ (slow to compile). Nested tables map to dotted setting names:
//   [sim]\n duration_s = 60   ≡   sim.duration_s = 60
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "css/core/config.hpp"

namespace css {
namespace {

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

std::optional<Config::Value> to_value(const toml::node& node) {
  if (auto b = node.value_exact<bool>()) return Config::Value{*b};
  if (auto i = node.value_exact<std::int64_t>()) return Config::Value{*i};
  if (auto d = node.value_exact<double>()) return Config::Value{*d};
  if (auto s = node.value_exact<std::string>()) return Config::Value{std::move(*s)};
  return std::nullopt;
}

class TomlLoader {
 public:
  TomlLoader(Config& config, std::string_view source) : config_(config), source_(source) {}

  Status load_table(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      const std::string name =
          prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (auto s = load_node(name, node); !s) return s;
    }
    return Ok{};
  }

 private:
  std::string where(const toml::node& node) const {
    return source_ + ":" + std::to_string(node.source().begin.line);
  }

  Status load_node(const std::string& name, const toml::node& node) {
    const int index = config_.find(name);
    if (index < 0 && node.is_table()) return load_table(*node.as_table(), name);
    if (index < 0) {
      return make_error(ErrorCode::kNotFound,
                        where(node) + ": " + config_.unknown_setting_message(name));
    }
    auto value = to_value(node);
    if (!value) {
      const SettingType type = config_.specs()[static_cast<std::size_t>(index)].type;
      return make_error(ErrorCode::kInvalidArgument,
                        where(node) + ": setting '" + name + "' expects " +
                            std::string(expected_phrase(type)) + ", got " +
                            std::string(toml_type_name(node)));
    }
    return config_.assign(where(node), name, std::move(*value));
  }

  Config& config_;
  std::string source_;
};

}  // namespace

Status Config::load_toml_string(std::string_view text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& err) {
    return make_error(ErrorCode::kParse, std::string(source_name) + ":" +
                                             std::to_string(err.source().begin.line) + ":" +
                                             std::to_string(err.source().begin.column) + ": " +
                                             std::string(err.description()));
  }
  // Load into a copy so that a file with one bad line changes nothing.
  Config staged = *this;
  TomlLoader loader(staged, source_name);
  if (auto s = loader.load_table(root, ""); !s) return s;
  *this = std::move(staged);
  return Ok{};
}

Status Config::load_toml_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "config file '" + path.string() + "' is not a regular file (expected TOML)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kNotFound, "cannot open config file '" + path.string() + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return make_error(ErrorCode::kIo, "cannot read config file '" + path.string() + "'");
  return load_toml_string(text.str(), path.string());
}

}  // namespace css
