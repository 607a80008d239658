// Internal: the NPY header is a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 13), }
// This is a strict parser for exactly that subset; anything else is an Error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::data::detail {

struct NpyHeader {
  std::string dtype;  // canonical, see npy_itemsize()
  std::vector<std::size_t> shape;
};

Result<NpyHeader> parse_npy_header(std::string_view text);

}  // namespace css::data::detail
