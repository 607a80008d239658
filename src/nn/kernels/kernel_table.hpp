// Private: the int8 kernel set of one instruction-set path, chosen once at init (TFLM style:
// an optimised kernel replaces the reference whole; no #ifdef inside a kernel).
//
// A path may pre-pack each conv/dense op's weights and requantisation parameters into a
// layout its SIMD loads contiguously; the packed bytes live in the caller's arena (planned as
// a buffer that lives for the whole run) and are written by pack() at init. Scratch sizes are
// per path, so the arena plan depends on the path (kPortable keeps the MCU-sized plan).
#pragma once

#include <cstddef>
#include <cstdint>

#include "css/nn/isa.hpp"
#include "css/nn/kernels.hpp"
#include "css/nn/model.hpp"

namespace css::nn::detail {

namespace planes {
struct FusedAdd;
}

// Optional window-mode path over the plane layout (planes_x86.hpp: time in the vector lanes,
// residual adds fused into the preceding conv). The interpreter uses it for every sequence
// tensor when the table has one; `packed` is the op's packed pointer as for conv_window.
struct PlaneKernels {
  bool (*add_fusable)(const kernels::AddQ& q);
  void (*conv)(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
               const std::uint32_t* in, int steps, int pad, std::uint32_t* out,
               const planes::FusedAdd* fuse);
  void (*add)(const kernels::AddQ& q, const std::uint32_t* a, const std::uint32_t* b, int ch,
              int steps, int pad, std::uint32_t* out);
  void (*to_planes)(const std::int8_t* in, int steps, int ch, int pad, std::int32_t zp,
                    std::uint32_t* out);
  void (*pool_sums)(const std::uint32_t* in, int steps, int pad, int ch, int window,
                    std::int32_t zp, std::int32_t* sums);
  // The float epilogue (float_epilogue.hpp): proves, once after pack, the float
  // form of the conv's requantisation and of `add` (nullptr: none), which conv() then runs fused
  // into it, conv_is_a its side; nullptr: conv() runs the integer epilogue.
  void (*prepare)(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
                  bool conv_is_a);
  // True when conv() runs the float epilogue for these records and add (nullptr: never).
  bool (*float_epilogue)(const kernels::ConvQ& p, const std::uint8_t* packed,
                         const planes::FusedAdd* fuse);
};

// A 256-bit plane path (planes_avx2_impl.hpp): its plane records (appended to the path's
// channels-last blocks by the table's pack) and its kernels, whose conv takes the records.
struct PlaneSet256 {
  std::size_t (*packed_bytes)(int in_ch, int out_ch, int kernel);
  void (*pack)(const kernels::ConvQ& p, std::uint8_t* dst);
  PlaneKernels kernels;
};
extern const PlaneSet256 kPlanesAvx2;     // kernels_x86_avx2_planes.cpp (x86-64 builds only)
extern const PlaneSet256 kPlanesAvxVnni;  // kernels_x86_avxvnni_planes.cpp (x86-64 builds only)

// Optional whole-network streaming step (Streaming uses it instead of running op by op when
// bytes() != 0). It owns one arena region holding the rings, running sums and every op's packed
// parameters, and runs a whole sample per call with the newest row in registers, bit-exact
// with the op-by-op path. ring_len: per tensor, as Streaming computes them.
struct StreamKernels {
  // Region size for this model; 0 when its shape is outside what the kernel handles.
  std::size_t (*bytes)(const Model& m, const std::uint16_t* ring_len);
  // Packs the program into the region (4-byte aligned, bytes() long) and resets it.
  void (*init)(const Model& m, const std::uint16_t* ring_len, std::uint8_t* region);
  void (*reset)(std::uint8_t* region);  // every ring to its tensor's zero point, sums to 0
  // One raw sample (input_channels floats); false (state untouched) on a non-finite value.
  // logits_q: at least 16 bytes (the first num_classes are the logits).
  bool (*push)(std::uint8_t* region, const float* sample, std::int8_t* logits_q, float* probs);
};

struct KernelTable {
  Isa isa;
  std::size_t (*packed_bytes)(int in_ch, int out_ch, int kernel);  // 0: no packing
  std::size_t (*window_scratch_bytes)(int in_ch, int kernel, int dilation, int steps);
  std::size_t (*step_scratch_bytes)(int in_ch, int kernel);
  void (*pack)(const kernels::ConvQ& p, std::uint8_t* packed);
  void (*conv_window)(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                      const std::int8_t* in, int steps, const std::int8_t* zp_row, std::int8_t* out,
                      std::uint8_t* scratch);
  void (*conv_step)(const kernels::ConvQ& p, const std::uint8_t* packed,
                    const std::int8_t* const* taps, std::int8_t* out, std::uint8_t* scratch);
  void (*add)(const kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
              std::int8_t* out);
  // Normalise + quantise `steps` raw rows of `ch` floats exactly like detail::quantize_sample
  // (mean/stdv: ch floats each); false on a non-finite input. nullptr: use quantize_sample.
  bool (*quantize)(const float* raw, int steps, int ch, const float* mean, const float* stdv,
                   float scale, std::int32_t zp, std::int8_t* out);
  // Window mode over planes (needs quantize too); nullptr: channels-last, op by op.
  const PlaneKernels* planes;
  // conv_step, then add(conv output, other) (conv_is_a) or add(other, conv output), in one
  // call, bit-exact with the two; nullptr: the two calls.
  void (*conv_step_add)(const kernels::ConvQ& p, const std::uint8_t* packed,
                        const std::int8_t* const* taps, const kernels::AddQ& q,
                        const std::int8_t* other, bool conv_is_a, std::int8_t* out,
                        std::uint8_t* scratch);
  const StreamKernels* stream;  // nullptr: Streaming runs op by op
};

// nullptr when the path is not built or the CPU lacks it; kAuto resolves first.
const KernelTable* kernel_table(Isa isa);

// Model-level helpers shared by Interpreter and Streaming.
// Kernel scratch for every conv/dense op: window mode when steps > 0, else one step. Never
// less than the portable gather row, so a SIMD plan never shrinks a buffer the portable needs.
std::size_t model_scratch_bytes(const Model& m, const KernelTable& kt, std::uint32_t steps);
// Packed bytes: the input mean and std (input_channels floats each), then every conv/dense
// op's packed weights; 0 for the portable path.
std::size_t model_packed_bytes(const Model& m, const KernelTable& kt);
// Packs at arena + base (mean, std, then ops); packed_off[op] = the op's arena offset.
void pack_model(const Model& m, const KernelTable& kt, std::uint8_t* arena, std::uint32_t base,
                std::uint32_t* packed_off);
// Op i is a Conv1d whose output is read by op i + 1, an Add, and by no other op (as exactly one
// of the add's inputs): the pair can run as one fused kernel call.
bool conv_feeds_only_next_add(const Model& m, std::size_t i);

extern const KernelTable kPortableTable;    // kernel_table.cpp
extern const KernelTable kAvx2Table;        // kernels_x86_avx2.cpp (x86-64 builds only)
extern const KernelTable kAvxVnniTable;     // kernels_x86_avx2.cpp (x86-64 builds only)
extern const KernelTable kAvx512Table;      // kernels_x86_avx512.cpp (x86-64 builds only)
extern const StreamKernels kAvx512Stream;   // stream_x86_avx512.cpp (x86-64 builds only)
extern const StreamKernels kAvx2Stream;     // stream_x86_avx2.cpp (x86-64 builds only)
extern const StreamKernels kAvxVnniStream;  // stream_x86_avxvnni.cpp (x86-64 builds only)

}  // namespace css::nn::detail
