#include "css/data/npy.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "css/core/file_io.hpp"
#include "npy_header.hpp"

namespace css::data {

static_assert(std::endian::native == std::endian::little,
              "NPY data is stored little-endian and copied as-is");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
constexpr std::size_t kAlign = 64;  // numpy >= 1.9 aligns the data start to 64 bytes

std::uint32_t read_le(std::span<const std::byte> b, std::size_t off, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(b[off + i])) << (8 * i);
  }
  return v;
}

Error parse_error(const std::string& what) {
  return make_error(ErrorCode::kParse, "NPY: " + what);
}

template <typename T>
constexpr std::string_view dtype_of() {
  if constexpr (std::is_same_v<T, float>) return "<f4";
  if constexpr (std::is_same_v<T, double>) return "<f8";
  if constexpr (std::is_same_v<T, std::uint8_t>) return "|u1";
  if constexpr (std::is_same_v<T, std::int8_t>) return "|i1";
  if constexpr (std::is_same_v<T, std::int32_t>) return "<i4";
  if constexpr (std::is_same_v<T, std::int64_t>) return "<i8";
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

// prod(shape) * itemsize, or nullopt when it does not fit in size_t.
std::optional<std::size_t> byte_count(const std::vector<std::size_t>& shape, std::size_t itemsize) {
  std::size_t n = itemsize;
  for (std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

}  // namespace

std::size_t NpyArray::element_count() const {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

std::size_t npy_itemsize(std::string_view dtype) {
  if (dtype == "<f4" || dtype == "<i4") return 4;
  if (dtype == "<f8" || dtype == "<i8") return 8;
  if (dtype == "|u1" || dtype == "|i1") return 1;
  return 0;
}

Result<NpyArray> parse_npy(std::span<const std::byte> bytes) {
  if (bytes.size() < kMagicLen + 4 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    return parse_error("bad magic: not an NPY file (expected \\x93NUMPY)");
  }
  const auto major = std::to_integer<unsigned>(bytes[6]);
  const auto minor = std::to_integer<unsigned>(bytes[7]);
  std::size_t len_bytes = 0;
  if (major == 1) {
    len_bytes = 2;
  } else if (major == 2 || major == 3) {
    len_bytes = 4;
  } else {
    return make_error(ErrorCode::kUnsupported, "NPY: format version " + std::to_string(major) +
                                                   "." + std::to_string(minor) +
                                                   " is not supported (expected 1.x, 2.x or 3.x)");
  }
  const std::size_t header_start = kMagicLen + 2 + len_bytes;
  if (bytes.size() < header_start) return parse_error("file ends inside the header length");
  const std::size_t header_len = read_le(bytes, kMagicLen + 2, len_bytes);
  if (header_len > bytes.size() - header_start) {
    return parse_error("header length " + std::to_string(header_len) + " runs past the end of " +
                       std::to_string(bytes.size()) + " bytes");
  }
  const std::string_view header(reinterpret_cast<const char*>(bytes.data() + header_start),
                                header_len);
  Result<detail::NpyHeader> parsed = detail::parse_npy_header(header);
  if (!parsed) return parsed.error();

  NpyArray array;
  array.dtype = std::move(parsed->dtype);
  array.shape = std::move(parsed->shape);
  const std::size_t itemsize = npy_itemsize(array.dtype);
  const std::optional<std::size_t> need = byte_count(array.shape, itemsize);
  if (!need)
    return parse_error("shape " + shape_text(array.shape) + " overflows the address space");
  const std::size_t data_start = header_start + header_len;
  const std::size_t have = bytes.size() - data_start;
  if (have != *need) {
    return parse_error("shape " + shape_text(array.shape) + " of " + array.dtype + " needs " +
                       std::to_string(*need) + " data bytes but the file has " +
                       std::to_string(have));
  }
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_start), bytes.end());
  return array;
}

Result<NpyArray> read_npy(const std::filesystem::path& path) {
  Result<std::vector<std::byte>> bytes = io::read_file(path);
  if (!bytes) return bytes.error();
  Result<NpyArray> array = parse_npy(*bytes);
  if (!array) return make_error(array.error().code, path.string() + ": " + array.error().message);
  return array;
}

Result<std::vector<std::byte>> serialize_npy(const NpyArray& array) {
  std::string dtype = array.dtype;
  if (dtype == "<u1" || dtype == "=u1") dtype = "|u1";
  if (dtype == "<i1" || dtype == "=i1") dtype = "|i1";
  const std::size_t itemsize = npy_itemsize(dtype);
  if (itemsize == 0) {
    return make_error(ErrorCode::kUnsupported, "NPY: cannot write dtype '" + array.dtype + "'");
  }
  const std::optional<std::size_t> need = byte_count(array.shape, itemsize);
  if (!need || *need != array.data.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "NPY: shape " + shape_text(array.shape) + " of " + dtype +
                          " does not match " + std::to_string(array.data.size()) + " data bytes");
  }
  std::string header = "{'descr': '" + dtype +
                       "', 'fortran_order': False, 'shape': " + shape_text(array.shape) + ", }";
  std::size_t prefix = kMagicLen + 2 + 2;
  if (header.size() + 1 + prefix > 65535) prefix = kMagicLen + 2 + 4;  // needs version 2.0
  const std::size_t total = prefix + header.size() + 1;
  header.append((kAlign - total % kAlign) % kAlign, ' ');
  header.push_back('\n');

  std::vector<std::byte> out;
  out.reserve(prefix + header.size() + array.data.size());
  for (std::size_t i = 0; i < kMagicLen; ++i) out.push_back(static_cast<std::byte>(kMagic[i]));
  out.push_back(std::byte{prefix == 10 ? std::uint8_t{1} : std::uint8_t{2}});
  out.push_back(std::byte{0});
  const std::size_t len_bytes = prefix - kMagicLen - 2;
  for (std::size_t i = 0; i < len_bytes; ++i) {
    out.push_back(static_cast<std::byte>((header.size() >> (8 * i)) & 0xFFU));
  }
  for (char c : header) out.push_back(static_cast<std::byte>(c));
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

Status write_npy(const std::filesystem::path& path, const NpyArray& array) {
  Result<std::vector<std::byte>> bytes = serialize_npy(array);
  if (!bytes) return make_error(bytes.error().code, path.string() + ": " + bytes.error().message);
  return io::write_file(path, *bytes);
}

template <typename T>
Result<NpyArray> make_npy(std::vector<std::size_t> shape, std::span<const T> values) {
  NpyArray array;
  array.dtype = std::string(dtype_of<T>());
  array.shape = std::move(shape);
  const std::optional<std::size_t> need = byte_count(array.shape, sizeof(T));
  if (!need || *need != values.size_bytes()) {
    return make_error(ErrorCode::kInvalidArgument, "NPY: shape " + shape_text(array.shape) +
                                                       " does not hold " +
                                                       std::to_string(values.size()) + " values");
  }
  array.data.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(array.data.data(), values.data(), values.size_bytes());
  return array;
}

template <typename T>
Result<std::vector<T>> npy_values(const NpyArray& array) {
  if (array.dtype != dtype_of<T>() || array.data.size() % sizeof(T) != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "NPY: expected dtype " + std::string(dtype_of<T>()) + ", got " + array.dtype);
  }
  std::vector<T> values(array.data.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), array.data.data(), array.data.size());
  return values;
}

std::vector<double> npy_as_double(const NpyArray& array) {
  const auto widen = [&](auto tag) {
    using T = decltype(tag);
    std::vector<double> out(array.data.size() / sizeof(T));
    for (std::size_t i = 0; i < out.size(); ++i) {
      T v;
      std::memcpy(&v, array.data.data() + i * sizeof(T), sizeof(T));
      out[i] = static_cast<double>(v);
    }
    return out;
  };
  if (array.dtype == "<f4") return widen(float{});
  if (array.dtype == "<f8") return widen(double{});
  if (array.dtype == "|u1") return widen(std::uint8_t{});
  if (array.dtype == "|i1") return widen(std::int8_t{});
  if (array.dtype == "<i4") return widen(std::int32_t{});
  if (array.dtype == "<i8") return widen(std::int64_t{});
  return {};
}

#define CSS_NPY_INSTANTIATE(T)                                                         \
  template Result<NpyArray> make_npy<T>(std::vector<std::size_t>, std::span<const T>); \
  template Result<std::vector<T>> npy_values<T>(const NpyArray&);
CSS_NPY_INSTANTIATE(float)
CSS_NPY_INSTANTIATE(double)
CSS_NPY_INSTANTIATE(std::uint8_t)
CSS_NPY_INSTANTIATE(std::int8_t)
CSS_NPY_INSTANTIATE(std::int32_t)
CSS_NPY_INSTANTIATE(std::int64_t)
#undef CSS_NPY_INSTANTIATE

}  // namespace css::data
