// A minimal blocking HTTP/1.1 GET for local probes (`citysafe watchdog`), with a deadline, and
// a POST for webhooks (`citysafe serve --alert-webhook`).
//
// Contract: url is "http://HOST[:PORT][/PATH]" (no TLS, no userinfo; port default 80).
// The whole exchange (resolve, connect, send, read) ends within `timeout` or fails with
// kIo naming the URL; a URL that does not parse is kInvalidArgument. Bodies over 1 MiB fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::http {

struct Url {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
};
Result<Url> parse_url(std::string_view url);

struct ClientResponse {
  int status = 0;
  std::string body;
};
Result<ClientResponse> get(std::string_view url, std::chrono::milliseconds timeout);
// POST `body` with that Content-Type; same URL rules, deadline and limits as get().
Result<ClientResponse> post(std::string_view url, std::string_view body,
                            std::string_view content_type, std::chrono::milliseconds timeout);

}  // namespace css::http
