// css_fw_model_data: writes model_data.h, the .csm model as a C array for firmware builds,
// plus the arena sizes the engine needs for it (so the firmware sizes its static arenas
// exactly). Host-only tool; links css_nn including the host-only ModelWriter.
//
//   css_fw_model_data --out model_data.h [--model model.csm | --seed N]
//
// Without --model it embeds build_default_random_model(seed) without float weights (the MCU
// runs int8 only). With --model it embeds a copy of that model cut to what the MCU reads: the
// int8 weights, per-channel scales, int32 biases and requantisation arrays, normalisation and
// class names; the float weights and the metadata (training metrics, provenance) are left out
// and the payload checksum is recomputed. The tool checks that the cut model gives the same
// int8 logits as the original before writing.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/sha256.hpp"
#include "css/nn/streaming.hpp"

namespace {

struct Options {
  std::string out_path;
  std::string model_path;
  std::uint64_t seed = 1;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (arg == "--out") {
      o.out_path = value;
    } else if (arg == "--model") {
      o.model_path = value;
    } else if (arg == "--seed") {
      o.seed = std::stoull(value);
    } else {
      return false;
    }
  }
  return !o.out_path.empty();
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

namespace f = css::nn::format;

std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);  // the format is little-endian, as is every host we build on
  return v;
}
void put_u32(std::uint8_t* p, std::uint32_t v) {
  std::memcpy(p, &v, 4);
}
void put_u16(std::uint8_t* p, std::uint16_t v) {
  std::memcpy(p, &v, 2);
}

// Appends 4-byte aligned blocks (the format's array alignment) and returns their offsets.
struct PayloadBuilder {
  std::vector<std::uint8_t> bytes;
  std::uint32_t append(const std::uint8_t* p, std::size_t n) {
    bytes.resize((bytes.size() + 3) & ~std::size_t{3}, 0);
    const auto off = static_cast<std::uint32_t>(bytes.size());
    bytes.insert(bytes.end(), p, p + n);
    return off;
  }
};

// Bytes of a string table of `count` entries (u16 length, bytes, NUL) at `p`.
std::size_t string_table_bytes(const std::uint8_t* p, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t len = 0;
    std::memcpy(&len, p + pos, 2);
    pos += 2u + len + 1u;
  }
  return pos;
}

// Sizes of the int8-path arrays of op i (ArraySlot order), 0 where the op has none.
void int8_array_sizes(const css::nn::Model& m, std::size_t i, std::size_t sizes[4]) {
  const css::nn::OpView v = m.op(i);
  const bool weighted = v.type == f::OpType::kConv1d || v.type == f::OpType::kDense;
  const std::size_t o = v.out_channels;
  const std::size_t k = v.type == f::OpType::kConv1d ? v.kernel : 1;
  sizes[f::kArrWeightsQ] = weighted ? o * k * v.in_channels : 0;
  sizes[f::kArrWeightScale] = weighted ? 4 * o : 0;
  sizes[f::kArrBiasQ] = weighted ? 4 * o : 0;
  sizes[f::kArrRequant] = weighted ? 12 * o : 0;
}

// The model cut to what the MCU reads (see the file comment). `m` must be parsed already.
std::vector<std::uint8_t> mcu_model_bytes(const css::nn::Model& m, std::string* error) {
  const std::uint8_t* src = m.bytes().data() + f::kHeaderSize;
  PayloadBuilder pb;
  pb.append(src, f::kInfoSize);
  const std::uint32_t ops_src = get_u32(src + f::kInfoOpsOff);
  const std::uint32_t ops_off = pb.append(src + ops_src, std::size_t{m.num_ops()} * f::kOpSize);
  const std::uint32_t norm_src = get_u32(src + f::kInfoNormOff);
  const std::uint32_t norm_off = pb.append(src + norm_src, 8u * m.input_channels());
  const std::uint32_t classes_src = get_u32(src + f::kInfoClassesOff);
  const std::uint32_t classes_off =
      pb.append(src + classes_src, string_table_bytes(src + classes_src, m.num_classes()));
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const std::uint8_t* rec_src = src + ops_src + i * f::kOpSize;
    std::size_t sizes[4];
    int8_array_sizes(m, i, sizes);
    for (std::size_t slot = 0; slot < f::kArrCount; ++slot) {
      const std::uint32_t a = get_u32(rec_src + f::kOpArrays + 4 * slot);
      std::uint32_t out = f::kNone;
      if (slot < 4 && sizes[slot] > 0) {
        out = pb.append(src + a, sizes[slot]);
      } else if (slot < 4 && a != f::kNone) {
        *error = "op " + std::to_string(i) + " has an array of a kind this tool cannot size";
        return {};
      }
      put_u32(pb.bytes.data() + ops_off + i * f::kOpSize + f::kOpArrays + 4 * slot, out);
    }
  }
  pb.bytes.resize((pb.bytes.size() + 3) & ~std::size_t{3}, 0);
  std::uint8_t* info = pb.bytes.data();
  put_u16(info + f::kInfoNumMeta, 0);
  put_u32(info + f::kInfoOpsOff, ops_off);
  put_u32(info + f::kInfoNormOff, norm_off);
  put_u32(info + f::kInfoClassesOff, classes_off);
  put_u32(info + f::kInfoMetaOff, f::kNone);
  put_u32(info + f::kInfoFlags, 0);  // no float weights

  std::vector<std::uint8_t> file(f::kHeaderSize, 0);
  std::memcpy(file.data() + f::kHdrMagic, f::kMagic, 4);
  put_u16(file.data() + f::kHdrVersion, f::kVersion);
  put_u16(file.data() + f::kHdrHeaderSize, static_cast<std::uint16_t>(f::kHeaderSize));
  put_u32(file.data() + f::kHdrFileSize,
          static_cast<std::uint32_t>(f::kHeaderSize + pb.bytes.size()));
  put_u32(file.data() + f::kHdrPayloadSize, static_cast<std::uint32_t>(pb.bytes.size()));
  const css::nn::Sha256::Digest digest = css::nn::Sha256::hash(pb.bytes);
  std::memcpy(file.data() + f::kHdrSha256, digest.data(), digest.size());
  file.insert(file.end(), pb.bytes.begin(), pb.bytes.end());
  return file;
}

// int8 logits of one window inference on a fixed input (portable path).
bool window_logits(const css::nn::Model& m, std::vector<std::int8_t>& logits) {
  css::nn::RunConfig config;
  config.isa = css::nn::Isa::kPortable;
  std::vector<std::uint8_t> arena(css::nn::Interpreter::required_arena_bytes(m, config) + 8);
  css::nn::Interpreter interp;
  std::vector<float> input(std::size_t{m.window()} * m.input_channels());
  for (std::size_t i = 0; i < input.size(); ++i)
    input[i] = static_cast<float>(static_cast<int>((i * 37u) % 29u) - 14) / 4.0f;
  std::vector<float> probs(m.num_classes());
  if (interp.init(m, arena, config) != css::nn::Status::kOk ||
      interp.run_window(input, probs) != css::nn::Status::kOk)
    return false;
  logits.assign(interp.logits_q().begin(), interp.logits_q().end());
  return true;
}

// Cuts `model` to mcu_bytes (parsed into mcu_model) and checks it computes the same logits.
bool cut_for_mcu(const css::nn::Model& model, std::vector<std::uint8_t>& mcu_bytes,
                 css::nn::Model& mcu_model) {
  std::string error = "empty result";
  mcu_bytes = mcu_model_bytes(model, &error);
  css::nn::ParseDetail detail;
  const css::nn::Status status = css::nn::Model::parse(mcu_bytes, mcu_model, &detail);
  if (mcu_bytes.empty() || status != css::nn::Status::kOk) {
    std::fprintf(stderr, "css_fw_model_data: cutting the model for the MCU failed: %s%s%s\n",
                 mcu_bytes.empty() ? error.c_str() : css::nn::status_name(status),
                 mcu_bytes.empty() ? "" : " at field ", mcu_bytes.empty() ? "" : detail.field);
    return false;
  }
  std::vector<std::int8_t> want, got;
  if (!window_logits(model, want) || !window_logits(mcu_model, got) || want != got) {
    std::fprintf(stderr, "css_fw_model_data: the model cut for the MCU computes other logits\n");
    return false;
  }
  return true;
}

std::string header_text(const std::vector<std::uint8_t>& bytes, const css::nn::Model& model,
                        const std::string& source) {
  // The firmware targets run the portable kernel path (no packed weights in the arena); the
  // host's kAuto plan (AVX2 / AVX-512) would be larger.
  constexpr css::nn::Isa kIsa = css::nn::Isa::kPortable;
  css::nn::RunConfig config;
  config.isa = kIsa;
  const std::size_t window_arena = css::nn::Interpreter::required_arena_bytes(model, config);
  const std::size_t stream_arena =
      css::nn::Streaming::required_arena_bytes(model, css::nn::KernelSet::kOptimized, kIsa);
  std::string s;
  s += "// Generated by css_fw_model_data from " + source + ". Do not edit.\n";
  s +=
      "// The .csm model as a C array for firmware builds (DESIGN §4), read in place from flash.\n";
  s += "#pragma once\n\n#include <stdint.h>\n\n";
  s += "#define CSS_MODEL_DATA_SIZE " + std::to_string(bytes.size()) + "u\n";
  s += "#define CSS_MODEL_WINDOW " + std::to_string(model.window()) + "u\n";
  s += "#define CSS_MODEL_INPUT_CHANNELS " + std::to_string(model.input_channels()) + "u\n";
  s += "#define CSS_MODEL_WINDOW_ARENA_BYTES " + std::to_string(window_arena) + "u\n";
  s += "#define CSS_MODEL_STREAM_ARENA_BYTES " + std::to_string(stream_arena) + "u\n\n";
  s += "// 16-byte aligned: the engine reads int32/float arrays in place.\n";
  s += "__attribute__((aligned(16))) static const uint8_t css_model_data[CSS_MODEL_DATA_SIZE] = {";
  char cell[8];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i % 16 == 0) s += "\n   ";
    std::snprintf(cell, sizeof cell, " 0x%02x,", bytes[i]);
    s += cell;
  }
  s += "\n};\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: css_fw_model_data --out model_data.h [--model F.csm | --seed N]\n");
    return 2;
  }
  std::vector<std::uint8_t> bytes;
  std::string source;
  if (!o.model_path.empty()) {
    if (!read_file(o.model_path, bytes)) {
      std::fprintf(stderr, "css_fw_model_data: cannot read model file '%s'\n",
                   o.model_path.c_str());
      return 1;
    }
    source = o.model_path;
  } else {
    css::nn::DefaultModelOptions options;
    options.include_float = false;
    bytes = css::nn::build_default_random_model(o.seed, options);
    source = "build_default_random_model(seed=" + std::to_string(o.seed) + ", int8 only)";
  }
  css::nn::Model model;
  css::nn::ParseDetail detail;
  const css::nn::Status status = css::nn::Model::parse(bytes, model, &detail);
  if (bytes.empty() || status != css::nn::Status::kOk) {
    std::fprintf(stderr, "css_fw_model_data: model from %s is invalid: %s (field %s, op %d)\n",
                 source.c_str(), css::nn::status_name(status), detail.field, detail.op);
    return 2;
  }
  std::vector<std::uint8_t> mcu_bytes;
  css::nn::Model mcu_model;
  if (!cut_for_mcu(model, mcu_bytes, mcu_model)) return 1;
  std::size_t weights = 0, channel_params = 0;
  for (std::size_t i = 0; i < mcu_model.num_ops(); ++i) {
    std::size_t sizes[4];
    int8_array_sizes(mcu_model, i, sizes);
    weights += sizes[f::kArrWeightsQ];
    channel_params += sizes[f::kArrWeightScale] + sizes[f::kArrBiasQ] + sizes[f::kArrRequant];
  }
  std::fprintf(stderr,
               "css_fw_model_data: %s: %zu B, embedded %zu B = int8 weights %zu + per-channel "
               "scale/bias/requant %zu + header, ops, normalisation, class names, padding %zu\n",
               source.c_str(), bytes.size(), mcu_bytes.size(), weights, channel_params,
               mcu_bytes.size() - weights - channel_params);
  const std::string text = header_text(mcu_bytes, mcu_model, source);
  // Write only on change so the firmware is not rebuilt when the model is the same.
  std::vector<std::uint8_t> old;
  if (read_file(o.out_path, old) && std::string(old.begin(), old.end()) == text) return 0;
  std::ofstream out(o.out_path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    std::fprintf(stderr, "css_fw_model_data: cannot write '%s'\n", o.out_path.c_str());
    return 1;
  }
  return 0;
}
