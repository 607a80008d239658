// The power budget reproduces the seed's worked example from deploy/node.toml (the shipped
// file, not a copy), and a node.toml with a missing, negative or non-numeric value is refused
// with an error naming the key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "css/power/budget.hpp"
#include "css/power/node_config.hpp"

namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("CSS_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

// A minimal valid node with one component; `extra` is appended to [node]'s keys.
std::string node_toml(const std::string& component_peak = "1.0", const std::string& extra = "") {
  return "[node]\nbus_voltage_v = 5\nruntime_h = 10\nconverter_efficiency = 0.8\n" + extra +
         "\n[[component]]\nname = \"board\"\npeak_a = " + component_peak + "\n";
}

std::string error_of(const std::string& text) {
  auto r = css::power::parse_node_config(text, "node.toml");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(PowerBudget, ShippedNodeReproducesTheSeedsWorkedExampleDigitForDigit) {
  auto node = css::power::load_node_config(source_dir() / "deploy/node.toml");
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto b = css::power::compute_budget(*node);
  using css::power::format_number;
  ASSERT_EQ(b.steps.size(), 8U);
  const char* sums[] = {"1.200", "1.800", "1.900", "1.902", "1.905", "1.950", "2.200", "2.400"};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(format_number(b.steps[i].total_a, 3), sums[i]);
  EXPECT_EQ(format_number(b.peak_a, 3), "2.400");
  EXPECT_EQ(format_number(b.power_w, 3), "12.000");
  EXPECT_EQ(format_number(b.energy_wh, 3), "144.000");
  EXPECT_EQ(format_number(b.capacity_mah, 0), "28,800");
  EXPECT_EQ(format_number(b.capacity_with_loss_mah, 2), "33,882.35");
  EXPECT_EQ(format_number(b.plan_mah, 0), "34,000");
  const std::string text = css::power::format_budget(*node, b);
  for (const char* s :
       {"= 2.400 A", "12.000 W", "144.000 Wh", "28,800 mAh", "33,882.35 mAh", "≥ 34,000 mAh"})
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
}

TEST(PowerBudget, PackAndSolarFollowFromTheirInputs) {
  auto node = css::power::load_node_config(source_dir() / "deploy/node.toml");
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto b = css::power::compute_budget(*node);
  // 144 Wh / 0.85 = 169.41 Wh at the battery; a 4S string of 6 Ah cells gives 12.8 V × 6 Ah ×
  // 0.9 = 69.12 Wh usable, so three strings in parallel.
  EXPECT_NEAR(b.pack.needed_wh, 169.41176, 1e-4);
  EXPECT_EQ(b.pack.series, 4);
  EXPECT_EQ(b.pack.parallel, 3);
  EXPECT_NEAR(b.pack.pack_energy_wh, 230.4, 1e-9);
  ASSERT_TRUE(b.solar.has_value());
  EXPECT_NEAR(b.solar->daily_wh, b.average_w * 24 / 0.85, 1e-9);
  EXPECT_NEAR(b.solar->panel_w, b.solar->daily_wh / (3.0 * 0.75), 1e-9);
  EXPECT_GT(b.average_a, 0.0);
  EXPECT_LT(b.average_a, b.peak_a);  // duty cycles below 1 lower the average
}

TEST(PowerBudget, MarginAndRoundingApplyOnTopOfTheLoss) {
  auto n = css::power::parse_node_config(
      node_toml("1.0", "margin_fraction = 0.2\nround_to_mah = 500\n"), "t");
  ASSERT_TRUE(n.ok()) << n.error().message;
  const auto b = css::power::compute_budget(*n);
  // 1 A × 10 h = 10,000 mAh; ÷ 0.8 = 12,500; × 1.2 = 15,000 → exactly a multiple of 500.
  EXPECT_NEAR(b.capacity_with_margin_mah, 15000.0, 1e-6);
  EXPECT_EQ(b.plan_mah, 15000.0);
  EXPECT_FALSE(b.solar.has_value());
}

TEST(PowerConfig, RefusesMissingNegativeAndNonNumericValuesNamingTheKey) {
  EXPECT_NE(
      error_of(node_toml("-0.5")).find("component[1].peak_a: expected a number ≥ 0, got -0.5"),
      std::string::npos);
  EXPECT_NE(error_of(node_toml("\"fast\"")).find("component[1].peak_a: expected a number"),
            std::string::npos);
  EXPECT_NE(error_of("[node]\nruntime_h = 1\nconverter_efficiency = 0.9\n[[component]]\nname="
                     "\"a\"\npeak_a=1\n")
                .find("node.bus_voltage_v: missing"),
            std::string::npos);
  EXPECT_NE(error_of("[node]\nbus_voltage_v = 5\nruntime_h = 1\nconverter_efficiency = 0.9\n"
                     "[[component]]\nname=\"a\"\n")
                .find("component[1].peak_a: missing"),
            std::string::npos);
  EXPECT_NE(error_of(node_toml("1", "converter_efficiency_x = 1\n")).find("unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(node_toml("1").replace(node_toml("1").find("0.8"), 3, "1.5"))
                .find("node.converter_efficiency: expected a number in (0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of("[node]\nbus_voltage_v = 5\nruntime_h = 1\nconverter_efficiency = 0.9\n")
                .find("at least one [[component]]"),
            std::string::npos);
  EXPECT_NE(error_of("[node\n").find("node.toml:1"), std::string::npos);
}

TEST(PowerConfig, MissingFileIsNotFound) {
  auto r = css::power::load_node_config("/nonexistent/node.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, css::ErrorCode::kNotFound);
}

TEST(PowerFormat, ThousandsSeparatorsAndFixedDecimals) {
  EXPECT_EQ(css::power::format_number(33882.352941, 2), "33,882.35");
  EXPECT_EQ(css::power::format_number(1234567.0, 0), "1,234,567");
  EXPECT_EQ(css::power::format_number(0.5, 3), "0.500");
  EXPECT_EQ(css::power::format_number(-1234.5, 1), "-1,234.5");
}

}  // namespace
