// Config: defaults, TOML and --set overrides, and the errors users see.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "css/core/config.hpp"

namespace css {
namespace {

using T = SettingType;

// A table shaped like the ones later issues add, so tests do not depend on sim's.
constexpr std::array kTestSettings = {
    SettingSpec{.name = "train.epochs",
                .type = T::kInt,
                .default_value = "30",
                .unit = "",
                .doc = "Passes over the data.",
                .min = 1,
                .max = 10000},
    SettingSpec{.name = "train.lr",
                .type = T::kDouble,
                .default_value = "0.001",
                .unit = "",
                .doc = "Learning rate.",
                .min = 0,
                .max = 1,
                .min_exclusive = true},
    SettingSpec{.name = "train.out",
                .type = T::kString,
                .default_value = "model.csm",
                .unit = "",
                .doc = "Output path."},
    SettingSpec{.name = "train.quant.per_channel",
                .type = T::kBool,
                .default_value = "true",
                .unit = "",
                .doc = "Per-channel int8 scales."},
    SettingSpec{.name = "edge.hop_s",
                .type = T::kDouble,
                .default_value = "0.5",
                .unit = "s",
                .doc = "Hop between windows.",
                .min = 0.02,
                .max = 2.56},
};

std::string message_of(const Status& s) {
  return s.ok() ? std::string("(ok)") : s.error().message;
}

TEST(Config, DefaultsComeFromTheTable) {
  Config c(kTestSettings);
  EXPECT_EQ(c.get_int("train.epochs"), 30);
  EXPECT_DOUBLE_EQ(c.get_double("train.lr"), 0.001);
  EXPECT_EQ(c.get_string("train.out"), "model.csm");
  EXPECT_TRUE(c.get_bool("train.quant.per_channel"));
  for (const SettingSpec& s : kTestSettings) EXPECT_TRUE(c.is_default(s.name)) << s.name;
}

TEST(Config, TomlOverridesWithNestedTablesAndDottedKeys) {
  Config c(kTestSettings);
  const char* text = R"(
edge.hop_s = 1          # dotted key; integer accepted for a double
[train]
epochs = 12
out = "runs/a.csm"
[train.quant]
per_channel = false
)";
  ASSERT_TRUE(c.load_toml_string(text, "t.toml").ok()) << message_of(c.load_toml_string(text, "t"));
  EXPECT_EQ(c.get_int("train.epochs"), 12);
  EXPECT_EQ(c.get_string("train.out"), "runs/a.csm");
  EXPECT_FALSE(c.get_bool("train.quant.per_channel"));
  EXPECT_DOUBLE_EQ(c.get_double("edge.hop_s"), 1.0);
  EXPECT_FALSE(c.is_default("train.epochs"));
  EXPECT_TRUE(c.is_default("train.lr"));
}

TEST(Config, LaterSourcesOverrideEarlierOnes) {
  Config c(kTestSettings);
  ASSERT_TRUE(c.load_toml_string("train.epochs = 5", "a.toml").ok());
  ASSERT_TRUE(c.load_toml_string("train.epochs = 6", "b.toml").ok());
  EXPECT_EQ(c.get_int("train.epochs"), 6);
  ASSERT_TRUE(c.set("train.epochs", "7").ok());
  EXPECT_EQ(c.get_int("train.epochs"), 7);
}

TEST(Config, UnknownKeySuggestsTheClosestSetting) {
  Config c(kTestSettings);
  auto s = c.load_toml_string("# runs\n\n[train]\nepoch = 3\n", "train.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "train.toml:4: unknown setting 'train.epoch' (did you mean "
            "'train.epochs'?)");
  auto far = c.load_toml_string("colour = \"red\"\n", "x.toml");
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().message, "x.toml:1: unknown setting 'colour'");
}

TEST(Config, WrongTypeNamesKeyExpectedTypeAndLine) {
  Config c(kTestSettings);
  auto s = c.load_toml_string("[train]\nlr = 0.01\nepochs = \"many\"\n", "train.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "train.toml:3: setting 'train.epochs' expects an integer, got string");
  auto f = c.load_toml_string("train.epochs = 2.5", "t.toml");
  EXPECT_EQ(message_of(f), "t.toml:1: setting 'train.epochs' expects an integer, got number");
  auto a = c.load_toml_string("train.lr = [0.1]", "t.toml");
  EXPECT_EQ(message_of(a), "t.toml:1: setting 'train.lr' expects a number, got array");
  auto t = c.load_toml_string("[train.epochs]\nx = 1", "t.toml");
  EXPECT_EQ(message_of(t), "t.toml:1: setting 'train.epochs' expects an integer, got table");
}

TEST(Config, OutOfRangeNamesBoundsAndUnit) {
  Config c(kTestSettings);
  EXPECT_EQ(message_of(c.load_toml_string("edge.hop_s = 3.0", "e.toml")),
            "e.toml:1: setting 'edge.hop_s' = 3 s is outside [0.02, 2.56] s");
  EXPECT_EQ(message_of(c.load_toml_string("train.epochs = 0", "t.toml")),
            "t.toml:1: setting 'train.epochs' = 0 is outside [1, 10000]");
  EXPECT_EQ(message_of(c.load_toml_string("train.lr = 0.0", "t.toml")),
            "t.toml:1: setting 'train.lr' = 0 is outside (0, 1]");
  EXPECT_FALSE(c.load_toml_string("train.lr = nan", "t.toml").ok());
  EXPECT_TRUE(c.load_toml_string("train.lr = 1.0", "t.toml").ok());  // bounds are inclusive
}

TEST(Config, FailedLoadChangesNothing) {
  Config c(kTestSettings);
  ASSERT_FALSE(c.load_toml_string("train.epochs = 9\ntrain.lr = 5\n", "t.toml").ok());
  EXPECT_EQ(c.get_int("train.epochs"), 30);
  EXPECT_TRUE(c.is_default("train.epochs"));
}

TEST(Config, TomlSyntaxErrorIsParseErrorWithPosition) {
  Config c(kTestSettings);
  auto s = c.load_toml_string("[train]\nepochs = = 3\n", "bad.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kParse);
  EXPECT_EQ(s.error().message.rfind("bad.toml:2:", 0), 0U) << s.error().message;
}

TEST(Config, LoadsFilesAndReportsMissingOnes) {
  const auto path = std::filesystem::temp_directory_path() / "css_config_test.toml";
  {
    std::ofstream out(path);
    out << "[train]\nepochs = 44\n";
  }
  Config c(kTestSettings);
  ASSERT_TRUE(c.load_toml_file(path).ok()) << message_of(c.load_toml_file(path));
  EXPECT_EQ(c.get_int("train.epochs"), 44);
  std::filesystem::remove(path);
  auto missing = c.load_toml_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find(path.string()), std::string::npos);
}

TEST(Config, SetParsesTextPerType) {
  Config c(kTestSettings);
  EXPECT_TRUE(c.set("train.epochs", "12").ok());
  EXPECT_EQ(c.get_int("train.epochs"), 12);
  EXPECT_TRUE(c.set("train.lr", "2.5e-4").ok());
  EXPECT_DOUBLE_EQ(c.get_double("train.lr"), 2.5e-4);
  EXPECT_TRUE(c.set("train.quant.per_channel", "false").ok());
  EXPECT_FALSE(c.get_bool("train.quant.per_channel"));
  EXPECT_TRUE(c.set("train.out", " spaced name.csm").ok());
  EXPECT_EQ(c.get_string("train.out"), " spaced name.csm");
  EXPECT_TRUE(c.set_assignment("edge.hop_s=0.04").ok());
  EXPECT_DOUBLE_EQ(c.get_double("edge.hop_s"), 0.04);
  EXPECT_FALSE(c.is_default("edge.hop_s"));
}

TEST(Config, SetRejectsBadText) {
  Config c(kTestSettings);
  EXPECT_EQ(message_of(c.set("train.epochs", "12x")),
            "setting 'train.epochs' expects an integer, got '12x'");
  EXPECT_EQ(message_of(c.set("train.quant.per_channel", "yes")),
            "setting 'train.quant.per_channel' expects a boolean (true or false), got 'yes'");
  EXPECT_FALSE(c.set("train.lr", "").ok());
  EXPECT_FALSE(c.set("train.lr", "inf").ok());
  EXPECT_FALSE(c.set("train.epochs", "99999999999999999999").ok());
  EXPECT_EQ(message_of(c.set("edge.hop_s", "9")),
            "setting 'edge.hop_s' = 9 s is outside [0.02, 2.56] s");
  EXPECT_EQ(message_of(c.set("train.lrr", "1")),
            "unknown setting 'train.lrr' (did you mean 'train.lr'?)");
  // The --set flag names itself once, in front of set()'s message.
  EXPECT_EQ(message_of(c.set_assignment("train.lrr=1")),
            "--set: unknown setting 'train.lrr' (did you mean 'train.lr'?)");
  EXPECT_EQ(message_of(c.set_assignment("edge.hop_s=9")),
            "--set: setting 'edge.hop_s' = 9 s is outside [0.02, 2.56] s");
  EXPECT_EQ(message_of(c.set_assignment("train.epochs")),
            "--set: expected name=value, got 'train.epochs'");
  EXPECT_EQ(c.get_int("train.epochs"), 30);
}

TEST(Config, MisuseByCodeThrowsLogicError) {
  Config c(kTestSettings);
  EXPECT_THROW((void)c.get_int("train.epoch"), std::logic_error);
  EXPECT_THROW((void)c.get_double("train.epochs"), std::logic_error);
  EXPECT_THROW((void)c.get_string("train.quant.per_channel"), std::logic_error);
  EXPECT_THROW((void)c.is_default("nope"), std::logic_error);
  std::array dup = {kTestSettings[0], kTestSettings[0]};
  EXPECT_THROW(Config{dup}, std::logic_error);
  std::array bad_default = {
      SettingSpec{.name = "a", .type = T::kInt, .default_value = "x", .unit = "", .doc = ""}};
  EXPECT_THROW(Config{bad_default}, std::logic_error);
  std::array out_of_range = {SettingSpec{
      .name = "a", .type = T::kInt, .default_value = "0", .unit = "", .doc = "", .min = 1}};
  EXPECT_THROW(Config{out_of_range}, std::logic_error);
}

TEST(Config, DescribeListsEverySetting) {
  Config c(kTestSettings);
  const std::string text = c.describe();
  std::size_t lines = 0;
  for (char ch : text) lines += ch == '\n' ? 1 : 0;
  EXPECT_EQ(lines, kTestSettings.size() + 1);  // header + one per setting
  for (const SettingSpec& s : kTestSettings) {
    EXPECT_NE(text.find(s.name), std::string::npos) << s.name;
    EXPECT_NE(text.find(s.doc), std::string::npos) << s.doc;
  }
  EXPECT_NE(text.find("[0.02, 2.56]"), std::string::npos);
}

TEST(Config, MarkdownHasOneRowPerSetting) {
  Config c(kTestSettings);
  const std::string md = c.to_markdown();
  std::size_t rows = 0;
  for (char ch : md) rows += ch == '\n' ? 1 : 0;
  EXPECT_EQ(rows, kTestSettings.size() + 2);  // header + rule + one per setting
  EXPECT_NE(md.find("| `edge.hop_s` | double | `0.5` | s | [0.02, 2.56] | Hop between windows. |"),
            std::string::npos)
      << md;
}

TEST(SettingRange, Forms) {
  EXPECT_EQ(describe_range(kTestSettings[0]), "[1, 10000]");
  EXPECT_EQ(describe_range(kTestSettings[1]), "(0, 1]");
  EXPECT_EQ(describe_range(kTestSettings[2]), "");
  EXPECT_EQ(
      describe_range(SettingSpec{
          .name = "x", .type = T::kInt, .default_value = "0", .unit = "", .doc = "", .min = 0}),
      ">= 0");
}

// A rate in (0, 1): both ends refused, the message shows the open range.
TEST(SettingRange, BothEndsExclusive) {
  constexpr std::array kRate = {SettingSpec{.name = "x.q",
                                            .type = T::kDouble,
                                            .default_value = "0.05",
                                            .unit = "",
                                            .doc = "",
                                            .min = 0,
                                            .max = 1,
                                            .min_exclusive = true,
                                            .max_exclusive = true}};
  EXPECT_EQ(describe_range(kRate[0]), "(0, 1)");
  Config c(kRate);
  EXPECT_TRUE(c.set("x.q", "0.999").ok());
  for (const char* v : {"1", "0", "1.5"}) {
    const Status st = c.set("x.q", v);
    ASSERT_FALSE(st.ok()) << v;
    EXPECT_NE(st.error().message.find("(0, 1)"), std::string::npos) << st.error().message;
  }
  EXPECT_DOUBLE_EQ(c.get_double("x.q"), 0.999);
}

}  // namespace
}  // namespace css
