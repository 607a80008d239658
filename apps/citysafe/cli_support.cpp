#include "cli_support.hpp"

#include <iostream>

#include "css/core/config.hpp"

namespace css::cli {

void print_error(const std::string& message) {
  std::cerr << "citysafe: error: " << message << '\n';
}

int report(const Error& error) {
  print_error(error.message);
  return error.code == ErrorCode::kIo ? kExitFailure : kExitUsage;
}

Status apply_aliases(Config& cfg, std::span<const FlagAlias> aliases,
                     std::span<const std::optional<std::string>> values) {
  for (std::size_t i = 0; i < aliases.size() && i < values.size(); ++i) {
    if (!values[i]) continue;
    if (auto st = cfg.set(aliases[i].setting, *values[i]); !st)
      return make_error(st.error().code, std::string(aliases[i].flag) + ": " + st.error().message);
  }
  return Ok{};
}

}  // namespace css::cli
