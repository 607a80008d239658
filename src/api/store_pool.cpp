// StorePool: one EventStore per request in flight, reused. Connections open lazily (the first
// in open(), so a bad URL fails `citysafe serve` at start) with the options the API has always
// used: the database must exist and is never migrated by the server.
#include "impl.hpp"

namespace css::api {

Result<std::unique_ptr<StorePool>> StorePool::open(std::string url) {
  std::unique_ptr<StorePool> pool(new StorePool(std::move(url)));
  auto first = pool->open_one();
  if (!first) return first.error();
  pool->idle_.push_back({std::move(*first), std::nullopt});
  return pool;
}

Result<std::unique_ptr<store::EventStore>> StorePool::open_one() const {
  store::OpenOptions oo;
  oo.create = false;
  oo.migrate = false;
  return store::open_store(url_, oo);
}

Result<StorePool::Lease> StorePool::lease() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      Idle s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(s.store), s.seen);
    }
  }
  auto s = open_one();  // outside the lock: opening may touch the disk
  if (!s) return s.error();
  return Lease(*this, std::move(*s), std::nullopt);
}

StorePool::Lease::~Lease() {
  if (!store_) return;
  std::lock_guard lock(pool_->mu_);
  pool_->idle_.push_back({std::move(store_), seen_});
}

}  // namespace css::api
