#include "css/sensors/pms7003.hpp"

#include <algorithm>

namespace css::sensors {
namespace {

constexpr std::uint8_t kStart1 = 0x42;
constexpr std::uint8_t kStart2 = 0x4D;
constexpr unsigned kFrameLength = 28;  // 2 × 13 data + 2 check bytes

unsigned be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<unsigned>((b[at] << 8) | b[at + 1]);
}

unsigned checksum(std::span<const std::uint8_t> frame) {
  unsigned sum = 0;
  for (std::size_t i = 0; i + 2 < kPms7003FrameBytes; ++i) sum += frame[i];
  return sum & 0xFFFFU;
}

}  // namespace

Result<Pms7003Frame> pms7003_decode(std::span<const std::uint8_t> f) {
  if (f.size() != kPms7003FrameBytes) {
    return make_error(ErrorCode::kParse,
                      "pms7003: expected a 32-byte frame, got " + std::to_string(f.size()));
  }
  if (f[0] != kStart1 || f[1] != kStart2) {
    return make_error(ErrorCode::kParse, "pms7003: frame does not start with 0x42 0x4D");
  }
  if (be16(f, 2) != kFrameLength) {
    return make_error(ErrorCode::kParse,
                      "pms7003: frame length " + std::to_string(be16(f, 2)) + ", expected 28");
  }
  if (checksum(f) != be16(f, 30)) {
    return make_error(ErrorCode::kParse, "pms7003: check code " + std::to_string(be16(f, 30)) +
                                             " differs from the byte sum " +
                                             std::to_string(checksum(f)));
  }
  Pms7003Frame out;
  for (std::size_t i = 0; i < 3; ++i) {
    out.pm_cf1_ugm3[i] = static_cast<std::uint16_t>(be16(f, 4 + 2 * i));
    out.pm_atm_ugm3[i] = static_cast<std::uint16_t>(be16(f, 10 + 2 * i));
  }
  for (std::size_t i = 0; i < 6; ++i) {
    out.counts_per_01l[i] = static_cast<std::uint16_t>(be16(f, 16 + 2 * i));
  }
  out.version = f[28];
  out.error_code = f[29];
  return out;
}

std::size_t Pms7003Parser::feed(std::span<const std::uint8_t> bytes,
                                std::vector<Pms7003Frame>& out) {
  std::size_t produced = 0;
  for (const std::uint8_t b : bytes) push(b, out, produced);
  return produced;
}

void Pms7003Parser::push(std::uint8_t b, std::vector<Pms7003Frame>& out, std::size_t& produced) {
  buf_[len_++] = b;
  // Bounded: each pass of this loop drops at least one byte from buf_.
  while (len_ > 0) {
    if (buf_[0] != kStart1) {
      ++counters_.garbage_bytes;
      resync();
      continue;
    }
    if (len_ >= 2 && buf_[1] != kStart2) {
      ++counters_.garbage_bytes;
      resync();
      continue;
    }
    if (len_ >= 4 && be16(buf_, 2) != kFrameLength) {
      ++counters_.bad_length;
      resync();
      continue;
    }
    if (len_ < kPms7003FrameBytes) return;
    auto frame = pms7003_decode(buf_);
    if (!frame.ok()) {
      ++counters_.bad_checksum;
      resync();
      continue;
    }
    out.push_back(*frame);
    ++produced;
    ++counters_.frames;
    len_ = 0;
    return;
  }
}

void Pms7003Parser::resync() {
  std::copy(buf_.begin() + 1, buf_.begin() + static_cast<std::ptrdiff_t>(len_), buf_.begin());
  --len_;
}

Result<EnvReadings> Pms7003Sensor::sample(double t_s) {
  std::array<std::uint8_t, 256> chunk{};
  std::vector<Pms7003Frame> frames;
  for (int i = 0; i < 16; ++i) {  // a bounded drain: 16 × 256 bytes ≫ one frame per second
    auto n = port_.read(chunk, i == 0 ? wait_ms_ : 0);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    parser_.feed(std::span<const std::uint8_t>(chunk.data(), *n), frames);
  }
  if (!frames.empty()) {
    last_ = frames.back();
    last_t_s_ = t_s;
    have_frame_ = true;
  }
  if (!have_frame_ || t_s - last_t_s_ > max_age_s_) {
    return make_error(ErrorCode::kIo, "pms7003 on " + port_.path() +
                                          ": no valid frame in the last " +
                                          std::to_string(max_age_s_) + " s");
  }
  EnvReadings r;
  r.set(Quantity::kPm1Ugm3, last_.pm_atm_ugm3[0]);
  r.set(Quantity::kPm25Ugm3, last_.pm_atm_ugm3[1]);
  r.set(Quantity::kPm10Ugm3, last_.pm_atm_ugm3[2]);
  return r;
}

}  // namespace css::sensors
