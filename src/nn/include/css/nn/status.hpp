// Engine status codes. Every fallible call in css::nn returns one of these; there are no
// exceptions. status_name() gives a stable lower_snake name for logs and tests.
#pragma once

#include <cstdint>

namespace css::nn {

enum class Status : std::uint8_t {
  kOk,
  kTruncated,      // file shorter than its header/size fields claim
  kBadMagic,       // not a .csm file
  kBadVersion,     // unsupported format version
  kBadChecksum,    // SHA-256 of the payload does not match the header
  kBadOffset,      // an offset/size points outside the payload or is misaligned
  kBadShape,       // channel counts / lengths inconsistent between ops or with the input
  kBadOp,          // unknown op type or ops in an order the engine cannot run
  kBadParam,       // op parameter out of range (kernel, dilation, scale, multiplier...)
  kTooLarge,       // a count or size beyond the engine's limits (format.hpp)
  kArenaTooSmall,  // caller's arena smaller than required_arena_bytes()
  kBadInput,       // wrong input/output span size, or NaN/Inf in the input
  kNotReady,       // init() not called / failed, or mode not supported by this model
};

const char* status_name(Status s);

}  // namespace css::nn
