// Result<T>: a value or an Error, for failures a caller is expected to handle
// (bad input, missing file, broker down). Bugs use exceptions or asserts.
// Error messages name the input and what was expected, and are one line.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace css {

enum class ErrorCode {
  kInvalidArgument,  // a value out of range or of the wrong kind
  kParse,            // malformed text or bytes (JSON, TOML, CSV, NPY)
  kNotFound,         // a file, key or label that does not exist
  kIo,               // the operating system refused a read or write
  kUnsupported,      // a valid input this build cannot handle (e.g. big-endian NPY)
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace css
