#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "css/train/model_config.hpp"
#include "css/train/train_config.hpp"

namespace css::train {
namespace {

TEST(TrainConfig, DefaultsParseAndMeetTheBrief) {
  Config c(train_settings());
  auto t = train_config_from(c);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_GE(t->model.receptive_field(), t->model.window);
  EXPECT_GE(t->model.exported_parameters(), 2000);
  EXPECT_LE(t->model.exported_parameters(), 20000);
  EXPECT_EQ(t->windows.length, 128u);
}

TEST(TrainConfig, UnknownKeyNamesIt) {
  Config c(train_settings());
  auto st = c.load_toml_string("[train]\nepochz = 3\n", "train.toml");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("epochz"), std::string::npos) << st.error().message;
}

TEST(TrainConfig, BadEnumsAndDilationsAreErrors) {
  Config c(train_settings());
  ASSERT_TRUE(c.set("train.schedule", "linear"));
  auto t = train_config_from(c);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("train.schedule"), std::string::npos);

  Config d(train_settings());
  ASSERT_TRUE(d.set("train.model.dilations", "1,2,x"));
  auto u = train_config_from(d);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().message.find("dilations"), std::string::npos);
}

TEST(TcnConfig, JsonRoundTripAndReceptiveField) {
  TcnConfig c;
  c.width = 12;
  c.dilations = {1, 2, 4};
  c.convs_per_block = 2;
  EXPECT_EQ(c.receptive_field(), 1 + 2 * 2 * (1 + 2 + 4));
  auto back = TcnConfig::from_json(c.to_json());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->width, 12);
  EXPECT_EQ(back->dilations, c.dilations);
  EXPECT_EQ(back->exported_parameters(), c.exported_parameters());
  EXPECT_FALSE(TcnConfig::from_json("{\"width\": 3}"));
}

TEST(TcnConfig, RejectsWhatTheEngineCannotRun) {
  TcnConfig c;
  c.kernel = 99;
  EXPECT_FALSE(c.validate());
  c.kernel = 3;
  c.dilations = {};
  EXPECT_FALSE(c.validate());
}

}  // namespace
}  // namespace css::train

namespace css::train {
namespace {

// docs/training.md embeds the generated settings table; it must not drift.
TEST(TrainConfig, TrainingDocContainsGeneratedTable) {
  const char* root = std::getenv("CSS_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  std::ifstream f(std::filesystem::path(root) / "docs" / "training.md");
  ASSERT_TRUE(f);
  const std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto table = Config(train_settings()).to_markdown();
  EXPECT_NE(doc.find(table), std::string::npos) << "paste into docs/training.md:\n" << table;
}

}  // namespace
}  // namespace css::train
