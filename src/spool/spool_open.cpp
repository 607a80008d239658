// Spool::open: recovery of the primary and mirror directories, their merge, and compaction
// (the one way the journal is rewritten: at open to repair, at run time when sparse).
#include <algorithm>
#include <optional>
#include <system_error>

#include "css/spool/segment_scan.hpp"
#include "css/spool/spool.hpp"
#include "spool_impl.hpp"

namespace css::spool {

namespace {

constexpr std::uint64_t kCopyChunkBytes = 64 * 1024;

// What one directory's segment files hold.
struct DirRecovery {
  std::map<Seq, Loc> data;  // first valid copy of every data record
  std::set<Seq> released;
  std::optional<Seq> floor;  // lowest kMark seq: every seq below it was released
  Seq next_seq = 1;
  std::size_t valid_records = 0;
  bool clean = true;         // nothing skipped except a torn tail of the newest segment
  std::string garbage_file;  // a segment with bytes but not one valid record
  std::vector<std::pair<std::uint64_t, std::uint64_t>> layout;  // (gen, size) after repair
};

void take_record(DirRecovery& r, const ScannedRecord& rec, std::span<const std::byte> file,
                 std::uint64_t gen, std::uint8_t source) {
  const RecordHeader& h = rec.header;
  ++r.valid_records;
  if (h.kind == RecordKind::kMark) {
    // Every seq below a floor was used: the next seq is at least the floor.
    r.floor = std::min(r.floor.value_or(h.seq), h.seq);
    r.next_seq = std::max({r.next_seq, h.seq, mark_next_seq(rec.payload(file)).value_or(0)});
    return;
  }
  // UINT64_MAX (only in a damaged or forged journal) saturates: append() then refuses.
  r.next_seq = std::max(r.next_seq, h.seq == UINT64_MAX ? h.seq : h.seq + 1);
  if (h.kind == RecordKind::kRelease) {
    r.released.insert(h.seq);
  } else {
    r.data.try_emplace(h.seq,
                       Loc{h.kind, gen, rec.offset, static_cast<std::uint32_t>(rec.size), source});
  }
}

Result<DirRecovery> recover_dir(Journal& j, std::uint8_t source, Counters& c) {
  DirRecovery r;
  const std::uint64_t newest = j.newest_gen();
  std::vector<std::uint64_t> gens;
  for (const auto& [gen, seg] : j.segments()) gens.push_back(gen);
  for (const std::uint64_t gen : gens) {
    auto file = j.read_all(gen);
    if (!file) return file.error();
    const SegmentScan scan = scan_segment(*file);
    if (scan.records.empty() && file->size() > kMarkRecordBytes) {
      // Longer than a torn mark and nothing valid: not a crash, damage. Left untouched (the
      // error names it if nothing else can be recovered; compaction removes it otherwise).
      r.garbage_file = j.segments().at(gen).path.string();
      ++c.corrupt_regions;
      c.corrupt_bytes += file->size();
      r.clean = false;
      continue;
    }
    for (const ScannedRecord& rec : scan.records) take_record(r, rec, *file, gen, source);
    c.corrupt_regions += scan.corrupt_regions;
    c.corrupt_bytes += scan.corrupt_bytes;
    if (scan.corrupt_regions > 0) r.clean = false;
    if (gen == newest && scan.tail_bytes > 0) {
      ++c.torn_records;  // a record (or the segment's mark) cut short by a crash
      c.torn_bytes += scan.tail_bytes;
      if (Status st = j.truncate(gen, scan.valid_end); !st) return st.error();
    } else if (scan.tail_bytes > 0) {
      ++c.corrupt_regions;  // a sealed segment was synced whole: its bad tail is damage
      c.corrupt_bytes += scan.tail_bytes;
      r.clean = false;
    }
    if (gen == newest && scan.valid_end == 0) {
      if (Status st = j.remove_segment(gen); !st) return st.error();  // torn at creation
      continue;
    }
    r.layout.emplace_back(gen, j.segments().at(gen).size);
  }
  return r;
}

Status validate(const std::filesystem::path& dir, const Options& o) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument, "spool '" + dir.string() + "': " + why);
  };
  if (dir.empty()) return bad("the directory is empty");
  if (o.segment_bytes < 4096 || o.segment_bytes > (1ull << 30)) {
    return bad("segment_bytes must be in [4096, 1 GiB]");
  }
  if (o.max_bytes == 0 || o.max_bytes > o.hard_max_bytes) {
    return bad("max_bytes must be > 0 and <= hard_max_bytes");
  }
  std::error_code ec;
  if (!o.mirror_dir.empty() && (o.mirror_dir == dir || fs::equivalent(o.mirror_dir, dir, ec))) {
    return bad("the mirror must be another directory");
  }
  return Ok{};
}

}  // namespace

Result<Spool> Spool::open(const std::filesystem::path& dir, Options options) {
  if (Status st = validate(dir, options); !st) return st.error();
  auto primary = Journal::open_dir(dir, /*create=*/true);
  if (!primary) return primary.error();
  auto impl = std::make_unique<Impl>(options, std::move(*primary));
  if (!options.mirror_dir.empty()) {
    // Not created: a missing mount point must not turn into a folder on the primary's disk.
    auto mirror = Journal::open_dir(options.mirror_dir, /*create=*/false);
    impl->mirror = std::make_unique<Journal>(mirror ? std::move(*mirror) : Journal());
    if (!mirror) impl->disable_mirror(mirror.error().message);
  }
  if (Status st = impl->recover(); !st) return st.error();
  return Spool(std::move(impl));
}

Status Spool::Impl::recover() {
  auto p = recover_dir(primary, 0, counters);
  if (!p) return p.error();
  std::optional<DirRecovery> m;
  const fs::path stale_file = primary.dir() / kMirrorStaleFile;
  std::error_code ec;
  const bool stale = fs::exists(stale_file, ec);
  if (mirror) {
    auto r = recover_dir(*mirror, 1, counters);
    if (r) {
      m = std::move(*r);
    } else {
      disable_mirror(r.error().message);
    }
  }
  const bool use_mirror = m && !stale && m->valid_records > 0;
  if (p->valid_records == 0 && !use_mirror) {
    const std::string& garbage = !p->garbage_file.empty() ? p->garbage_file
                                 : m                      ? m->garbage_file
                                                          : p->garbage_file;
    if (!garbage.empty()) {
      return make_error(ErrorCode::kParse, "spool segment '" + garbage +
                                               "' holds no valid record; move it away to "
                                               "start an empty spool");
    }
  }
  // The primary is authoritative where it has segments; the mirror fills what it lost.
  const Seq floor = p->floor ? *p->floor : (use_mirror && m->floor ? *m->floor : 0);
  std::map<Seq, Loc> data = p->data;
  std::set<Seq> released = p->released;
  next_seq = p->next_seq;
  if (use_mirror) {
    for (const auto& [seq, loc] : m->data) {
      if (seq >= floor) data.try_emplace(seq, loc);
    }
    released.insert(m->released.begin(), m->released.end());
    next_seq = std::max(next_seq, m->next_seq);
  }
  for (const auto& [seq, loc] : data) {
    if (!released.contains(seq) && seq >= floor) add_live(seq, loc);
  }
  const bool mirror_differs = mirror && (stale || !m || !m->clean || m->layout != p->layout);
  if (p->clean && !mirror_differs && !primary.segments().empty()) {
    for (const auto& [gen, seg] : primary.segments()) seg_live.try_emplace(gen, 0);
    collect_segments();
    return Ok{};
  }
  if (Status st = compact(); !st) return st;
  ++counters.compactions;
  if (mirror && stale) {
    fs::remove(stale_file, ec);
    primary.sync_dir();
  }
  return Ok{};
}

Result<std::vector<std::byte>> Spool::Impl::read_record(Seq seq, const Loc& loc,
                                                        const Journal& from) const {
  auto bytes = from.read(loc.gen, loc.offset, loc.size);
  if (!bytes) return bytes.error();
  const Decoded d = decode_record(*bytes, 0);
  if (d.status != DecodeStatus::kOk || d.size != loc.size || d.header.seq != seq ||
      d.header.kind != loc.kind) {
    return make_error(ErrorCode::kParse, "spool record " + std::to_string(seq) + " at offset " +
                                             std::to_string(loc.offset) + " of segment " +
                                             std::to_string(loc.gen) + " in '" +
                                             from.dir().string() + "' fails its CRC");
  }
  return bytes;
}

// Writes the pending records into one new segment in each directory, then removes every
// older segment. A crash at any point leaves a journal that recovers to the same records
// (duplicated seqs are read once).
Status Spool::Impl::compact() {
  const std::uint64_t gen = std::max(primary.newest_gen(), mirror ? mirror->newest_gen() : 0) + 1;
  const Seq floor = live.empty() ? next_seq : live.begin()->first;
  std::map<Seq, Loc> moved;
  auto fill = [&](const Journal::Sink& sink) -> Status {
    const auto mark = encode_mark(floor, next_seq);
    if (Status st = sink(mark); !st) return st;
    std::uint64_t offset = mark.size();
    for (const auto& [seq, loc] : live) {  // bounded by the pending records
      auto rec = read_record(seq, loc, loc.source == 0 || !mirror ? primary : *mirror);
      if (!rec && mirror) rec = read_record(seq, loc, loc.source == 0 ? *mirror : primary);
      if (!rec) continue;  // unreadable in both copies: dropped below, counted
      if (Status st = sink(*rec); !st) return st;
      moved[seq] = Loc{loc.kind, gen, offset, loc.size, 0};
      offset += rec->size();
    }
    return Ok{};
  };
  if (Status st = primary.install_segment(gen, fill); !st) return st;
  if (mirror) {
    const Status st = mirror->install_segment(gen, [&](const Journal::Sink& sink) -> Status {
      const std::uint64_t size = primary.segments().at(gen).size;
      for (std::uint64_t at = 0; at < size; at += kCopyChunkBytes) {
        auto chunk = primary.read(
            gen, at, static_cast<std::size_t>(std::min<std::uint64_t>(kCopyChunkBytes, size - at)));
        if (!chunk) return chunk.error();
        if (Status w = sink(*chunk); !w) return w;
      }
      return Ok{};
    });
    if (!st) disable_mirror(st.error().message);
  }
  for (Journal* j : {&primary, mirror.get()}) {
    if (j == nullptr) continue;
    std::vector<std::uint64_t> old;
    for (const auto& [g, seg] : j->segments()) {
      if (g != gen) old.push_back(g);
    }
    for (const std::uint64_t g : old) (void)j->remove_segment(g);  // a leftover is harmless
    j->sync_dir();
  }
  // Re-index in place (callers may hold seqs, never iterators, across a compaction).
  for (auto it = live.begin(); it != live.end();) {
    if (const auto m = moved.find(it->first); m != moved.end()) {
      it->second = m->second;
      ++it;
    } else {
      ++counters.corrupt_on_read;
      pending_bytes -= it->second.size;
      live_other.erase(it->first);
      it = live.erase(it);
    }
  }
  seg_live.clear();
  seg_live[gen] = live.size();
  return Ok{};
}

}  // namespace css::spool
