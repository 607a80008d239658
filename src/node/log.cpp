// Log lines of the edge runtime (stats.hpp).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "css/node/stats.hpp"

namespace css::node {

void Log::line(std::string_view level, std::string_view tag, std::string_view msg) {
  std::string text;
  if (json_) {
    nlohmann::json j = {{"level", level}, {"tag", tag}, {"msg", msg}};
    text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    text = "[" + std::string(tag) + "] " + std::string(msg) + "\n";
  }
  const std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace css::node
