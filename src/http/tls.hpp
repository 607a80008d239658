// Private to css::http: the server's TLS context, built from a PEM certificate chain and a
// PEM private key (TlsFiles in server.hpp). OpenSSL reads the PEM text itself so that each
// failure names the file and what is wrong with it; Asio's context then carries it.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "css/core/result.hpp"
#include "css/http/server.hpp"

namespace css::http::detail {

// TLS 1.2 or newer only, server side. Errors are kInvalidArgument "<name>: '<path>': …".
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const TlsFiles& files);

}  // namespace css::http::detail
