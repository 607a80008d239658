// open_postgres_store for builds without the PostgreSQL backend (backends.hpp).
#include "backends.hpp"

namespace css::store {

Result<std::unique_ptr<EventStore>> open_postgres_store(const StoreUrl& url, const OpenOptions&) {
  return make_error(ErrorCode::kUnsupported,
                    "store URL '" + url.redacted +
                        "': the PostgreSQL backend is not built into this binary (use a sqlite:// "
                        "URL, or build with libpqxx: scripts/bootstrap installs it)");
}

}  // namespace css::store
