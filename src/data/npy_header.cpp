#include "npy_header.hpp"

#include <limits>
#include <optional>

#include "css/data/npy.hpp"

namespace css::data::detail {

namespace {

// numpy never writes more than 32 dimensions (NPY_MAXDIMS in numpy 1.x).
constexpr std::size_t kMaxDims = 32;

Error header_error(const std::string& what) {
  return make_error(ErrorCode::kParse, "NPY header: " + what);
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool consume_word(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

  std::optional<std::string> string() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return std::nullopt;
    const char quote = text_[pos_++];
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\')
        return std::nullopt;  // numpy never escapes; refuse rather than guess
      ++pos_;
    }
    if (pos_ >= text_.size()) return std::nullopt;
    return std::string(text_.substr(start, pos_++ - start));
  }

  // A non-negative decimal integer (optionally with Python 2's 'L' suffix).
  std::optional<std::size_t> integer() {
    skip_space();
    const std::size_t start = pos_;
    std::size_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<std::size_t>(text_[pos_] - '0');
      if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) return std::nullopt;
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;
    return v;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Result<std::string> canonical_dtype(const std::string& descr) {
  if (descr.size() < 3) return header_error("descr '" + descr + "' is not a numpy type string");
  const char order = descr[0];
  const std::string kind = descr.substr(1);
  if (kind == "u1" || kind == "i1") {
    if (order != '|' && order != '<' && order != '>' && order != '=') {
      return header_error("descr '" + descr + "' has an unknown byte order");
    }
    return std::string("|") + kind;
  }
  if (kind != "f4" && kind != "f8" && kind != "i4" && kind != "i8") {
    return make_error(
        ErrorCode::kUnsupported,
        "NPY header: dtype '" + descr + "' is not supported (expected <f4 <f8 |u1 |i1 <i4 <i8)");
  }
  if (order == '>') {
    return make_error(ErrorCode::kUnsupported,
                      "NPY header: big-endian dtype '" + descr + "' is not supported");
  }
  if (order != '<') return header_error("descr '" + descr + "' needs an explicit '<' byte order");
  return std::string("<") + kind;
}

Result<std::vector<std::size_t>> parse_shape(Cursor& cur) {
  if (!cur.consume('(')) return header_error("'shape' must be a tuple of integers");
  std::vector<std::size_t> shape;
  while (!cur.consume(')')) {
    const std::optional<std::size_t> dim = cur.integer();
    if (!dim) return header_error("'shape' holds something other than a non-negative integer");
    shape.push_back(*dim);
    if (shape.size() > kMaxDims) return header_error("'shape' has more than 32 dimensions");
    if (!cur.consume(',') && !cur.peek(')')) return header_error("'shape' tuple is malformed");
  }
  return shape;
}

}  // namespace

Result<NpyHeader> parse_npy_header(std::string_view text) {
  Cursor cur(text);
  if (!cur.consume('{')) return header_error("bad dict: expected '{'");
  NpyHeader out;
  bool have_descr = false;
  bool have_order = false;
  bool have_shape = false;
  while (!cur.consume('}')) {
    const std::optional<std::string> key = cur.string();
    if (!key) return header_error("bad dict: expected a quoted key");
    if (!cur.consume(':')) return header_error("bad dict: expected ':' after '" + *key + "'");
    if (*key == "descr") {
      if (have_descr) return header_error("bad dict: duplicate key 'descr'");
      const std::optional<std::string> descr = cur.string();
      if (!descr)
        return header_error("'descr' must be a type string (structured dtypes unsupported)");
      Result<std::string> dtype = canonical_dtype(*descr);
      if (!dtype) return dtype.error();
      out.dtype = *dtype;
      have_descr = true;
    } else if (*key == "fortran_order") {
      if (have_order) return header_error("bad dict: duplicate key 'fortran_order'");
      if (cur.consume_word("True")) {
        return make_error(ErrorCode::kUnsupported,
                          "NPY header: fortran_order True is not supported (expected C order)");
      }
      if (!cur.consume_word("False")) return header_error("'fortran_order' must be False or True");
      have_order = true;
    } else if (*key == "shape") {
      if (have_shape) return header_error("bad dict: duplicate key 'shape'");
      Result<std::vector<std::size_t>> shape = parse_shape(cur);
      if (!shape) return shape.error();
      out.shape = std::move(*shape);
      have_shape = true;
    } else {
      return header_error("bad dict: unexpected key '" + *key + "'");
    }
    if (!cur.consume(',') && !cur.peek('}')) return header_error("bad dict: expected ',' or '}'");
  }
  if (!cur.at_end()) return header_error("bad dict: trailing characters after '}'");
  if (!have_descr || !have_order || !have_shape) {
    return header_error("bad dict: needs the keys 'descr', 'fortran_order' and 'shape'");
  }
  return out;
}

}  // namespace css::data::detail
