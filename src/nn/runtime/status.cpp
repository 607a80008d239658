#include "css/nn/status.hpp"

namespace css::nn {

const char* status_name(Status s) {
  switch (s) {
    case Status::kOk:
      return "ok";
    case Status::kTruncated:
      return "truncated";
    case Status::kBadMagic:
      return "bad_magic";
    case Status::kBadVersion:
      return "bad_version";
    case Status::kBadChecksum:
      return "bad_checksum";
    case Status::kBadOffset:
      return "bad_offset";
    case Status::kBadShape:
      return "bad_shape";
    case Status::kBadOp:
      return "bad_op";
    case Status::kBadParam:
      return "bad_param";
    case Status::kTooLarge:
      return "too_large";
    case Status::kArenaTooSmall:
      return "arena_too_small";
    case Status::kBadInput:
      return "bad_input";
    case Status::kNotReady:
      return "not_ready";
  }
  return "unknown";
}

}  // namespace css::nn
