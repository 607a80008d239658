#include "css/sensors/recorded_i2c_bus.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace css::sensors {
namespace {

using Kind = I2cTransaction::Kind;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kWrite:
      return "write";
    case Kind::kRead:
      return "read";
    case Kind::kWriteRead:
      return "write-read";
    case Kind::kDelay:
      return "delay";
  }
  return "?";
}

std::string bytes_text(std::span<const std::uint8_t> b) {
  std::string s;
  for (const std::uint8_t v : b) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X ", v);
    s += buf;
  }
  if (!s.empty()) s.pop_back();
  return s;
}

std::string describe(Kind kind, std::uint8_t addr, std::span<const std::uint8_t> out,
                     std::size_t in_len, std::uint32_t delay) {
  if (kind == Kind::kDelay) return "delay " + std::to_string(delay) + " ms";
  std::string s = std::string(kind_name(kind)) + " " + hex_byte(addr);
  if (!out.empty()) s += " [" + bytes_text(out) + "]";
  if (in_len > 0) s += " reading " + std::to_string(in_len) + " bytes";
  return s;
}

bool parse_hex_byte(std::string_view tok, std::uint8_t& out) {
  if (tok.size() > 2 && (tok.substr(0, 2) == "0x" || tok.substr(0, 2) == "0X"))
    tok.remove_prefix(2);
  unsigned v = 0;
  const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v, 16);
  if (tok.empty() || r.ec != std::errc{} || r.ptr != tok.data() + tok.size() || v > 0xFF) {
    return false;
  }
  out = static_cast<std::uint8_t>(v);
  return true;
}

// One script line → transaction; false with `why` set when it does not parse.
bool parse_line(std::string_view line, I2cTransaction& t, std::string& why) {
  std::istringstream in{std::string(line)};
  std::string verb;
  in >> verb;
  t.nack = !verb.empty() && verb[0] == '!';
  if (t.nack) verb.erase(0, 1);
  std::string tok;
  if (verb == "d") {
    t.kind = Kind::kDelay;
    unsigned long ms = 0;
    if (!(in >> ms) || ms > 60000) return (why = "expected 'd MILLISECONDS'", false);
    t.delay_ms = static_cast<std::uint32_t>(ms);
    return true;
  }
  if (verb == "w")
    t.kind = Kind::kWrite;
  else if (verb == "r")
    t.kind = Kind::kRead;
  else if (verb == "wr")
    t.kind = Kind::kWriteRead;
  else
    return (why = "unknown verb '" + verb + "' (expected w, r, wr, d)", false);
  if (!(in >> tok) || !parse_hex_byte(tok, t.addr)) return (why = "expected an address", false);
  bool reply = false;
  while (in >> tok) {
    if (tok == ":") {
      reply = true;
      continue;
    }
    std::uint8_t b = 0;
    if (!parse_hex_byte(tok, b)) return (why = "bad hex byte '" + tok + "'", false);
    (reply ? t.in : t.out).push_back(b);
  }
  const bool needs_out = t.kind != Kind::kRead;
  const bool needs_in = t.kind != Kind::kWrite;
  if (needs_out == t.out.empty() || needs_in != reply || (needs_in && t.in.empty())) {
    return (why = std::string("wrong bytes for ") + kind_name(t.kind), false);
  }
  return true;
}

}  // namespace

RecordedI2cBus::RecordedI2cBus(std::vector<I2cTransaction> script, std::string name)
    : script_(std::move(script)), name_(std::move(name)) {}

Result<RecordedI2cBus> RecordedI2cBus::from_text(std::string_view text, std::string name) {
  std::vector<I2cTransaction> script;
  int line_no = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    I2cTransaction t;
    t.line = line_no;
    std::string why;
    if (!parse_line(line, t, why)) {
      return make_error(ErrorCode::kParse, name + ":" + std::to_string(line_no) + ": " + why);
    }
    script.push_back(std::move(t));
  }
  return RecordedI2cBus(std::move(script), std::move(name));
}

Result<RecordedI2cBus> RecordedI2cBus::from_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return make_error(ErrorCode::kNotFound, "i2c script " + path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  return from_text(ss.str(), path);
}

Status RecordedI2cBus::write(std::uint8_t addr, std::span<const std::uint8_t> bytes) {
  return step(Kind::kWrite, addr, bytes, {}, 0);
}
Status RecordedI2cBus::read(std::uint8_t addr, std::span<std::uint8_t> in) {
  return step(Kind::kRead, addr, {}, in, 0);
}
Status RecordedI2cBus::write_read(std::uint8_t addr, std::span<const std::uint8_t> out,
                                  std::span<std::uint8_t> in) {
  return step(Kind::kWriteRead, addr, out, in, 0);
}
void RecordedI2cBus::delay_ms(std::uint32_t ms) {
  (void)step(Kind::kDelay, 0, {}, {}, ms);
}

Status RecordedI2cBus::fail(std::string what) {
  if (failure_.empty()) failure_ = name_ + ": " + std::move(what);
  return make_error(ErrorCode::kInvalidArgument, failure_);
}

Status RecordedI2cBus::step(Kind kind, std::uint8_t addr, std::span<const std::uint8_t> out,
                            std::span<std::uint8_t> in, std::uint32_t delay) {
  const std::string got = describe(kind, addr, out, in.size(), delay);
  if (!failure_.empty()) return fail("");
  if (next_ >= script_.size()) return fail("unexpected " + got + " after the script ended");
  const I2cTransaction& t = script_[next_];
  const std::string want = describe(t.kind, t.addr, t.out, t.in.size(), t.delay_ms);
  const bool same =
      t.kind == kind &&
      (kind == Kind::kDelay
           ? delay >= t.delay_ms
           : t.addr == addr && std::equal(out.begin(), out.end(), t.out.begin(), t.out.end()) &&
                 in.size() == t.in.size());
  if (!same) {
    return fail("line " + std::to_string(t.line) + ": expected " + want + ", got " + got);
  }
  ++next_;
  if (t.nack) {
    return make_error(ErrorCode::kIo,
                      name_ + ": device NACK on " + got + " (line " + std::to_string(t.line) + ")");
  }
  std::copy(t.in.begin(), t.in.end(), in.begin());
  return Ok{};
}

Status RecordedI2cBus::verify() const {
  if (!failure_.empty()) return make_error(ErrorCode::kInvalidArgument, failure_);
  if (next_ < script_.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      name_ + ": script not finished: stopped before line " +
                          std::to_string(script_[next_].line));
  }
  return Ok{};
}

}  // namespace css::sensors
