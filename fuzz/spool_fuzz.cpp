// libFuzzer target for the spool's recovery: any bytes, taken as a segment file, must give
// (1) a scan whose records are valid, in order and inside the input, and (2) a Spool::open
// that either recovers (every record it returns reads back whole, and the spool keeps
// working: append, ack, reopen) or returns an Error naming the file — never a crash.
// Each input is tried twice: as raw bytes, and re-encoded as well-formed records.
// Built by the "fuzz" preset (fuzz/CMakeLists.txt); seed: seeds/spool_segment.bin.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "css/spool/segment_scan.hpp"
#include "css/spool/spool.hpp"

namespace {

namespace fs = std::filesystem;
using namespace css::spool;

void check_scan(std::span<const std::byte> file) {
  const SegmentScan scan = scan_segment(file);
  std::size_t end = 0;
  for (const ScannedRecord& r : scan.records) {
    if (r.offset < end || r.offset + r.size > file.size()) std::abort();
    const Decoded d = decode_record(file, r.offset);
    if (d.status != DecodeStatus::kOk || d.size != r.size || d.header.seq != r.header.seq) {
      std::abort();
    }
    end = r.offset + r.size;
  }
  if (scan.valid_end != end || scan.valid_end + scan.tail_bytes > file.size()) std::abort();
}

Options options() {
  Options o;
  o.sync = Sync::kNone;
  o.segment_bytes = 4096;
  return o;
}

// Recovers `dir`, checks what it returns, appends and acks; returns {depth, next seq}, or
// {0, 0} if open refused the input.
std::pair<std::size_t, Seq> recover_and_use(const fs::path& dir) {
  auto spool = Spool::open(dir, options());
  if (!spool.ok()) {
    if (spool.error().message.find(dir.string()) == std::string::npos) std::abort();
    return {0, 0};
  }
  auto batch = spool->next_batch(1 << 20);
  if (!batch.ok()) std::abort();
  Seq prev = 0;
  for (const Record& r : *batch) {
    if (r.seq <= prev || r.payload.size() > kMaxPayloadBytes) std::abort();
    prev = r.seq;
  }
  const Seq next = spool->next_seq();
  if (next <= prev && next != UINT64_MAX) std::abort();  // UINT64_MAX: seq space used up
  const std::byte payload[] = {std::byte{'f'}, std::byte{'z'}};
  auto seq = spool->append(Kind::kEvent, payload);
  if (!seq.ok()) return {spool->depth(), next};  // only when the seq space is exhausted
  if (*seq != next) std::abort();
  if (!batch->empty() && !spool->ack(batch->front().seq).ok()) std::abort();
  return {spool->depth(), spool->next_seq()};
}

void check_open(const fs::path& dir) {
  const auto [depth, next] = recover_and_use(dir);
  if (next == 0) return;
  auto again = Spool::open(dir, options());  // what was written must read back the same
  if (!again.ok() || again->depth() != depth || again->next_seq() != next) std::abort();
}

// The same bytes read as a list of records with valid CRCs (kind, seq, payload chosen by the
// input), so that recovery's logic meets odd but well-formed journals: duplicate or
// decreasing seqs, releases of unknown seqs, marks above the data, seqs near 2^64.
std::vector<std::byte> well_formed(std::span<const std::byte> in) {
  std::vector<std::byte> out;
  std::size_t at = 0;
  while (at + 11 <= in.size()) {  // kind, flags, seq (8), payload length; each pass eats >= 11
    const auto kind = static_cast<std::uint8_t>(in[at]) % 20;
    const auto flags = static_cast<std::uint8_t>(in[at + 1]) % 3;
    Seq seq = 0;
    for (int i = 0; i < 8; ++i) seq |= static_cast<Seq>(in[at + 2 + i]) << (8 * i);
    const std::size_t len =
        std::min<std::size_t>(static_cast<std::uint8_t>(in[at + 10]), in.size() - at - 11);
    const auto payload = in.subspan(at + 11, len);
    at += 11 + len;
    if (!is_known_kind(kind)) continue;
    const auto k = static_cast<RecordKind>(kind);
    const auto rec = encode_record(k, k == RecordKind::kRelease ? flags : 0, seq, payload);
    out.insert(out.end(), rec.begin(), rec.end());
  }
  return out;
}

void check_file(std::span<const std::byte> file) {
  // tmpfs when there is one: recovery fsyncs what it repairs, which costs ms on a disk.
  static const fs::path dir =
      (fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
      ("css-spool-fuzz-" + std::to_string(::getpid()));
  check_scan(file);
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "seg-00000000000000000001.log", std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()),
              static_cast<std::streamsize>(file.size()));
  }
  check_open(dir);
  fs::remove_all(dir);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  check_file(bytes);
  check_file(well_formed(bytes));
  return 0;
}
