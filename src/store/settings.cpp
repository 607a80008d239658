// The store's settings table (settings.hpp).
#include "css/store/settings.hpp"

#include <array>

#include "css/store/store_url.hpp"

namespace css::store {
namespace {

using T = SettingType;

constexpr std::array kStoreSettings = {
    SettingSpec{.name = "store.url",
                .type = T::kString,
                .default_value = kDefaultStoreUrl,
                .unit = "",
                .doc = "Where events are stored: sqlite://PATH (relative), sqlite:///ABS/PATH, a "
                       "bare path, or postgresql://USER@HOST:PORT/DB (docs/storage.md)."},
    SettingSpec{.name = "store.retention_days",
                .type = T::kInt,
                .default_value = "90",
                .unit = "days",
                .doc = "`citysafe store retention` deletes records older than this.",
                .min = 1,
                .max = 36500},
    SettingSpec{.name = "store.busy_timeout_ms",
                .type = T::kInt,
                .default_value = "5000",
                .unit = "ms",
                .doc = "How long a writer waits for another writer's lock before failing.",
                .min = 0,
                .max = 600000},
};

}  // namespace

std::span<const SettingSpec> store_settings() {
  return kStoreSettings;
}

Result<StoreConfig> store_config_from(const Config& config) {
  StoreConfig out;
  out.url = config.get_string("store.url");
  if (auto url = parse_store_url(out.url); !url)
    return make_error(url.error().code, "store.url: " + url.error().message);
  out.retention_days = static_cast<int>(config.get_int("store.retention_days"));
  out.busy_timeout_ms = static_cast<int>(config.get_int("store.busy_timeout_ms"));
  return out;
}

}  // namespace css::store
