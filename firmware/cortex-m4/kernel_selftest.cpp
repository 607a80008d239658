// Kernel self-test image (css_fw_m4_selftest.elf): runs the Cortex-M4 kernels (src/nn/kernels/m4:
// kernels_m4.cpp conv_window_opt / conv_step_opt, add_m4.cpp's add_opt) against the engine's
// reference kernels on seeded random shapes and parameters inside QEMU, including the edges of the
// 32-bit requantisation paths (shift 0, large biases, act_max < 127, positive shifts) that must
// fall back, power-of-two multipliers (rounding ties) and activation floors above and below the
// output zero point (the ReLU requantisation variant), and checks nothing is written past the
// output. The host cannot execute SMLAD/SMMULR, so this is where those paths are proven.
// startup_m4.cpp calls run_demo(); in this image that is the self-test. Exit status: the number
// of failed cases (0 = all bit-exact).
#include <cstddef>
#include <cstdint>

#include "css/nn/kernels.hpp"
#include "demo.hpp"
#include "print.hpp"

namespace css::fw {
namespace {

namespace k = nn::kernels;

// xorshift32 (Marsaglia 2003): deterministic, no libc state.
struct Rng {
  std::uint32_t s = 0x2545F491U;
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  int range(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(next() % static_cast<std::uint32_t>(hi - lo + 1));
  }
  std::int8_t byte() { return static_cast<std::int8_t>(next() & 0xFFU); }
};

constexpr int kMaxIn = 24, kMaxOut = 24, kMaxKernel = 5, kMaxSteps = 160, kSlack = 8;
std::int8_t g_weights[kMaxOut * kMaxKernel * kMaxIn];
std::int32_t g_bias[kMaxOut], g_mult[kMaxOut], g_shift[kMaxOut];
alignas(4) std::int8_t g_in[kMaxSteps * kMaxIn + kSlack];
std::int8_t g_zp_row[kMaxIn + kSlack];
std::int8_t g_out_ref[kMaxSteps * kMaxOut], g_out_opt[kMaxSteps * kMaxOut + kSlack];
constexpr std::int8_t kCanary = 0x5A;
alignas(4) std::int8_t g_scratch[2 * kMaxKernel * kMaxIn + kSlack];

std::int32_t random_multiplier(Rng& r) {
  return static_cast<std::int32_t>((1U << 30) | (r.next() & ((1U << 30) - 1U)));
}

bool same(const std::int8_t* a, const std::int8_t* b, int n) {
  for (int i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// One random conv layer, window and step mode; returns false on a mismatch.
bool conv_case(Rng& r, int index) {
  k::ConvQ p;
  p.in_ch = r.range(1, kMaxIn);
  p.out_ch = r.range(1, kMaxOut);
  p.kernel = r.range(1, kMaxKernel);
  // Some with a wide dilation (the shipped model's last blocks: 16, 32, 64): many short phases.
  const int dilation = index % 16 == 1 || index % 16 == 10 ? r.range(5, 70) : r.range(1, 4);
  // Mostly short; every 8th long enough that a dilated layer's phases need several segments.
  const int steps = index % 8 == 2 ? r.range(100, kMaxSteps) : r.range(1, 48);
  const int n = p.kernel * p.in_ch;
  for (int i = 0; i < p.out_ch * n; ++i) g_weights[i] = r.byte();
  const int variant = index % 8;  // 0..4 typical, 5..7 edges
  for (int o = 0; o < p.out_ch; ++o) {
    g_bias[o] = r.range(-40000, 40000);
    g_mult[o] = random_multiplier(r);
    g_shift[o] = -r.range(1, 14);
    if (variant == 5 && o % 3 == 0) g_shift[o] = 0;         // exponent 0: slow path
    if (variant == 6 && o == 0) g_bias[o] = (1 << 30) - 5;  // bound check fails
    if (variant == 7) g_shift[o] = r.range(0, 2);           // left shifts
    if (variant == 4 && o % 2 == 0) g_mult[o] = 1 << 30;    // power of two: rounding ties
    if (variant == 4 && o % 4 == 1) {  // an exact negative tie: high = -2^(e-1), rounds to -1
      for (int i = 0; i < n; ++i) g_weights[o * n + i] = 0;
      g_mult[o] = 1 << 30;  // high = floor((bias + 1) / 2)
      g_bias[o] = -(1 << -g_shift[o]) - (o % 8 == 1 ? 0 : 1);
    }
  }
  p.weights = g_weights;
  p.bias_eff = g_bias;
  p.multiplier = g_mult;
  p.shift = g_shift;
  p.out_zp = r.range(-128, 127);
  if (index % 4 == 3) p.out_zp = -128;  // with act_min -128 below: the no-clamp ReLU variant
  p.act_min = index % 2 ? p.out_zp : -128;
  if (index % 16 == 11) p.act_min = r.range(p.out_zp, 127);           // ReLU with a raised floor
  if (index % 16 == 13) p.act_min = r.range(-128, p.out_zp);          // floor below the zero point
  if (index % 16 == 12 && p.out_zp > -128) p.act_min = p.out_zp - 1;  // with ties (variant 4)
  p.act_max = index % 5 == 4 ? r.range(p.act_min, 127) : 127;
  for (int i = 0; i < steps * p.in_ch + kSlack; ++i) g_in[i] = r.byte();
  for (int i = 0; i < steps * p.out_ch + kSlack; ++i) g_out_opt[i] = kCanary;
  const std::int8_t zp = r.byte();
  for (int i = 0; i < p.in_ch; ++i) g_zp_row[i] = zp;

  k::conv_window_ref(p, dilation, g_in, steps, g_zp_row, g_out_ref);
  k::conv_window_opt(p, dilation, g_in, steps, g_zp_row, g_out_opt, g_scratch);
  bool ok = same(g_out_ref, g_out_opt, steps * p.out_ch);
  for (int i = steps * p.out_ch; i < steps * p.out_ch + kSlack; ++i)
    ok = ok && g_out_opt[i] == kCanary;  // nothing written past the output

  const std::int8_t* taps[kMaxKernel];
  const int t = steps - 1;
  for (int j = 0; j < p.kernel; ++j) {
    const int src = t - (p.kernel - 1 - j) * dilation;
    taps[j] = src >= 0 ? g_in + src * p.in_ch : g_zp_row;
  }
  k::conv_step_ref(p, taps, g_out_ref);
  for (int i = 0; i < p.out_ch + kSlack; ++i) g_out_opt[i] = kCanary;
  k::conv_step_opt(p, taps, g_out_opt, g_scratch);
  ok = ok && same(g_out_ref, g_out_opt, p.out_ch);
  for (int i = p.out_ch; i < p.out_ch + kSlack; ++i) ok = ok && g_out_opt[i] == kCanary;
  if (!ok) {
    Printer pr;
    pr.text("FAIL conv case ").integer(index).text(" in ").integer(p.in_ch).text(" out ");
    pr.integer(p.out_ch).text(" k ").integer(p.kernel).text(" d ").integer(dilation).line();
  }
  return ok;
}

// One random add; n alternates between the direct and the table path.
bool add_case(Rng& r, int index) {
  k::AddQ p;
  p.a_zp = r.range(-128, 127);
  p.b_zp = r.range(-128, 127);
  p.out_zp = r.range(-128, 127);
  if (index % 4 == 3) p.out_zp = -128;  // with act_min -128 below: the no-clamp ReLU variant
  p.a_mult = random_multiplier(r);
  p.b_mult = random_multiplier(r);
  p.out_mult = random_multiplier(r);
  p.a_shift = -r.range(0, 3);
  p.b_shift = -r.range(0, 3);
  p.out_shift = -r.range(16, 22);  // terms are scaled by 2^20: outputs land in int8 range
  if (index % 3 == 1) p.out_shift = -r.range(1, 24);
  if (index % 5 == 3) {  // power-of-two scales: exact ties, rounding direction decides
    p.a_mult = p.b_mult = p.out_mult = 1 << 30;
    p.a_shift = -r.range(0, 1);
    p.b_shift = -r.range(0, 1);
    p.out_shift = -r.range(17, 20);
  }
  if (index % 6 == 1 || index % 6 == 4) {  // one exact term (writer-made adds): half-row path
    std::int32_t& m = index % 4 == 1 ? p.a_mult : p.b_mult;
    std::int32_t& shift = index % 4 == 1 ? p.a_shift : p.b_shift;
    m = 1 << 30;
    shift = 0;
    std::int32_t& other = index % 4 == 1 ? p.b_shift : p.a_shift;
    // 0 and 5 must fall back; with power-of-two scales (index % 5 == 3) rounding ties occur
    other = index % 5 == 3 ? -r.range(1, 2) : -r.range(0, 5);
  }
  if (index % 9 == 8) p.a_shift = r.range(1, 3);  // fallback paths
  p.act_min = index % 2 ? p.out_zp : -128;
  if (index % 12 == 7) p.act_min = -128;  // a short half-row case without ReLU
  p.act_max = index % 7 == 6 ? r.range(p.act_min, 127) : 127;
  const int n = index % 2 ? r.range(1, 40) : r.range(256, kMaxSteps * kMaxIn / 2);
  std::int8_t* a = g_in;
  std::int8_t* b = g_in + n;
  for (int i = 0; i < 2 * n; ++i) g_in[i] = r.byte();
  if (index % 4 == 2) {  // every (a, b) extreme pair at least once
    for (int i = 0; i < n; ++i) a[i] = static_cast<std::int8_t>(i % 2 ? 127 : -128);
  }
  nn::kernels::add_ref(p, a, b, n, g_out_ref);
  nn::kernels::add_opt(p, a, b, n, g_out_opt);
  const bool ok = same(g_out_ref, g_out_opt, n);
  if (!ok) Printer{}.text("FAIL add case ").integer(index).text(" n ").integer(n).line();
  return ok;
}

}  // namespace

int run_demo() {
  constexpr int kConvCases = 400, kAddCases = 200;
  Rng r;
  int failed = 0;
  for (int i = 0; i < kConvCases; ++i) failed += conv_case(r, i) ? 0 : 1;
  for (int i = 0; i < kAddCases; ++i) failed += add_case(r, i) ? 0 : 1;
  Printer{}
      .text("selftest conv cases ")
      .integer(kConvCases)
      .text(" add cases ")
      .integer(kAddCases)
      .text(" failed ")
      .integer(failed)
      .line();
  return failed;
}

}  // namespace css::fw
