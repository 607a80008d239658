// The ingest.* settings table of `citysafe ingest`: defaults equal WorkerOptions' and
// AmqpOptions' (so the table and the structs cannot drift apart), TOML and --set reach the
// settings, MQTT-only settings are noticed from any source, bad values name the setting.
#include <gtest/gtest.h>

#include "css/ingest/amqp_worker.hpp"
#include "css/ingest/settings.hpp"
#include "css/ingest/worker.hpp"

namespace css::ingest {
namespace {

TEST(IngestSettings, DefaultsAreTheWorkersDefaults) {
  const IngestSettings s = ingest_settings_from(Config(ingest_settings()));
  const WorkerOptions w;
  const AmqpOptions a;
  EXPECT_EQ(s.group, w.group);
  EXPECT_EQ(s.topic_root, w.topic_root);
  EXPECT_EQ(s.max_batch, w.max_batch);
  EXPECT_EQ(s.max_delay_ms, w.max_batch_delay_ms);
  EXPECT_EQ(s.session_expiry_s, w.session_expiry_s);
  EXPECT_EQ(s.amqp_queue, a.queue);
  EXPECT_EQ(s.amqp_user, a.username);
  EXPECT_EQ(s.max_batch, a.max_batch);
  EXPECT_EQ(s.max_delay_ms, a.max_batch_delay_ms);
  const IngestSettings defaults;
  EXPECT_EQ(s.username, defaults.username);
  EXPECT_EQ(s.mqtt, defaults.mqtt);
  EXPECT_EQ(s.amqp, defaults.amqp);
  EXPECT_EQ(s.client_id, defaults.client_id);
  EXPECT_FALSE(s.mqtt_only_set);
}

TEST(IngestSettings, TomlAndSetReachTheSettings) {
  Config c(ingest_settings());
  ASSERT_TRUE(c.load_toml_string("[ingest]\nmqtt = \"a.example:8883,b.example:8883\"\n"
                                 "max_batch = 200\nmax_delay_ms = 5\n",
                                 "ingest.toml")
                  .ok());
  ASSERT_TRUE(c.set_assignment("ingest.tls_cert=ca.pem").ok());
  IngestSettings s = ingest_settings_from(c);
  EXPECT_EQ(s.mqtt, "a.example:8883,b.example:8883");
  EXPECT_EQ(s.max_batch, 200u);
  EXPECT_EQ(s.max_delay_ms, 5u);
  EXPECT_EQ(s.tls_cert, "ca.pem");
  EXPECT_FALSE(s.mqtt_only_set);
  ASSERT_TRUE(c.set_assignment("ingest.session_expiry_s=4294967295").ok());
  s = ingest_settings_from(c);
  EXPECT_EQ(s.session_expiry_s, 4294967295u);
  EXPECT_TRUE(s.mqtt_only_set);
}

TEST(IngestSettings, BadValuesNameTheSetting) {
  Config c(ingest_settings());
  for (const char* bad : {"ingest.max_batch=0", "ingest.max_batch=65536",
                          "ingest.session_expiry_s=4294967296", "ingest.max_delay_ms=-1"}) {
    const Status st = c.set_assignment(bad);
    ASSERT_FALSE(st.ok()) << bad;
    const std::string name(bad, std::string_view(bad).find('='));
    EXPECT_NE(st.error().message.find(name), std::string::npos) << st.error().message;
  }
}

}  // namespace
}  // namespace css::ingest
