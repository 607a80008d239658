// Memory budget of a run: a command that will hold a large amount of data (a generated
// dataset, a long evaluation stream) estimates the bytes first and asks here whether they
// fit, so a run that cannot fit ends with a one-line ErrorCode::kIo error
// (the machine cannot give the memory: a run-time failure, exit 1) naming the
// figure instead of std::bad_alloc or the kernel's OOM killer half-way through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css {

// Memory a new allocation can get without swapping: MemAvailable of /proc/meminfo on Linux,
// else the physical memory; nullopt when the platform does not say.
std::optional<std::uint64_t> available_memory_bytes();

// "1.5 GiB", "320 MiB", "12 KiB", "100 B".
std::string format_bytes(double bytes);

// Ok when `bytes` fit both the documented `limit_bytes` (0: no limit) and the memory
// available now; else kIo: "<what> needs ~X of memory; <which limit> is Y".
Status check_memory(double bytes, std::string_view what, double limit_bytes = 0.0);

}  // namespace css
