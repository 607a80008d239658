#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

#include "css/modelrun/metrics.hpp"

namespace css::modelrun {
namespace {

TEST(ConfusionMatrix, PerClassPrecisionRecallF1) {
  ConfusionMatrix cm(3);
  // truth 0: 3 right, 1 called 1; truth 1: 2 right; truth 2: 1 right, 1 called 0.
  const int truth[] = {0, 0, 0, 0, 1, 1, 2, 2};
  const int pred[] = {0, 0, 0, 1, 1, 1, 2, 0};
  cm.add_all(truth, pred);
  EXPECT_EQ(cm.total(), 8);
  EXPECT_EQ(cm.count(0, 1), 1);
  EXPECT_DOUBLE_EQ(cm.accuracy(), 6.0 / 8.0);
  const auto c0 = cm.class_metrics(0);
  EXPECT_DOUBLE_EQ(c0.precision, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(c0.recall, 3.0 / 4.0);
  EXPECT_EQ(c0.support, 4);
  const auto c1 = cm.class_metrics(1);
  EXPECT_DOUBLE_EQ(c1.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c1.recall, 1.0);
  EXPECT_DOUBLE_EQ(c1.f1, 0.8);
  const auto c2 = cm.class_metrics(2);
  EXPECT_DOUBLE_EQ(c2.f1, 2.0 / 3.0);
  EXPECT_NEAR(cm.macro_f1(), (0.75 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);
}

TEST(ConfusionMatrix, MacroF1AveragesTheClassesPresentInTheTruth) {
  ConfusionMatrix cm(4);
  const int truth[] = {0, 1};
  const int pred[] = {0, 1};
  cm.add_all(truth, pred);
  EXPECT_DOUBLE_EQ(cm.macro_f1(), 1.0);
  // A spurious prediction of the absent class 3 does not make 3 count with F1 0 (real
  // recordings hold few classes), but it costs class 0 its recall: (2/3 + 1) / 2.
  cm.add(0, 3);
  EXPECT_NEAR(cm.macro_f1(), (2.0 / 3.0 + 1.0) / 2.0, 1e-12);
}

TEST(ConfusionMatrix, AddingPartsGivesTheWhole) {
  const int truth[] = {0, 0, 1, 2, 2, 1};
  const int pred[] = {0, 1, 1, 2, 0, 1};
  ConfusionMatrix whole(3), a(3), b(3);
  whole.add_all(truth, pred);
  a.add_all(std::span(truth).first(2), std::span(pred).first(2));
  b.add_all(std::span(truth).subspan(2), std::span(pred).subspan(2));
  a.add(b);
  EXPECT_EQ(a.total(), whole.total());
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 3; ++p) EXPECT_EQ(a.count(t, p), whole.count(t, p)) << t << " " << p;
  EXPECT_THROW(a.add(ConfusionMatrix(2)), std::invalid_argument);
}

TEST(ConfusionMatrix, RejectsOutOfRangeIndices) {
  ConfusionMatrix cm(2);
  EXPECT_THROW(cm.add(2, 0), std::out_of_range);
  EXPECT_THROW(cm.add(0, -1), std::out_of_range);
}

TEST(ConfusionMatrix, JsonCarriesTheNumbers) {
  ConfusionMatrix cm(2);
  cm.add(0, 0);
  cm.add(1, 0);
  const std::array<std::string_view, 2> names = {"a", "b"};
  const auto j = nlohmann::json::parse(cm.to_json(names));
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["confusion"][1][0].get<int>(), 1);
  EXPECT_EQ(j["per_class"]["b"]["support"].get<int>(), 1);
  EXPECT_NE(cm.format(names).find("macro-F1"), std::string::npos);
}

TEST(ArgmaxRows, LowestIndexWinsTies) {
  const float v[] = {0.1f, 0.5f, 0.5f, 0.9f, 0.0f, 0.1f};
  const auto a = argmax_rows(v, 3);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 0);
}

}  // namespace
}  // namespace css::modelrun
