// The backends open_store can choose from (private to css_store). Each backend's folder
// defines its function; a build without libpqxx links postgres_unavailable.cpp instead of
// postgres/, whose open_postgres_store says so.
#pragma once

#include <memory>

#include "css/store/event_store.hpp"
#include "css/store/store_url.hpp"

namespace css::store {

Result<std::unique_ptr<EventStore>> open_sqlite_store(const StoreUrl& url,
                                                      const OpenOptions& options);
Result<std::unique_ptr<EventStore>> open_postgres_store(const StoreUrl& url,
                                                        const OpenOptions& options);

}  // namespace css::store
