// PEM parsing and checks behind css::http's TLS (tls.hpp). Each OpenSSL object is owned by a
// unique_ptr with its free function, so every early return releases what was read.
#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "css/core/file_io.hpp"

namespace css::http {
namespace detail {
namespace {

namespace ssl = boost::asio::ssl;

// Certificates and keys are a few KiB; a larger file was given by mistake.
constexpr std::size_t kMaxPemBytes = 1 << 20;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

Error bad(const std::string& name, const std::string& path, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, name + ": '" + path + "': " + what);
}

// OpenSSL's reason for the last failure (then its queue is emptied for the next call).
std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  const char* reason = e ? ERR_reason_error_string(e) : nullptr;
  ERR_clear_error();
  return reason ? reason : "unknown reason";
}

Result<std::string> read_pem(const std::string& name, const std::string& path) {
  if (path.empty()) return make_error(ErrorCode::kInvalidArgument, name + ": a file is required");
  auto bytes = io::read_file(path);
  if (!bytes) {
    const std::string& m = bytes.error().message;
    const std::size_t colon = m.rfind(": ");
    return bad(name, path,
               "cannot read it (" + (colon == std::string::npos ? m : m.substr(colon + 2)) + ")");
  }
  if (bytes->size() > kMaxPemBytes)
    return bad(name, path, "over 1 MiB: not a PEM certificate or key");
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

Bio memory_bio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// An encrypted key would prompt for a passphrase on the terminal: refuse instead.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

}  // namespace

Result<std::unique_ptr<ssl::context>> make_tls_context(const TlsFiles& f) {
  if (f.cert_file.empty() != f.key_file.empty()) {
    const bool cert = f.cert_file.empty();
    return make_error(ErrorCode::kInvalidArgument,
                      (cert ? f.cert_name : f.key_name) + ": required when " +
                          (cert ? f.key_name : f.cert_name) + " is given (TLS needs both)");
  }
  auto cert_pem = read_pem(f.cert_name, f.cert_file);
  if (!cert_pem) return cert_pem.error();
  auto key_pem = read_pem(f.key_name, f.key_file);
  if (!key_pem) return key_pem.error();

  ERR_clear_error();
  Bio cert_bio = memory_bio(*cert_pem);
  X509Ptr leaf(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  if (!leaf)
    return bad(
        f.cert_name, f.cert_file,
        "not a PEM certificate (" + openssl_reason() + "; expected -----BEGIN CERTIFICATE-----)");
  Bio key_bio = memory_bio(*key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  if (!key)
    return bad(f.key_name, f.key_file,
               "not an unencrypted PEM private key (" + openssl_reason() +
                   "; expected -----BEGIN PRIVATE KEY----- or similar)");
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return bad(f.key_name, f.key_file,
               "does not match the certificate in '" + f.cert_file + "' (" + f.cert_name + ")");
  }

  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(*cert_pem), ec);
  if (ec) return bad(f.cert_name, f.cert_file, "certificate chain rejected (" + ec.message() + ")");
  ctx->use_private_key(boost::asio::buffer(*key_pem), ssl::context::pem, ec);
  if (ec) return bad(f.key_name, f.key_file, "private key rejected (" + ec.message() + ")");
  return ctx;
}

}  // namespace detail

Status check_tls(const TlsFiles& files) {
  auto ctx = detail::make_tls_context(files);
  if (!ctx) return ctx.error();
  return Ok{};
}

}  // namespace css::http
