// The api.* settings table of `citysafe serve`: defaults equal ApiOptions' and ServeOptions'
// (so the table and the structs cannot drift apart), TOML and --set reach the options, and a
// bad value is refused naming the setting.
#include <gtest/gtest.h>

#include "css/api/settings.hpp"

namespace css::api {
namespace {

TEST(ApiSettings, DefaultsAreTheOptionStructsDefaults) {
  const ServeOptions from_table = serve_options_from(Config(api_settings()));
  const ServeOptions defaults;
  const ApiOptions api_defaults;
  EXPECT_EQ(from_table.api.rate_per_s, api_defaults.rate_per_s);
  EXPECT_EQ(from_table.api.rate_burst, api_defaults.rate_burst);
  EXPECT_EQ(from_table.api.heartbeat_allowance_s, api_defaults.heartbeat_allowance_s);
  EXPECT_EQ(from_table.api.answer_cache_bytes, api_defaults.answer_cache_bytes);
  EXPECT_EQ(from_table.api.allow_anonymous_read, api_defaults.allow_anonymous_read);
  EXPECT_EQ(from_table.api.tile_url, api_defaults.tile_url);
  EXPECT_EQ(from_table.api.alert_webhook, api_defaults.alert_webhook);
  EXPECT_EQ(from_table.api.tokens_file, defaults.api.tokens_file);
  EXPECT_EQ(from_table.bind, defaults.bind);
  EXPECT_EQ(from_table.port, defaults.port);
  EXPECT_EQ(from_table.tls_cert, defaults.tls_cert);
  EXPECT_EQ(from_table.tls_key, defaults.tls_key);
  EXPECT_FALSE(server_options(from_table).tls.enabled());
  EXPECT_EQ(from_table.max_body, defaults.max_body);
  EXPECT_EQ(from_table.max_connections, defaults.max_connections);
  EXPECT_EQ(from_table.threads, defaults.threads);
  EXPECT_EQ(from_table.city, defaults.city);
}

TEST(ApiSettings, TomlAndSetReachTheServer) {
  Config c(api_settings());
  ASSERT_TRUE(c.load_toml_string("[api]\nrate_limit = 50.0\nburst = 75\nport = 0\n"
                                 "answer_cache_mb = 0\nthreads = 3\n",
                                 "serve.toml")
                  .ok());
  ASSERT_TRUE(c.set_assignment("api.max_body=1024").ok());
  ASSERT_TRUE(c.set_assignment("api.bind=0.0.0.0").ok());
  ASSERT_TRUE(c.set_assignment("api.tls_cert=certs/server.pem").ok());
  ASSERT_TRUE(c.set_assignment("api.tls_key=certs/server.key").ok());
  const ServeOptions o = serve_options_from(c);
  EXPECT_EQ(o.api.rate_per_s, 50.0);
  EXPECT_EQ(o.api.rate_burst, 75.0);
  EXPECT_EQ(o.api.answer_cache_bytes, 0u);
  const http::ServerOptions so = server_options(o);
  EXPECT_EQ(so.port, 0);
  EXPECT_EQ(so.threads, 3u);
  EXPECT_EQ(so.max_body_bytes, 1024u);
  EXPECT_EQ(so.address, "0.0.0.0");
  EXPECT_EQ(so.max_connections, 256u);
  EXPECT_EQ(so.tls.cert_file, "certs/server.pem");
  EXPECT_EQ(so.tls.key_file, "certs/server.key");
  EXPECT_EQ(so.tls.cert_name, "api.tls_cert");
}

TEST(ApiSettings, BadValuesNameTheSetting) {
  Config c(api_settings());
  for (const char* bad : {"api.port=70000", "api.burst=0", "api.threads=-1", "api.rate_limit=x",
                          "api.heartbeat_allowance_s=nan"}) {
    const Status st = c.set_assignment(bad);
    ASSERT_FALSE(st.ok()) << bad;
    const std::string name(bad, std::string_view(bad).find('='));
    EXPECT_NE(st.error().message.find(name), std::string::npos) << st.error().message;
  }
  const Status typo = c.load_toml_string("[api]\nrate_limt = 5.0\n", "serve.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("did you mean 'api.rate_limit'"), std::string::npos)
      << typo.error().message;
}

}  // namespace
}  // namespace css::api
