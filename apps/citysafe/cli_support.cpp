#include "cli_support.hpp"

#include <iostream>

namespace css::cli {

void print_error(const std::string& message) {
  std::cerr << "citysafe: error: " << message << '\n';
}

int report(const Error& error) {
  print_error(error.message);
  return error.code == ErrorCode::kIo ? kExitFailure : kExitUsage;
}

}  // namespace css::cli
