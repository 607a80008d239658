// The file-level calls of the signing library: keys and signatures on disk, through css::io.
#include <sys/stat.h>

#include <system_error>

#include "css/core/file_io.hpp"
#include "css/signing/ed25519.hpp"

namespace css::signing {
namespace {

// Reads a whole file, naming its role ("model", "public key", "signature") in errors.
Result<std::vector<std::byte>> read_named(const fs::path& path, const std::string& role) {
  auto bytes = io::read_file(path);
  if (!bytes) {
    // css::io's message starts with the path already ("m.csm.sig: no such file").
    const std::string& msg = bytes.error().message;
    const bool named = msg.rfind(path.string(), 0) == 0;
    return make_error(bytes.error().code, role + " " + (named ? msg : path.string() + ": " + msg));
  }
  return bytes;
}

std::string as_text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

fs::path signature_path(const fs::path& model_path) {
  fs::path sig = model_path;
  sig += ".sig";
  return sig;
}

Status write_keypair(const fs::path& private_key_path, const fs::path& public_key_path) {
  const fs::path outs[] = {private_key_path, public_key_path};
  if (auto st = io::check_outputs(outs); !st) return st;
  // A key pair is never replaced: the old private key would be gone for good, and with it
  // the trust of every node holding its public key (or it is not a key at all, but a model).
  for (const fs::path& p : outs)
    if (std::error_code ec; fs::exists(p, ec))
      return make_error(ErrorCode::kInvalidArgument,
                        "'" + p.string() + "' exists; refusing to overwrite it with a new key " +
                            "(move it away first)");
  auto pair = generate_keypair();
  if (!pair) return pair.error();
  // css::io creates files 0644 & ~umask: a umask of 077 keeps the private key owner-only
  // from its first byte (the CLI is single-threaded here, so the process-wide umask is safe).
  const mode_t old_mask = ::umask(077);
  io::OutputSet out;
  Status st = out.stage_text(private_key_path, pair->private_pem);
  if (st) st = out.stage_text(public_key_path, pair->public_pem);
  ::umask(old_mask);
  if (!st) return st;
  if (auto c = out.commit(); !c) return c;
  std::error_code ec;  // the public key is for everyone to read
  fs::permissions(public_key_path,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read,
                  ec);
  if (ec) return make_error(ErrorCode::kIo, public_key_path.string() + ": chmod: " + ec.message());
  return Ok{};
}

Status sign_file(const fs::path& model_path, const fs::path& private_key_path) {
  const fs::path sig_path = signature_path(model_path);
  const fs::path inputs[] = {model_path, private_key_path};
  if (auto st = io::check_output(sig_path, inputs); !st) return st;
  auto model = read_named(model_path, "model");
  if (!model) return model.error();
  auto key = read_named(private_key_path, "private key");
  if (!key) return key.error();
  auto sig = sign_bytes(*model, as_text(*key), "private key " + private_key_path.string());
  if (!sig) return sig.error();
  return io::write_file(sig_path, std::as_bytes(std::span(*sig)), inputs);
}

Status verify_model_file(const fs::path& model_path, const fs::path& public_key_path) {
  auto model = read_named(model_path, "model");
  if (!model) return model.error();
  return verify_model_bytes(*model, model_path, public_key_path);
}

Status verify_model_bytes(std::span<const std::byte> model_bytes, const fs::path& model_path,
                          const fs::path& public_key_path) {
  auto key = read_named(public_key_path, "public key");
  if (!key) return key.error();
  const fs::path sig_path = signature_path(model_path);
  auto sig = read_named(sig_path, "signature");
  if (!sig) return sig.error();
  if (auto st =
          verify_bytes(model_bytes, *sig, as_text(*key), "public key " + public_key_path.string());
      !st)
    return make_error(st.error().code, "model " + model_path.string() + ": signature " +
                                           sig_path.string() + ": " + st.error().message);
  return Ok{};
}

}  // namespace css::signing
