// Ed25519 detached signatures of whole files: the integrity check of the secure model-update
// path (issue 15: a model is only loaded if its signature verifies against the device's
// public key). OpenSSL 3 EVP does the cryptography; no OpenSSL type appears here.
//
// Contract:
//  - Keys are PEM text: PKCS#8 "PRIVATE KEY" and SubjectPublicKeyInfo "PUBLIC KEY"
//    (what `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write). A key of
//    another algorithm (RSA, EC) is refused: kInvalidArgument naming the key file.
//  - A signature is the RAW 64 bytes of Ed25519 (RFC 8032 §5.1.6: R || S), nothing else: no
//    base64, no header, no newline. For MODEL the signature file is MODEL + ".sig"
//    (signature_path). A file of any other size is an invalid signature, never a crash.
//  - The signed message is every byte of the file (Ed25519 is "pure": no pre-hash), so a
//    model of up to a few MB is read whole into memory.
//  - Errors: a missing model, key or .sig is kNotFound; garbage PEM, a wrong-size or
//    non-matching signature is kInvalidArgument (exit 2 in the CLI); a failed write is kIo.
//    Every message names the file concerned.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::signing {

namespace fs = std::filesystem;

inline constexpr std::size_t kSignatureBytes = 64;  // RFC 8032 §5.1.6
using Signature = std::array<std::uint8_t, kSignatureBytes>;

struct KeyPairPem {
  std::string private_pem;  // PKCS#8, unencrypted: protect it with file permissions
  std::string public_pem;   // SubjectPublicKeyInfo
};

// A fresh key pair from the system's CSPRNG (OpenSSL's default DRBG).
Result<KeyPairPem> generate_keypair();

// Signs `message` with a PEM private key; `key_name` names the key in errors.
Result<Signature> sign_bytes(std::span<const std::byte> message, std::string_view private_pem,
                             std::string_view key_name = "private key");

// Ok if `signature` (any length; only 64 bytes can be valid) is a valid Ed25519 signature
// of `message` under the PEM public key, kInvalidArgument otherwise.
Status verify_bytes(std::span<const std::byte> message, std::span<const std::byte> signature,
                    std::string_view public_pem, std::string_view key_name = "public key");

// MODEL -> MODEL.sig.
fs::path signature_path(const fs::path& model_path);

// Writes both PEM files through css::io (atomic); the private key is created mode 0600.
// Refuses (kInvalidArgument) if either file exists: a key pair is never overwritten.
Status write_keypair(const fs::path& private_key_path, const fs::path& public_key_path);

// Signs the file's bytes with the PEM private key at `private_key_path` and writes
// signature_path(model_path) atomically.
Status sign_file(const fs::path& model_path, const fs::path& private_key_path);

// What the edge runtime calls with --require-signature before loading a model: Ok only if
// signature_path(model_path) holds a valid signature of the model's bytes.
Status verify_model_file(const fs::path& model_path, const fs::path& public_key_path);

// The same check on model bytes already read (the edge runtime verifies exactly the bytes it
// then loads, so a file replaced between a check and a second read cannot slip in):
// Ok only if signature_path(model_path) holds a valid signature of `model_bytes`.
Status verify_model_bytes(std::span<const std::byte> model_bytes, const fs::path& model_path,
                          const fs::path& public_key_path);

}  // namespace css::signing
