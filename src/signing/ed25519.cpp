// Ed25519 over OpenSSL 3 EVP (man EVP_DigestSignInit, EVP_PKEY-ED25519: Ed25519 is used
// through the one-shot EVP_DigestSign/EVP_DigestVerify with a NULL digest).
#include "css/signing/ed25519.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>
#include <memory>

namespace css::signing {
namespace {

// A PEM key is a few hundred bytes; anything this large is not a key (and BIO takes an int).
constexpr std::size_t kMaxPemBytes = 64 * 1024;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL's default callback would prompt on the terminal for an encrypted key: refuse.
int no_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
  return -1;
}

// The oldest queued OpenSSL reason, for an error message, and an empty queue afterwards
// (a stale entry must not leak into the next, unrelated call on this thread).
std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail from OpenSSL";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

Error bad_key(std::string_view key_name, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument, std::string(key_name) + ": " + why);
}

enum class KeyKind { kPrivate, kPublic };

Result<Pkey> parse_key(std::string_view pem, KeyKind kind, std::string_view key_name) {
  const char* expected =
      kind == KeyKind::kPrivate ? "a PEM Ed25519 private key (PKCS#8)" : "a PEM Ed25519 public key";
  if (pem.empty() || pem.size() > kMaxPemBytes)
    return bad_key(key_name, "expected " + std::string(expected) + ", got " +
                                 std::to_string(pem.size()) + " bytes");
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error(ErrorCode::kIo, "OpenSSL: BIO_new_mem_buf failed");
  Pkey key(kind == KeyKind::kPrivate
               ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
               : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key)
    return bad_key(key_name, "not " + std::string(expected) + " (" + openssl_reason() + ")");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
    return bad_key(key_name, std::string("a ") + EVP_PKEY_get0_type_name(key.get()) +
                                 " key, expected Ed25519");
  return key;
}

Result<std::string> to_pem(EVP_PKEY* key, KeyKind kind) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) return make_error(ErrorCode::kIo, "OpenSSL: BIO_new failed");
  const int ok = kind == KeyKind::kPrivate ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr,
                                                                      nullptr, 0, nullptr, nullptr)
                                           : PEM_write_bio_PUBKEY(bio.get(), key);
  if (ok != 1) return make_error(ErrorCode::kIo, "OpenSSL: writing PEM: " + openssl_reason());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || data == nullptr) return make_error(ErrorCode::kIo, "OpenSSL: empty PEM");
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

Result<KeyPairPem> generate_keypair() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return make_error(ErrorCode::kIo, "Ed25519 key generation: " + openssl_reason());
  auto priv = to_pem(key.get(), KeyKind::kPrivate);
  if (!priv) return priv.error();
  auto pub = to_pem(key.get(), KeyKind::kPublic);
  if (!pub) return pub.error();
  return KeyPairPem{std::move(*priv), std::move(*pub)};
}

Result<Signature> sign_bytes(std::span<const std::byte> message, std::string_view private_pem,
                             std::string_view key_name) {
  auto key = parse_key(private_pem, KeyKind::kPrivate, key_name);
  if (!key) return key.error();
  MdCtx ctx(EVP_MD_CTX_new());
  Signature sig{};
  std::size_t sig_len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      sig_len != kSignatureBytes)
    return make_error(ErrorCode::kIo,
                      std::string(key_name) + ": signing failed: " + openssl_reason());
  return sig;
}

Status verify_bytes(std::span<const std::byte> message, std::span<const std::byte> signature,
                    std::string_view public_pem, std::string_view key_name) {
  auto key = parse_key(public_pem, KeyKind::kPublic, key_name);
  if (!key) return key.error();
  if (signature.size() != kSignatureBytes)
    return make_error(ErrorCode::kInvalidArgument,
                      "signature is " + std::to_string(signature.size()) +
                          " bytes, expected the raw 64-byte Ed25519 signature");
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1)
    return make_error(ErrorCode::kIo, "OpenSSL: verify init: " + openssl_reason());
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (rc != 1)
    return make_error(ErrorCode::kInvalidArgument,
                      "signature does not match the data under " + std::string(key_name));
  return Ok{};
}

}  // namespace css::signing
