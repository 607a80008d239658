// /openapi.json (OpenAPI 3.1) from the route table the router dispatches on: paths, query
// parameters with types, enums and ranges, the 200 body's schema, security and the errors
// each route can answer (400 only where it takes parameters, 401/403 where it needs a scope).
#include <nlohmann/json.hpp>

#include "impl.hpp"

namespace css::api {

namespace {
using json = nlohmann::ordered_json;

json error_response(const char* why) {
  return {
      {"description", why},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json operation(const ApiRoute& r) {
  json op = {{"summary", r.summary}, {"operationId", r.path}};
  json params = json::array();
  for (const Param& p : r.params) {
    json schema = {{"type", p.type}, {"maxLength", p.max_chars}};
    if (!p.choices.empty()) schema["enum"] = p.choices;
    if (p.minimum) schema["minimum"] = *p.minimum;
    if (p.maximum) schema["maximum"] = *p.maximum;
    if (p.type != "string") schema.erase("maxLength");
    params.push_back({{"name", p.name},
                      {"in", "query"},
                      {"required", false},
                      {"description", p.description},
                      {"schema", schema}});
  }
  if (!params.empty()) op["parameters"] = params;
  json ok = {{"description", "OK"}};
  json schema = r.schema.empty() ? json{{"type", "string"}} : json::parse(r.schema);
  ok["content"] = {{r.content_type, {{"schema", schema}}}};
  json responses = {{"200", ok}};
  if (!r.params.empty())
    responses["400"] = error_response("A bad query parameter (named in detail)");
  if (r.scope != Scope::kPublic) {
    responses["401"] = error_response("No or unknown bearer token");
    if (r.scope == Scope::kAdmin)
      responses["403"] = error_response("The token has scope read only");
  }
  responses["429"] = error_response("Rate limit: retry after Retry-After seconds");
  for (int code : r.errors)
    responses[std::to_string(code)] =
        error_response(code == 503 ? "Not configured on this server" : "Error");
  op["responses"] = responses;
  if (r.scope == Scope::kPublic)
    op["security"] = json::array();
  else
    op["security"] = json::array({{{"bearer", json::array({std::string(to_string(r.scope))})}}});
  op["x-scope"] = std::string(to_string(r.scope));
  return op;
}
}  // namespace

std::string make_openapi(const std::vector<ApiRoute>& routes) {
  json paths = json::object();
  for (const ApiRoute& r : routes) {
    if (!r.documented || r.method != http::Method::kGet) continue;
    paths[r.path]["get"] = operation(r);
  }
  json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "CitySafeSense API"},
        {"version", "1"},
        {"description",
         "Events, hot spots, flows, devices and telemetry of a CitySafeSense deployment "
         "(docs/api.md). Times are Unix seconds (UTC). Errors are {\"error\", \"detail\"}."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error", "detail"}},
            {"properties",
             {{"error", {{"type", "string"}}}, {"detail", {{"type", "string"}}}}}}}}}}}};
  return doc.dump(1) + "\n";
}

}  // namespace css::api
