// The plane window path (planes_x86.hpp) == the reference kernels, bit for bit: conv over random
// shapes (kernel 1..7, dilation 1..64, channels 1..40, lengths 1..200) with random
// requantisation (left and right shifts, huge biases: the general form too), the residual add
// fused into the conv (conv as either input; operands with and without a projection conv in
// whole models), the unfused plane add, input staging and pooling; plus whole random models in
// window mode against the reference kernels. Runs on every path that has plane kernels.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/kernels.hpp"
#include "css/nn/model_writer.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

// Plane kernels exist on the AVX-512 VNNI, AVX-VNNI and AVX2 paths (kernel_table.hpp): one
// instance per path; SetUp skips it, naming the missing CPU feature (or the CSS_NN_ISA cap),
// where that path cannot run.
class PlanesPath : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (const std::string why = test::isa_missing(GetParam()); !why.empty()) GTEST_SKIP() << why;
    kt_ = detail::kernel_table(GetParam());
    ASSERT_NE(kt_, nullptr);
    ASSERT_NE(kt_->planes, nullptr);
  }
  const detail::KernelTable* kt_ = nullptr;
};

std::int8_t i8(std::mt19937& rng) {
  return static_cast<std::int8_t>(static_cast<int>(rng() % 256) - 128);
}

using test::RandomConv;

// Mostly model-like requantisation, sometimes left shifts, huge biases or tiny multipliers
// (the general, unproven form), relu or not.
// right_shifts: model-like only (no left shift, no huge bias).
RandomConv random_conv(std::mt19937& rng, int in_ch, int out_ch, int kernel,
                       bool right_shifts = false) {
  RandomConv r;
  r.w.resize(std::size_t(in_ch) * out_ch * kernel);
  for (auto& v : r.w) v = i8(rng);
  const int style = right_shifts ? 0 : static_cast<int>(rng() % 4);
  for (int o = 0; o < out_ch; ++o) {
    const bool huge = style == 1 && rng() % 2 == 0;
    r.bias.push_back(huge ? static_cast<std::int32_t>(rng() % (1u << 31)) - (1 << 30)
                          : static_cast<std::int32_t>(rng() % (1u << 21)) - (1 << 20));
    r.mult.push_back(rng() % 8 == 0 ? static_cast<std::int32_t>(rng() % (1u << 31))
                                    : (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30)));
    r.shift.push_back(style == 2 ? static_cast<std::int32_t>(rng() % 35) - 31
                                 : static_cast<std::int32_t>(rng() % 14) - 13);
  }
  r.bind(in_ch, out_ch, kernel);
  r.p.out_zp = static_cast<int>(rng() % 256) - 128;
  r.p.act_min = rng() % 2 == 0 ? r.p.out_zp : -128;
  r.p.act_max = rng() % 4 == 0 ? 100 : 127;
  if (r.p.act_min > r.p.act_max) r.p.act_min = -128;
  return r;
}

kernels::AddQ random_add(std::mt19937& rng) {
  kernels::AddQ q;
  q.a_zp = static_cast<int>(rng() % 256) - 128;
  q.b_zp = rng() % 2 == 0 ? -128 : static_cast<int>(rng() % 256) - 128;
  q.out_zp = static_cast<int>(rng() % 256) - 128;
  auto mult = [&] {
    return rng() % 4 == 0 ? (1 << 30) : (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
  };
  q.a_mult = mult();
  q.b_mult = mult();
  q.out_mult = mult();
  q.a_shift = rng() % 8 == 0 ? 1 : -static_cast<std::int32_t>(rng() % 4);
  q.b_shift = -static_cast<std::int32_t>(rng() % 4);
  q.out_shift = rng() % 8 == 0 ? static_cast<std::int32_t>(rng() % 3) - 25
                               : -17 - static_cast<std::int32_t>(rng() % 4);
  q.act_min = rng() % 2 == 0 ? q.out_zp : -128;
  return q;
}

// Planes of `ch` channels, `steps` steps, `pad` words of padding, filled from int8 rows.
struct Planes {
  int ch, steps, pad;
  std::vector<std::uint32_t> words;
  Planes(int c, int s, int p)
      : ch(c), steps(s), pad(p), words(std::size_t((c + 3) / 4) * (p + s), 0xA5A5A5A5u) {}
  int stride() const { return pad + steps; }
  std::int8_t at(int t, int c) const {
    const auto* w = reinterpret_cast<const std::uint8_t*>(
        words.data() + std::ptrdiff_t(c / 4) * stride() + pad + t);
    return static_cast<std::int8_t>(w[c % 4] ^ 0x80u);
  }
  std::uint8_t pad_byte(int c, int i) const {
    return reinterpret_cast<const std::uint8_t*>(words.data() + std::ptrdiff_t(c / 4) * stride() +
                                                 i)[c % 4];
  }
};

Planes staged(const detail::PlaneKernels& pk, const std::vector<std::int8_t>& rows, int ch,
              int steps, int pad, std::int32_t zp) {
  std::vector<std::int8_t> padded(rows);
  padded.resize(rows.size() + 4);  // the staging buffer allows 3 bytes of over-read
  Planes out(ch, steps, pad);
  pk.to_planes(padded.data(), steps, ch, pad, zp, out.words.data());
  return out;
}

void expect_rows(const Planes& got, const std::vector<std::int8_t>& want, std::int32_t zp,
                 const char* what) {
  for (int t = 0; t < got.steps; ++t)
    for (int c = 0; c < got.ch; ++c)
      ASSERT_EQ(got.at(t, c), want[std::size_t(t) * got.ch + c])
          << what << " t=" << t << " c=" << c;
  for (int c = 0; c < got.ch; ++c)
    for (int i = 0; i < got.pad; ++i)
      ASSERT_EQ(got.pad_byte(c, i), static_cast<std::uint8_t>(zp + 128)) << what << " pad";
}

std::vector<std::int8_t> random_rows(std::mt19937& rng, int steps, int ch) {
  std::vector<std::int8_t> v(std::size_t(steps) * ch);
  for (auto& x : v) x = i8(rng);
  return v;
}

TEST_P(PlanesPath, StagingAndPoolingMatchReference) {
  const detail::KernelTable* kt = kt_;
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const int ch = 1 + static_cast<int>(rng() % 40), steps = 1 + static_cast<int>(rng() % 200);
    const int pad = static_cast<int>(rng() % 70), window = 1 + static_cast<int>(rng() % steps);
    const std::int32_t zp = static_cast<int>(rng() % 256) - 128;
    const auto rows = random_rows(rng, steps, ch);
    const Planes pl = staged(*kt->planes, rows, ch, steps, pad, zp);
    expect_rows(pl, rows, zp, "to_planes");
    std::vector<std::int32_t> want(static_cast<std::size_t>(ch)), got(want.size());
    kernels::pool_sums_ref(rows.data(), steps, ch, window, zp, want.data());
    kt->planes->pool_sums(pl.words.data(), steps, pad, ch, window, zp, got.data());
    ASSERT_EQ(got, want) << "pool ch=" << ch << " steps=" << steps << " window=" << window;
  }
}

// How often the float epilogue (PlaneKernels::prepare, float_epilogue.hpp) ran, unfused and fused.
struct FloatRuns {
  int plain = 0, fused = 0;
};

// One conv (and, when its add is fusable, the same conv with a fused residual add) against
// the reference kernels, with the integer epilogue and, where the path has one, after
// prepare() with the float epilogue; true when the fused case ran.
bool check_conv(const detail::KernelTable* kt, std::mt19937& rng, int in_ch, int out_ch, int kernel,
                int dil, const RandomConv& rc, const kernels::AddQ* add = nullptr,
                int conv_side = -1, FloatRuns* runs = nullptr) {
  const detail::PlaneKernels& pk = *kt->planes;
  const int steps = 1 + static_cast<int>(rng() % 200);
  const int pad = (kernel - 1) * dil + static_cast<int>(rng() % 3);
  const std::int32_t in_zp = static_cast<int>(rng() % 256) - 128;
  const auto x = random_rows(rng, steps, in_ch);
  const std::vector<std::int8_t> zp_row(std::size_t(in_ch), static_cast<std::int8_t>(in_zp));
  std::vector<std::int8_t> want(std::size_t(steps) * out_ch);
  kernels::conv_window_ref(rc.p, dil, x.data(), steps, zp_row.data(), want.data());

  std::vector<std::uint8_t> packed(kt->packed_bytes(in_ch, out_ch, kernel) + 8);
  auto* aligned = packed.data() + (4 - reinterpret_cast<std::uintptr_t>(packed.data()) % 4) % 4;
  kt->pack(rc.p, aligned);
  const Planes in = staged(pk, x, in_ch, steps, pad, in_zp);
  Planes out(out_ch, steps, pad);
  pk.conv(rc.p, aligned, dil, in.words.data(), steps, pad, out.words.data(), nullptr);
  expect_rows(out, want, rc.p.out_zp, "conv");
  if (pk.prepare != nullptr) {
    EXPECT_FALSE(pk.float_epilogue(rc.p, aligned, nullptr)) << "float before prepare()";
    pk.prepare(rc.p, aligned, nullptr, true);
    Planes fl(out_ch, steps, pad);
    pk.conv(rc.p, aligned, dil, in.words.data(), steps, pad, fl.words.data(), nullptr);
    expect_rows(fl, want, rc.p.out_zp, "conv after prepare()");
    if (runs != nullptr) runs->plain += pk.float_epilogue(rc.p, aligned, nullptr) ? 1 : 0;
  }

  // The same conv with a residual add in its epilogue, the conv as input a or b.
  kernels::AddQ q = add != nullptr ? *add : random_add(rng);
  const auto other = random_rows(rng, steps, out_ch);
  const bool conv_is_a = conv_side >= 0 ? conv_side == 0 : rng() % 2 == 0;
  (conv_is_a ? q.a_zp : q.b_zp) = rc.p.out_zp;  // the add reads the conv's output tensor
  std::vector<std::int8_t> sum(want.size());
  kernels::add_ref(q, conv_is_a ? want.data() : other.data(),
                   conv_is_a ? other.data() : want.data(), int(want.size()), sum.data());
  const std::int32_t other_zp = conv_is_a ? q.b_zp : q.a_zp;
  const Planes other_pl = staged(pk, other, out_ch, steps, pad, other_zp);
  Planes unfused(out_ch, steps, pad);
  const Planes& conv_out = out;
  pk.add(q, conv_is_a ? conv_out.words.data() : other_pl.words.data(),
         conv_is_a ? other_pl.words.data() : conv_out.words.data(), out_ch, steps, pad,
         unfused.words.data());
  expect_rows(unfused, sum, q.out_zp, "plane add");
  if (!pk.add_fusable(q)) {
    EXPECT_TRUE(q.a_shift > 0 || q.b_shift > 0 || q.out_shift > 1 || q.out_shift < -21);
    return false;
  }
  detail::planes::FusedAdd fa;
  fa.q = q;
  fa.other = other_pl.words.data();
  fa.conv_is_a = conv_is_a;
  Planes fused(out_ch, steps, pad);
  pk.conv(rc.p, aligned, dil, in.words.data(), steps, pad, fused.words.data(), &fa);
  expect_rows(fused, sum, q.out_zp, "fused conv+add");
  if (pk.prepare != nullptr) {
    pk.prepare(rc.p, aligned, &q, conv_is_a);
    Planes ff(out_ch, steps, pad);
    pk.conv(rc.p, aligned, dil, in.words.data(), steps, pad, ff.words.data(), &fa);
    expect_rows(ff, sum, q.out_zp, "fused conv+add after prepare()");
    const bool on = pk.float_epilogue(rc.p, aligned, &fa);
    if (runs != nullptr) runs->fused += on ? 1 : 0;
    if (on) {  // prepared for this add and side only: another add runs the integer epilogue
      detail::planes::FusedAdd other_add = fa;
      other_add.q.out_zp = q.out_zp == 127 ? 126 : q.out_zp + 1;
      EXPECT_FALSE(pk.float_epilogue(rc.p, aligned, &other_add));
      other_add = fa;
      other_add.conv_is_a = !conv_is_a;
      EXPECT_FALSE(pk.float_epilogue(rc.p, aligned, &other_add));
    }
  }
  return true;
}

TEST_P(PlanesPath, ConvAndFusedAddAreBitExact) {
  std::mt19937 rng(5);
  int fused_cases = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int in_ch = 1 + static_cast<int>(rng() % 40), out_ch = 1 + static_cast<int>(rng() % 40);
    const int kernel = 1 + static_cast<int>(rng() % 7), dil = 1 + static_cast<int>(rng() % 64);
    const RandomConv rc = random_conv(rng, in_ch, out_ch, kernel);
    fused_cases += check_conv(kt_, rng, in_ch, out_ch, kernel, dil, rc) ? 1 : 0;
  }
  EXPECT_GT(fused_cases, 200);
}

// The shapes the AVX2/AVX-VNNI plane kernels unroll (kernel 3 over 9..16 input channels, kernel
// 1 over 13..16) with only right shifts, so every channel takes the branch-free floor form
// there (random_conv's left shifts and huge biases send a conv to the generic loops): relu or
// not, fused or not, every output channel count.
TEST_P(PlanesPath, UnrolledShapesAreBitExact) {
  std::mt19937 rng(11);
  int fused_cases = 0;
  FloatRuns runs;
  for (int trial = 0; trial < 200; ++trial) {
    const bool k3 = trial % 4 != 0;
    const int kernel = k3 ? 3 : 1;
    const int in_ch = k3 ? 9 + static_cast<int>(rng() % 8) : 13 + static_cast<int>(rng() % 4);
    const int out_ch = 1 + static_cast<int>(rng() % 20), dil = 1 + static_cast<int>(rng() % 64);
    const RandomConv rc = random_conv(rng, in_ch, out_ch, kernel, true);
    fused_cases += check_conv(kt_, rng, in_ch, out_ch, kernel, dil, rc, nullptr, -1, &runs) ? 1 : 0;
  }
  EXPECT_GT(fused_cases, 100);
  // Random requantisation and zero points: the float epilogue is proven for some convs only
  // (every channel must have its constants; unfused, only with the clamp [0, 255]).
  EXPECT_GT(runs.plain + runs.fused, 8);
}

// The lean epilogues of the AVX2/AVX-VNNI plane kernels (planes_avx2_impl.hpp, Mode): TFLite-style
// layers, the only ones random requantisation almost never produces: relu convs with output zero
// point -128 (no sign step, clamp [0, 255] by the packs) and adds whose larger-scale input has
// multiplier exactly 1/2 (its term a plain shift), that input being the conv or the other
// operand, the other term's zero point -128 (lean) or not (the general fused form), and
// projections without relu; unrolled and generic shapes, every output width.
TEST_P(PlanesPath, TfliteStyleLayersAreBitExact) {
  std::mt19937 rng(29);
  int fused_cases = 0;
  FloatRuns runs;
  for (int trial = 0; trial < 240; ++trial) {
    const bool projection = trial % 6 == 5;  // kernel 1, no relu, the add's shift side
    const int kernel = trial % 3 == 0 || projection ? 1 : (trial % 7 == 0 ? 2 : 3);
    const int in_ch =
        projection ? 9 + static_cast<int>(rng() % 8) : 1 + static_cast<int>(rng() % 20);
    const int out_ch = 1 + static_cast<int>(rng() % 20);
    const int dil = 1 + static_cast<int>(rng() % 64);
    RandomConv rc = random_conv(rng, in_ch, out_ch, kernel, true);
    rc.p.out_zp = projection ? static_cast<int>(rng() % 200) - 100 : -128;
    rc.p.act_min = -128;
    rc.p.act_max = trial % 11 == 0 ? 100 : 127;  // 100: the packs cannot clamp (general form)
    kernels::AddQ q;
    const bool shift_is_a = rng() % 2 == 0;
    const std::int32_t full_mult = (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    const std::int32_t full_shift = -static_cast<std::int32_t>(rng() % 3);
    const std::int32_t shift_shift = trial % 5 == 0 ? -static_cast<std::int32_t>(rng() % 3) : 0;
    (shift_is_a ? q.a_mult : q.b_mult) = 1 << 30;
    (shift_is_a ? q.a_shift : q.b_shift) = shift_shift;
    (shift_is_a ? q.b_mult : q.a_mult) = full_mult;
    (shift_is_a ? q.b_shift : q.a_shift) = full_shift;
    q.a_zp = q.b_zp = trial % 4 == 3 ? static_cast<int>(rng() % 256) - 128 : -128;
    q.out_zp = -128;
    q.act_min = -128;
    q.out_mult = (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    q.out_shift = -17 - static_cast<std::int32_t>(rng() % 4);
    const int conv_side = projection ? (shift_is_a ? 0 : 1) : static_cast<int>(rng() % 2);
    fused_cases +=
        check_conv(kt_, rng, in_ch, out_ch, kernel, dil, rc, &q, conv_side, &runs) ? 1 : 0;
  }
  EXPECT_EQ(fused_cases, 240);
  // The float epilogue carries most TFLite-style layers (the shipped model's: every kernel-3
  // conv and all eight adds); the rest run the integer one.
  ASSERT_NE(kt_->planes->prepare, nullptr);
  EXPECT_GT(runs.plain, 60);
  EXPECT_GT(runs.fused, 60);
}

// The streaming twin: KernelTable::conv_step_add == conv_step_ref then add_ref, conv as either
// input, fast (no input left shift) and general add forms, random shapes and requantisation.
TEST_P(PlanesPath, ConvStepAddIsBitExact) {
  const detail::KernelTable* kt = kt_;
  if (kt->conv_step_add == nullptr)
    GTEST_SKIP() << isa_name(GetParam()) << " has no fused conv_step_add (streams op by op)";
  std::mt19937 rng(23);
  int fast = 0, general = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const int in_ch = 1 + static_cast<int>(rng() % 40), out_ch = 1 + static_cast<int>(rng() % 40);
    const int kernel = 1 + static_cast<int>(rng() % 7);
    RandomConv rc = random_conv(rng, in_ch, out_ch, kernel);
    if (trial % 2 == 0) {  // outputs inside the int8 range, signed: the rounding ties matter
      for (auto& b : rc.bias) b = static_cast<std::int32_t>(rng() % 2048) - 1024;
      for (auto& sh : rc.shift) sh = -static_cast<std::int32_t>(1 + rng() % 12);
      rc.p.act_min = -128;
    }
    std::vector<std::vector<std::int8_t>> rows(static_cast<std::size_t>(kernel));
    std::vector<const std::int8_t*> taps;
    for (auto& r : rows) {
      r = random_rows(rng, 1, in_ch);
      taps.push_back(r.data());
    }
    kernels::AddQ q = random_add(rng);
    const bool conv_is_a = rng() % 2 == 0;
    (conv_is_a ? q.a_zp : q.b_zp) = rc.p.out_zp;
    const auto other = random_rows(rng, 1, out_ch);
    std::vector<std::int8_t> h(static_cast<std::size_t>(out_ch)), want(h.size()), got(h.size());
    kernels::conv_step_ref(rc.p, taps.data(), h.data());
    kernels::add_ref(q, conv_is_a ? h.data() : other.data(), conv_is_a ? other.data() : h.data(),
                     out_ch, want.data());
    std::vector<std::uint8_t> packed(kt->packed_bytes(in_ch, out_ch, kernel) + 8);
    auto* aligned = packed.data() + (4 - reinterpret_cast<std::uintptr_t>(packed.data()) % 4) % 4;
    kt->pack(rc.p, aligned);
    std::vector<std::uint32_t> scratch(kt->step_scratch_bytes(in_ch, kernel) / 4 +
                                       2 * std::size_t(kernel) * in_ch + 1);
    kt->conv_step_add(rc.p, aligned, taps.data(), q, other.data(), conv_is_a, got.data(),
                      reinterpret_cast<std::uint8_t*>(scratch.data()));
    ASSERT_EQ(got, want) << "trial " << trial;
    (q.a_shift > 0 ? general : fast) += 1;
  }
  EXPECT_GT(fast, 100);
  EXPECT_GT(general, 20);
}

// Random adds almost never sit on a rounding tie of the input terms that survives the output
// requantisation; these do: tiny input multipliers (m = k * 2^11, so srdhm is exact) with odd k
// and an output multiplier of 1/2, over every (conv output, other) pair of values.
TEST_P(PlanesPath, FusedAddTermTiesAreExact) {
  const detail::KernelTable* kt = kt_;
  const detail::PlaneKernels& pk = *kt->planes;
  std::mt19937 rng(17);
  for (int trial = 0; trial < 12; ++trial) {
    // kernel 1, one input channel, weight 1, multiplier 2^30 with shift 1: the conv output
    // is its input (minus zp differences), so every int8 value reaches the add.
    const int steps = 256, out_ch = 1;
    const std::int8_t w = 1;
    const std::int32_t bias = 0, mult = 1 << 30, shift = 1;
    kernels::ConvQ p;
    p.in_ch = 1;
    p.out_ch = out_ch;
    p.kernel = 1;
    p.weights = &w;
    p.bias_eff = &bias;
    p.multiplier = &mult;
    p.shift = &shift;
    p.out_zp = static_cast<int>(rng() % 64) - 32;
    std::vector<std::int8_t> x(steps), other(steps);
    for (int t = 0; t < steps; ++t) {
      x[std::size_t(t)] = static_cast<std::int8_t>(t - 128);
      other[std::size_t(t)] = i8(rng);
    }
    kernels::AddQ q;
    q.a_zp = p.out_zp;
    q.b_zp = static_cast<int>(rng() % 64) - 32;
    q.a_mult = (1 + 2 * static_cast<std::int32_t>(rng() % 8)) << 11;
    q.b_mult = (1 + 2 * static_cast<std::int32_t>(rng() % 8)) << 11;
    q.a_shift = -1 - static_cast<std::int32_t>(rng() % 2);
    q.b_shift = -1 - static_cast<std::int32_t>(rng() % 2);
    q.out_mult = 1 << 30;
    q.out_shift = 0;
    q.out_zp = static_cast<int>(rng() % 32) - 16;
    ASSERT_TRUE(pk.add_fusable(q));
    std::vector<std::int8_t> conv_out(steps), want(steps);
    const std::int8_t zp_row = 0;
    kernels::conv_window_ref(p, 1, x.data(), steps, &zp_row, conv_out.data());
    const bool conv_is_a = trial % 2 == 0;
    if (!conv_is_a) std::swap(q.a_zp, q.b_zp), std::swap(q.a_mult, q.b_mult);
    kernels::add_ref(q, conv_is_a ? conv_out.data() : other.data(),
                     conv_is_a ? other.data() : conv_out.data(), steps, want.data());
    std::vector<std::uint8_t> packed(kt->packed_bytes(1, 1, 1) + 8);
    auto* aligned = packed.data() + (4 - reinterpret_cast<std::uintptr_t>(packed.data()) % 4) % 4;
    kt->pack(p, aligned);
    const Planes in = staged(pk, x, 1, steps, 0, 0);
    const Planes other_pl = staged(pk, other, 1, steps, 0, conv_is_a ? q.b_zp : q.a_zp);
    detail::planes::FusedAdd fa;
    fa.q = q;
    fa.other = other_pl.words.data();
    fa.conv_is_a = conv_is_a;
    Planes fused(1, steps, 0);
    pk.conv(p, aligned, 1, in.words.data(), steps, 0, fused.words.data(), &fa);
    expect_rows(fused, want, q.out_zp, "tie");
  }
}

// Whole random models, plane path vs reference kernels: hidden widths around the lane and group
// sizes, input channels != hidden (projection conv before the add) and == hidden (identity
// residual), one or two convs per block, window or longer (context) inputs.
TEST_P(PlanesPath, WholeModelsMatchReference) {
  const detail::KernelTable* kt = kt_;
  std::mt19937 rng(3);
  for (int trial = 0; trial < 24; ++trial) {
    DefaultModelOptions o;
    o.input_channels = 1 + static_cast<int>(rng() % 12);
    o.hidden = trial % 3 == 0 ? o.input_channels : 1 + static_cast<int>(rng() % 33);
    o.kernel = 1 + static_cast<int>(rng() % 4);
    o.convs_per_block = 1 + static_cast<int>(rng() % 2);
    o.dilations.clear();
    for (int b = 0, n = 1 + static_cast<int>(rng() % 4); b < n; ++b) o.dilations.push_back(1 << b);
    o.window = 16 + static_cast<int>(rng() % 100);
    o.calibration_windows = 2;
    const auto bytes = build_default_random_model(100 + trial, o);
    Model m;
    ASSERT_EQ(Model::parse(bytes, m), Status::kOk) << trial;
    const std::uint32_t steps = m.window() + static_cast<std::uint32_t>(rng() % 40);
    const auto x = test::random_input(m, steps, 200 + trial);
    std::vector<std::int8_t> logits[2];
    std::vector<float> probs[2];
    for (int k = 0; k < 2; ++k) {
      const RunConfig cfg{Precision::kInt8, k == 0 ? KernelSet::kReference : KernelSet::kOptimized,
                          steps, kt->isa};
      const std::size_t need = Interpreter::required_arena_bytes(m, cfg);
      ASSERT_GT(need, 0u);
      test::Arena arena(need);
      Interpreter in;
      ASSERT_EQ(in.init(m, arena.span(need), cfg), Status::kOk);
      probs[k].resize(m.num_classes());
      ASSERT_EQ(in.run_window(x, probs[k]), Status::kOk);
      logits[k].assign(in.logits_q().begin(), in.logits_q().end());
    }
    EXPECT_EQ(logits[0], logits[1]) << "trial " << trial;
    EXPECT_EQ(0, std::memcmp(probs[0].data(), probs[1].data(), probs[0].size() * sizeof(float)));
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, PlanesPath,
                         ::testing::Values(Isa::kAvx512Vnni, Isa::kAvxVnni, Isa::kAvx2),
                         [](const ::testing::TestParamInfo<Isa>& i) { return isa_name(i.param); });

}  // namespace
}  // namespace css::nn
