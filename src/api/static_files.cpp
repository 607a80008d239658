// The dashboard (web/) and the npm assets it and /docs use, served from memory. The set of
// files is fixed when the server starts — each is an exact route — so no request path is
// ever joined to a directory: "..", %2e%2e, symlinks and NUL bytes cannot reach other files.
#include <fstream>
#include <sstream>

#include "css/core/file_io.hpp"
#include "impl.hpp"

namespace css::api {

namespace {

std::string mime(const std::filesystem::path& p) {
  const std::string e = p.extension().string();
  if (e == ".html") return "text/html; charset=utf-8";
  if (e == ".js") return "text/javascript; charset=utf-8";
  if (e == ".css") return "text/css; charset=utf-8";
  if (e == ".png") return "image/png";
  if (e == ".svg") return "image/svg+xml";
  if (e == ".json") return "application/json";
  return "application/octet-stream";
}

void add_file(Api::Impl& api, const std::string& url, const std::filesystem::path& file) {
  auto bytes = io::read_file(file);
  if (!bytes) {
    api.log("static: " + bytes.error().message + " (" + url + " not served)");
    return;
  }
  // Read once at start; every answer shares these bytes (the server writes them uncopied).
  auto body = std::make_shared<const std::string>(reinterpret_cast<const char*>(bytes->data()),
                                                  bytes->size());
  const std::string type = mime(file);
  api.routes.push_back({http::Method::kGet,
                        url,
                        "static file",
                        Scope::kPublic,
                        {},
                        type,
                        "",
                        {},
                        [body, type](const http::Request&, const Query&) {
                          http::Response r = http::Response::text(200, "", type);
                          r.shared_body = body;
                          r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                          return r;
                        },
                        false});
}

// npm files the pages load: (package dir, file inside it, URL under /assets/).
struct Asset {
  const char* package;
  const char* file;
};
constexpr Asset kAssets[] = {
    {"leaflet", "dist/leaflet.js"},
    {"leaflet", "dist/leaflet.css"},
    {"leaflet", "dist/images/marker-icon.png"},
    {"leaflet", "dist/images/marker-shadow.png"},
    {"leaflet", "dist/images/layers.png"},
    {"chart.js", "dist/chart.umd.js"},
    {"swagger-ui-dist", "swagger-ui-bundle.js"},
    {"swagger-ui-dist", "swagger-ui.css"},
};

const char* kDocsPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CitySafeSense API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/swagger-ui-dist/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/assets/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>
)";

}  // namespace

void add_static_routes(Api::Impl& api) {
  if (!api.options.npm_dir.empty())
    for (const Asset& a : kAssets)
      add_file(api, std::string("/assets/") + a.package + "/" + a.file,
               api.options.npm_dir / a.package / a.file);
  api.routes.push_back({http::Method::kGet,
                        "/docs",
                        "Interactive API documentation (Swagger UI)",
                        Scope::kPublic,
                        {},
                        "text/html; charset=utf-8",
                        "",
                        {},
                        [](const http::Request&, const Query&) {
                          return http::Response::text(200, kDocsPage, "text/html; charset=utf-8");
                        }});
  if (api.options.web_dir.empty()) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(api.options.web_dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    add_file(api, name == "index.html" ? "/" : "/web/" + name, entry.path());
  }
  if (ec) api.log("static: web directory " + api.options.web_dir.string() + ": " + ec.message());
  // The dashboard's settings: the tile URL (empty = plain background).
  const std::string cfg = "{\"tile_url\":\"" + http::json_escape(api.options.tile_url) + "\"}\n";
  api.routes.push_back(
      {http::Method::kGet,
       "/web/config.json",
       "dashboard settings",
       Scope::kPublic,
       {},
       "application/json",
       "",
       {},
       [cfg](const http::Request&, const Query&) { return http::Response::json(200, cfg); },
       false});
}

}  // namespace css::api
