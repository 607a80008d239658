// The portable path: the kernels of kernels_opt_int8.cpp (or its NEON / Cortex-M4 twin, which
// also supplies add_opt), which need no packing and a gather row of kernel*in_ch int16 values as
// scratch.
#include "kernels/kernel_table.hpp"

#include "runtime/op_params.hpp"

namespace css::nn::detail {
namespace {

std::size_t no_packing(int, int, int) {
  return 0;
}
std::size_t gather_bytes(int in_ch, int kernel) {
  return 2 * static_cast<std::size_t>(kernel) * static_cast<std::size_t>(in_ch);
}
std::size_t window_gather_bytes(int in_ch, int kernel, int, int) {
  return gather_bytes(in_ch, kernel);
}
void pack_nothing(const kernels::ConvQ&, std::uint8_t*) {}

void conv_window(const kernels::ConvQ& p, const std::uint8_t*, int dilation, const std::int8_t* in,
                 int steps, const std::int8_t* zp_row, std::int8_t* out, std::uint8_t* scratch) {
  kernels::conv_window_opt(p, dilation, in, steps, zp_row, out,
                           reinterpret_cast<std::int8_t*>(scratch));
}
void conv_step(const kernels::ConvQ& p, const std::uint8_t*, const std::int8_t* const* taps,
               std::int8_t* out, std::uint8_t* scratch) {
  kernels::conv_step_opt(p, taps, out, reinterpret_cast<std::int8_t*>(scratch));
}

bool has_weights(const OpView& op) {
  return op.type == format::OpType::kConv1d || op.type == format::OpType::kDense;
}
std::size_t round4(std::size_t n) {
  return (n + 3) / 4 * 4;
}

}  // namespace

std::size_t model_scratch_bytes(const Model& m, const KernelTable& kt, std::uint32_t steps) {
  std::size_t need = 1;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    if (!has_weights(op)) continue;
    const int in = op.in_channels;
    const int k = op.type == format::OpType::kDense ? 1 : op.kernel;
    std::size_t s = gather_bytes(in, k);
    const std::size_t simd = steps > 0 && op.type == format::OpType::kConv1d
                                 ? kt.window_scratch_bytes(in, k, op.dilation, int(steps))
                                 : kt.step_scratch_bytes(in, k);
    s = simd > s ? simd : s;
    need = s > need ? s : need;
  }
  return need;
}

std::size_t model_packed_bytes(const Model& m, const KernelTable& kt) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    if (has_weights(op))
      total += round4(kt.packed_bytes(op.in_channels, op.out_channels, op.kernel));
  }
  return total == 0 ? 0 : total + 8 * m.input_channels();
}

void pack_model(const Model& m, const KernelTable& kt, std::uint8_t* arena, std::uint32_t base,
                std::uint32_t* packed_off) {
  auto* norm = reinterpret_cast<float*>(arena + base);
  const std::size_t ch = m.input_channels();
  for (std::size_t c = 0; c < ch; ++c) {
    norm[c] = m.input_mean(c);
    norm[ch + c] = m.input_std(c);
  }
  auto off = static_cast<std::uint32_t>(base + 8 * ch);
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    packed_off[i] = off;
    if (!has_weights(op)) continue;
    const std::size_t bytes = kt.packed_bytes(op.in_channels, op.out_channels, op.kernel);
    if (bytes == 0) continue;
    kt.pack(conv_params(m, op), arena + off);
    off += static_cast<std::uint32_t>(round4(bytes));
  }
}

bool conv_feeds_only_next_add(const Model& m, std::size_t i) {
  if (i + 1 >= m.num_ops() || m.op(i).type != format::OpType::kConv1d) return false;
  const OpView add = m.op(i + 1);
  const std::size_t h = i + 1;  // the conv's output tensor
  if (add.type != format::OpType::kAdd || (add.in0 == h) == (add.in1 == h)) return false;
  for (std::size_t k = 0; k < m.num_ops(); ++k) {
    if (k == i + 1) continue;
    const OpView op = m.op(k);
    if (op.in0 == h || (op.type == format::OpType::kAdd && op.in1 == h)) return false;
  }
  return true;
}

const KernelTable kPortableTable{Isa::kPortable, no_packing,       window_gather_bytes,
                                 gather_bytes,   pack_nothing,     conv_window,
                                 conv_step,      kernels::add_opt, nullptr,
                                 nullptr,        nullptr,          nullptr};

}  // namespace css::nn::detail
