// The store's settings table (store.*), declared once: read by `citysafe store` and the
// server commands that open a store (ingest, api), listed by `citysafe config`, documented in
// docs/configuration.md (generated). Static storage.
#pragma once

#include <span>
#include <string>

#include "css/core/config.hpp"
#include "css/core/result.hpp"

namespace css::store {

std::span<const SettingSpec> store_settings();

struct StoreConfig {
  std::string url;             // store.url
  int retention_days = 90;     // store.retention_days
  int busy_timeout_ms = 5000;  // store.busy_timeout_ms
};

// From a Config over store_settings(); the URL is parsed so that a bad one fails here,
// naming the setting.
Result<StoreConfig> store_config_from(const Config& config);

}  // namespace css::store
