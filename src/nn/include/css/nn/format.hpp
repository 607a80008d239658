// The .csm on-disk layout (docs/model-format.md is the byte-by-byte description; this header
// is its single source of constants). All integers and floats are little-endian; arrays are
// read in place (zero-copy), so array offsets are 4-byte aligned and the host must be
// little-endian. Offsets inside the payload are relative to the payload start.
#pragma once

#include <cstddef>
#include <cstdint>

namespace css::nn::format {

inline constexpr std::uint8_t kMagic[4] = {'C', 'S', 'S', 'M'};
inline constexpr std::uint16_t kVersion = 1;
inline constexpr std::uint32_t kHeaderSize = 64;     // fixed file header before the payload
inline constexpr std::uint32_t kInfoSize = 64;       // model info block at payload offset 0
inline constexpr std::uint32_t kOpSize = 72;         // one op record
inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;  // "no array" offset

// File header field offsets.
inline constexpr std::size_t kHdrMagic = 0;         // u8[4]
inline constexpr std::size_t kHdrVersion = 4;       // u16
inline constexpr std::size_t kHdrHeaderSize = 6;    // u16 (= 64)
inline constexpr std::size_t kHdrFileSize = 8;      // u32 total bytes incl. header
inline constexpr std::size_t kHdrPayloadSize = 12;  // u32 = file size - 64
inline constexpr std::size_t kHdrSha256 = 16;       // u8[32] SHA-256 of the payload
inline constexpr std::size_t kHdrFlags = 48;        // u32, must be 0 in version 1

// Info block field offsets (payload-relative).
inline constexpr std::size_t kInfoWindow = 0;       // u32 samples pooled per window
inline constexpr std::size_t kInfoInputCh = 4;      // u16
inline constexpr std::size_t kInfoClasses = 6;      // u16
inline constexpr std::size_t kInfoNumOps = 8;       // u16
inline constexpr std::size_t kInfoNumMeta = 10;     // u16 metadata key/value pairs
inline constexpr std::size_t kInfoInputScale = 12;  // f32 input tensor scale
inline constexpr std::size_t kInfoInputZp = 16;     // i32 input tensor zero point
inline constexpr std::size_t kInfoOpsOff = 20;      // u32 op records
inline constexpr std::size_t kInfoNormOff = 24;     // u32 f32 mean[C], f32 std[C]
inline constexpr std::size_t kInfoClassesOff = 28;  // u32 string table, num_classes entries
inline constexpr std::size_t kInfoMetaOff = 32;     // u32 string table, 2*num_meta entries
inline constexpr std::size_t kInfoFlags = 36;       // u32 bit 0: float weights present

inline constexpr std::uint32_t kFlagFloatWeights = 1u;
inline constexpr std::uint8_t kOpFlagRelu = 1u;

// Op record field offsets (relative to the record).
inline constexpr std::size_t kOpType = 0;       // u8 OpType
inline constexpr std::size_t kOpFlags = 1;      // u8 bit 0 = fused ReLU
inline constexpr std::size_t kOpIn0 = 2;        // u16 tensor id
inline constexpr std::size_t kOpIn1 = 4;        // u16 tensor id (add only)
inline constexpr std::size_t kOpOutCh = 6;      // u16
inline constexpr std::size_t kOpKernel = 8;     // u16
inline constexpr std::size_t kOpDilation = 10;  // u16
inline constexpr std::size_t kOpOutScale = 16;  // f32
inline constexpr std::size_t kOpOutZp = 20;     // i32
inline constexpr std::size_t kOpQ = 24;         // i32[6] op-level fixed-point parameters
inline constexpr std::size_t kOpArrays = 48;    // u32[6] array offsets (ArraySlot order)

enum class OpType : std::uint8_t {
  kConv1d = 1,         // causal dilated conv, weights [out][kernel][in]; also 1x1 projection
  kAdd = 2,            // elementwise residual add of two sequences
  kGlobalAvgPool = 3,  // mean over the last `window` time steps -> vector
  kDense = 4,          // vector -> vector, weights [out][in]
  kSoftmax = 5,        // vector -> float probabilities (always the last op)
};

// Array slots of an op record. Sizes for conv (K = kernel, I = in, O = out) / dense (K = 1).
enum ArraySlot : std::size_t {
  kArrWeightsQ = 0,  // i8[O*K*I]
  kArrWeightScale,   // f32[O] per-output-channel symmetric scale
  kArrBiasQ,         // i32[O] bias in units of in_scale*w_scale[o]
  kArrRequant,       // i32[3*O]: multiplier[O], shift[O], bias_eff[O] = bias_q - zp_in*sum(w)
  kArrWeightsF,      // f32[O*K*I] or kNone
  kArrBiasF,         // f32[O] or kNone
  kArrCount
};

// Engine limits (kTooLarge beyond these). Chosen for MCU-sized TCNs.
inline constexpr std::uint32_t kMaxOps = 64;
inline constexpr std::uint32_t kMaxChannels = 256;
inline constexpr std::uint32_t kMaxKernel = 16;
inline constexpr std::uint32_t kMaxDilation = 1024;
inline constexpr std::uint32_t kMaxWindow = 4096;
inline constexpr std::uint32_t kMaxClasses = 64;
inline constexpr std::uint32_t kMaxFileBytes = 16u << 20;
inline constexpr std::uint32_t kMaxStringBytes = 4096;

}  // namespace css::nn::format
