// NPY: numpy's array file format (format spec: numpy.lib.format, NEP 1).
// Reads versions 1.0, 2.0 and 3.0; writes 1.0 (2.0 when the header needs it).
// Only little-endian, C-order arrays of the dtypes in kNpyDtypes are handled.
// The parser takes untrusted bytes: every length and shape is checked (with
// overflow checks) and malformed input is an Error, never undefined behaviour.
// NpyArray owns its bytes; values are stored little-endian exactly as on disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::data {

struct NpyArray {
  std::string dtype;  // canonical numpy descr: "<f4" "<f8" "|u1" "|i1" "<i4" "<i8"
  std::vector<std::size_t> shape;
  std::vector<std::byte> data;  // C order, little-endian, size = prod(shape) * itemsize

  std::size_t element_count() const;
};

// Bytes per element of a canonical dtype, 0 if the dtype is not supported.
std::size_t npy_itemsize(std::string_view dtype);

Result<NpyArray> parse_npy(std::span<const std::byte> bytes);
Result<NpyArray> read_npy(const std::filesystem::path& path);
// Serialises to NPY v1.0 bytes (header padded so the data starts at a multiple of 64).
Result<std::vector<std::byte>> serialize_npy(const NpyArray& array);
// Atomic: writes <path>.tmp, then renames it over <path>; no partial file is left on failure.
Status write_npy(const std::filesystem::path& path, const NpyArray& array);

// Typed helpers. T is one of float, double, std::uint8_t, std::int8_t, std::int32_t,
// std::int64_t. make_npy requires values.size() == prod(shape) (checked: error otherwise).
template <typename T>
Result<NpyArray> make_npy(std::vector<std::size_t> shape, std::span<const T> values);
// The values of an array whose dtype is exactly T's; an error names both dtypes otherwise.
template <typename T>
Result<std::vector<T>> npy_values(const NpyArray& array);
// Any supported dtype widened to double (integers up to 2^53 are exact).
std::vector<double> npy_as_double(const NpyArray& array);

}  // namespace css::data
