#include "css/spool/spool.hpp"

#include "css/core/file_io.hpp"
#include "spool_impl.hpp"

namespace css::spool {

std::uint64_t& PerKind::operator[](Kind kind) {
  switch (kind) {
    case Kind::kFlow:
      return flow;
    case Kind::kStatus:
      return status;
    case Kind::kEvent:
      break;
  }
  return event;
}

Spool::Spool(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Spool::Spool(Spool&&) noexcept = default;
Spool& Spool::operator=(Spool&&) noexcept = default;
Spool::~Spool() = default;

Seq Spool::next_seq() const {
  return impl_->next_seq;
}
std::size_t Spool::depth() const {
  return impl_->live.size();
}
std::uint64_t Spool::pending_bytes() const {
  return impl_->pending_bytes;
}
std::uint64_t Spool::disk_bytes() const {
  return impl_->primary.bytes();
}
const Counters& Spool::counters() const {
  return impl_->counters;
}
bool Spool::mirror_active() const {
  return impl_->mirror != nullptr;
}
const std::string& Spool::mirror_error() const {
  return impl_->mirror_error;
}

Result<Seq> Spool::append(Kind kind, std::span<const std::byte> payload) {
  Impl& s = *impl_;
  const std::uint64_t size = kRecordOverheadBytes + payload.size();
  if (payload.size() > kMaxPayloadBytes || size > s.opt.hard_max_bytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "spool record of " + std::to_string(payload.size()) +
                          " bytes is larger than the limit (" + std::to_string(kMaxPayloadBytes) +
                          " bytes, or hard_max_bytes)");
  }
  const Seq seq = s.next_seq;
  if (seq == UINT64_MAX) {
    return make_error(ErrorCode::kInvalidArgument,
                      "spool '" + s.primary.dir().string() + "' has used every seq");
  }
  const auto rkind = static_cast<RecordKind>(kind);
  const bool sync =
      s.opt.sync == Sync::kEveryRecord || (s.opt.sync == Sync::kEventsOnly && kind == Kind::kEvent);
  Result<Loc> at = s.write(rkind, encode_record(rkind, 0, seq, payload), sync);
  if (!at) {
    ++s.counters.write_errors;
    return at.error();
  }
  s.next_seq = seq + 1;
  s.add_live(seq, *at);
  ++s.counters.appended[kind];
  s.enforce_bounds(seq);
  return seq;
}

Status Spool::ack(Seq seq) {
  Impl& s = *impl_;
  const auto it = s.live.find(seq);
  if (it == s.live.end()) {
    ++s.counters.duplicate_acks;
    return Ok{};
  }
  const Kind kind = static_cast<Kind>(it->second.kind);
  if (Status st = s.release(seq, ReleaseReason::kAcked); !st) return st;
  ++s.counters.acked[kind];
  return Ok{};
}

Result<std::vector<Record>> Spool::next_batch(std::size_t max_records, Seq after) {
  Impl& s = *impl_;
  std::vector<Record> out;
  auto it = s.live.upper_bound(after);
  while (it != s.live.end() && out.size() < max_records) {  // bounded by the pending records
    const Seq seq = it->first;
    const Loc loc = it->second;
    ++it;
    auto bytes = s.read_record(seq, loc, s.primary);
    if (!bytes && s.mirror) bytes = s.read_record(seq, loc, *s.mirror);
    if (!bytes) {
      ++s.counters.corrupt_on_read;
      // release() erases seq and may compact: find the next record again afterwards.
      if (Status st = s.release(seq, ReleaseReason::kCorrupt); !st) return st.error();
      it = s.live.upper_bound(seq);
      continue;
    }
    const auto& rec = *bytes;
    out.push_back({seq, static_cast<Kind>(loc.kind),
                   std::vector<std::byte>(rec.begin() + kHeaderBytes, rec.end() - kTrailerBytes)});
  }
  return out;
}

Status Spool::sync() {
  Impl& s = *impl_;
  if (Status st = s.primary.sync_newest(); !st) return st;
  if (s.mirror) {
    if (Status st = s.mirror->sync_newest(); !st) s.disable_mirror(st.error().message);
  }
  return Ok{};
}

Result<Loc> Spool::Impl::write(RecordKind kind, std::span<const std::byte> rec, bool sync) {
  const auto& segs = primary.segments();
  const std::uint64_t newest_size = segs.empty() ? 0 : segs.rbegin()->second.size;
  if (segs.empty() ||
      (newest_size + rec.size() > opt.segment_bytes && newest_size > kMarkRecordBytes)) {
    if (Status st = roll(); !st) return st.error();
  }
  const std::uint64_t gen = primary.newest_gen();
  const std::uint64_t offset = primary.segments().rbegin()->second.size;
  if (Status st = primary.append(rec, sync); !st) return st.error();
  if (mirror) {
    if (Status st = mirror->append(rec, sync); !st) disable_mirror(st.error().message);
  }
  return Loc{kind, gen, offset, static_cast<std::uint32_t>(rec.size()), 0};
}

Status Spool::Impl::roll() {
  const std::uint64_t gen = std::max(primary.newest_gen(), mirror ? mirror->newest_gen() : 0) + 1;
  const auto mark = encode_mark(next_seq, next_seq);
  if (Status st = primary.create_segment(gen, mark); !st) return st;
  if (mirror) {
    if (Status st = mirror->create_segment(gen, mark); !st) disable_mirror(st.error().message);
  }
  seg_live[gen] = 0;
  return Ok{};
}

void Spool::Impl::disable_mirror(const std::string& why) {
  if (!mirror) return;
  mirror.reset();
  mirror_error = why;
  ++counters.mirror_failures;
  // Remember, across restarts, that the mirror fell behind: it is rebuilt, not trusted.
  const Status st = io::write_text(primary.dir() / kMirrorStaleFile, why + "\n");
  if (!st) mirror_error += "; and " + st.error().message;
}

void Spool::Impl::add_live(Seq seq, const Loc& loc) {
  live[seq] = loc;
  if (loc.kind != RecordKind::kEvent) live_other.insert(seq);
  ++seg_live[loc.gen];
  pending_bytes += loc.size;
}

Status Spool::Impl::release(Seq seq, ReleaseReason reason) {
  const auto it = live.find(seq);
  if (it == live.end()) return Ok{};
  Result<Loc> at = write(RecordKind::kRelease, encode_release(seq, reason), opt.sync_acks);
  if (!at) {
    ++counters.write_errors;
    return at.error();
  }
  const Loc loc = it->second;
  live.erase(it);
  live_other.erase(seq);
  pending_bytes -= loc.size;
  if (auto seg = seg_live.find(loc.gen); seg != seg_live.end() && seg->second > 0) --seg->second;
  collect_segments();
  return Ok{};
}

void Spool::Impl::enforce_bounds(Seq keep) {
  // Each pass releases one record or stops, so both loops end within live.size() passes.
  while (pending_bytes > opt.max_bytes) {
    auto victim = live_other.begin();
    if (victim != live_other.end() && *victim == keep) ++victim;
    if (victim == live_other.end()) break;
    const Kind kind = static_cast<Kind>(live.at(*victim).kind);
    if (!release(*victim, ReleaseReason::kDropped)) return;
    ++counters.dropped[kind];
  }
  while (pending_bytes > opt.hard_max_bytes) {
    auto victim = live.begin();
    if (victim != live.end() && victim->first == keep) ++victim;
    if (victim == live.end()) break;
    const Kind kind = static_cast<Kind>(victim->second.kind);
    if (!release(victim->first, ReleaseReason::kDropped)) return;
    ++counters.dropped[kind];
  }
}

void Spool::Impl::collect_segments() {
  const std::uint64_t newest = primary.newest_gen();
  while (!seg_live.empty()) {  // each pass removes one segment or stops
    const auto [gen, pending] = *seg_live.begin();
    if (gen == newest || pending != 0) break;
    seg_live.erase(seg_live.begin());
    const Status st = primary.remove_segment(gen);
    if (mirror) {
      if (Status m = mirror->remove_segment(gen); !m) disable_mirror(m.error().message);
    }
    if (!st) return;  // left on disk: recovery sees its records released
    ++counters.segments_deleted;
  }
  // A journal held open by old pending records (e.g. one the broker keeps refusing) is
  // rewritten with only its pending records once it is well past twice their size.
  if (primary.bytes() > 2 * pending_bytes + 4 * opt.segment_bytes) {
    if (compact()) ++counters.compactions;
  }
}

}  // namespace css::spool
