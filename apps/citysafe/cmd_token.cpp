// citysafe token create|revoke|list: the API's bearer tokens (css::api::tokens, hashed file).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/api/tokens.hpp"
#include "css/core/file_io.hpp"

namespace css::cli {
namespace {

struct TokenArgs {
  std::filesystem::path file = "data/api-tokens";
  std::string scope = "read";
  std::string name;
  std::string id;
};

double now_s() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

int create(const TokenArgs& a) {
  const auto scope = api::scope_from_string(a.scope);
  if (!scope || *scope == api::Scope::kPublic) {
    print_error("--scope: expected read or admin, got '" + a.scope + "'");
    return kExitUsage;
  }
  if (a.file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(a.file.parent_path(), ec);
  }
  auto token = api::create_token(a.file, *scope, a.name, now_s());
  if (!token) return report(token.error());
  std::cout << *token << "\n";
  std::cerr << "citysafe token: created (scope " << a.scope << ") in " << a.file.string()
            << "; this is the only time the token is shown\n";
  return io::flush_stdout() ? kExitOk : kExitFailure;
}

int list(const TokenArgs& a) {
  auto set = api::load_tokens(a.file);
  if (!set) return report(set.error());
  std::cout << "id        scope  created (Unix s)  name\n";
  for (const auto& e : set->entries()) {
    char line[256];
    std::snprintf(line, sizeof line, "%-9s %-6s %-17.0f %s\n", e.id.c_str(),
                  std::string(api::to_string(e.scope)).c_str(), e.created, e.name.c_str());
    std::cout << line;
  }
  return io::flush_stdout() ? kExitOk : kExitFailure;
}

int revoke(const TokenArgs& a) {
  if (auto st = api::revoke_token(a.file, a.id); !st) return report(st.error());
  std::cerr << "citysafe token: revoked " << a.id << " (a running server notices within 1 s)\n";
  return kExitOk;
}

}  // namespace

void add_token(CLI::App& root, Runner& run_cmd) {
  auto a = std::make_shared<TokenArgs>();
  auto* cmd = root.add_subcommand(
      "token",
      "Bearer tokens for `citysafe serve`, stored as SHA-256 hashes in a file (mode 0600).\n"
      "Examples:\n"
      "  citysafe token create --scope read --name dashboard   # prints the token once\n"
      "  citysafe token list\n"
      "  citysafe token revoke 1a2b3c4d");
  cmd->require_subcommand(1);
  const auto file_opt = [&](CLI::App* c) {
    c->add_option("--tokens", a->file, "Token file")->capture_default_str();
  };
  auto* c = cmd->add_subcommand("create", "Create a token and print it (only now) on stdout");
  file_opt(c);
  c->add_option("--scope", a->scope, "read (queries, stream) or admin (also dead letters)")
      ->capture_default_str();
  c->add_option("--name", a->name, "A label for people, [A-Za-z0-9_.-]{0,64}");
  c->callback([a, &run_cmd] { run_cmd = [a] { return create(*a); }; });
  auto* l =
      cmd->add_subcommand("list", "List ids, scopes, creation times and names (never hashes)");
  file_opt(l);
  l->callback([a, &run_cmd] { run_cmd = [a] { return list(*a); }; });
  auto* r = cmd->add_subcommand("revoke", "Delete the token with this id");
  file_opt(r);
  r->add_option("id", a->id, "Token id (8 hex digits, from `token list`)")->required();
  r->callback([a, &run_cmd] { run_cmd = [a] { return revoke(*a); }; });
}

}  // namespace css::cli
