// Confusion matrix and training curves from the JSON the trainer, exporter and evaluator write.
#include <algorithm>
#include <cstdio>

#include "css/core/label.hpp"
#include "css/report/charts.hpp"
#include "json_support.hpp"

namespace css::report {
namespace {

using detail::field_error;
using detail::json;
using detail::number_at;

// The confusion block `which` (dotted), else the first that exists of the usual ones.
const json* find_block(const json& root, std::string_view which, std::string& found) {
  std::vector<std::string> candidates = {std::string(which), "engine_int8", "window.context",
                                         "window", ""};
  for (const auto& c : candidates) {
    const json* j = &root;
    std::size_t start = 0;
    while (j != nullptr && start < c.size()) {
      const auto dot = c.find('.', start);
      const std::string key = c.substr(start, dot == std::string::npos ? c.npos : dot - start);
      j = j->is_object() && j->contains(key) ? &(*j)[key] : nullptr;
      start = dot == std::string::npos ? c.size() : dot + 1;
    }
    if (j != nullptr && j->is_object() && j->contains("confusion")) {
      found = c.empty() ? "(top level)" : c;
      return j;
    }
  }
  return nullptr;
}

std::vector<std::string> class_names(const json& root, std::size_t n) {
  std::vector<std::string> out;
  if (root.contains("checkpoint_meta") && root["checkpoint_meta"].is_object()) {
    const auto& c = root["checkpoint_meta"]["classes"];
    if (c.is_array() && c.size() == n)
      for (const auto& s : c)
        if (s.is_string()) out.push_back(s.get<std::string>());
  }
  if (out.size() == n) return out;
  out.clear();
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(n == kLabelNames.size() ? std::string(kLabelNames[i])
                                          : "class " + std::to_string(i));
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Result<Axes> f1_bars(const json& root, const std::vector<std::string>& names,
                     std::string_view source) {
  Axes a;
  a.title = "Per-class F1";
  a.ylabel = "F1";
  a.ymin = 0.0;
  a.ymax = 1.3;  // room for the legend above the bars
  a.x_categories = names;
  int k = 0;
  for (const char* block : {"engine_float", "engine_int8"}) {
    if (!root.contains(block) || !root[block].is_object() || !root[block].contains("per_class"))
      continue;
    Series s;
    s.kind = SeriesKind::kBar;
    s.label = block == std::string_view("engine_float") ? "float" : "int8";
    s.width_pt = 0.38;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const json& pc = root[block]["per_class"];
      if (!pc.is_object() || !pc.contains(names[i])) continue;
      auto f1 = number_at(pc[names[i]]["f1"], source,
                          std::string(block) + ".per_class." + names[i] + ".f1");
      if (!f1) return f1.error();
      s.x.push_back(static_cast<double>(i) + (k == 0 ? -0.2 : 0.2));
      s.y.push_back(*f1);
    }
    s.color = k == 0 ? okabe_ito::kSkyBlue : okabe_ito::kBlue;
    a.series.push_back(std::move(s));
    ++k;
  }
  if (a.series.empty()) return field_error(source, "engine_int8.per_class", "missing");
  return a;
}

}  // namespace

Result<Figure> confusion_figure(std::string_view text, std::string_view source,
                                std::string_view which) {
  auto root = detail::parse_json(text, source);
  if (!root) return root.error();
  std::string name;
  const json* block = find_block(*root, which, name);
  if (block == nullptr)
    return field_error(source, which, "no confusion matrix (expected a block with \"confusion\")");
  const json& cm = (*block)["confusion"];
  const std::string field = name + ".confusion";
  if (!cm.is_array() || cm.empty() || cm.size() > 64)
    return field_error(source, field, "expected a square array of 1..64 rows");
  const std::size_t n = cm.size();
  HeatMap h;
  h.rows = h.cols = n;
  h.decimals = 1;
  h.colorbar_label = "share of the true class (%)";
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (!cm[r].is_array() || cm[r].size() != n)
      return field_error(source, field,
                         "expected " + std::to_string(n) + "×" + std::to_string(n) + " numbers");
    double row_sum = 0;
    std::vector<double> row;
    for (std::size_t c = 0; c < n; ++c) {
      auto v = number_at(cm[r][c], source, field);
      if (!v) return v.error();
      if (*v < 0) return field_error(source, field, "expected counts ≥ 0");
      row.push_back(*v);
      row_sum += *v;
    }
    total += row_sum;
    for (double v : row) h.values.push_back(row_sum > 0 ? 100.0 * v / row_sum : 0.0);
  }
  h.row_labels = h.col_labels = class_names(*root, n);
  Axes a;
  a.heatmap = h;
  a.xlabel = "predicted";
  a.ylabel = "true class";
  std::string sub = fixed(total, 0) + " windows";
  if (block->contains("accuracy") && (*block)["accuracy"].is_number())
    sub += ", accuracy " + fixed((*block)["accuracy"].get<double>(), 4);
  if (block->contains("macro_f1") && (*block)["macro_f1"].is_number())
    sub += ", macro-F1 " + fixed((*block)["macro_f1"].get<double>(), 4);
  a.title = "Confusion matrix (" + name + ")";
  Figure f;
  f.title = sub;
  f.panels.push_back(std::move(a));
  f.width_pt = 540;
  f.height_pt = 430;
  if (root->contains("engine_float") && root->contains("engine_int8")) {
    auto bars = f1_bars(*root, h.row_labels, source);
    if (!bars) return bars.error();
    f.cols = 2;
    f.width_pt = 860;
    f.panels.push_back(std::move(*bars));
  }
  return f;
}

Result<Figure> training_figure(std::string_view text, std::string_view source) {
  auto root = detail::parse_json(text, source);
  if (!root) return root.error();
  if (!root->is_object() || !root->contains("history") || !(*root)["history"].is_array() ||
      (*root)["history"].empty())
    return field_error(source, "history", "expected a non-empty array of epochs");
  Series loss{"train loss", SeriesKind::kLine, {}, {}, okabe_ito::kVermillion, 0, false};
  Series f1{"validation macro-F1", SeriesKind::kLine, {}, {}, okabe_ito::kBlue, 0, false};
  Series lr{"learning rate", SeriesKind::kLine, {}, {}, okabe_ito::kBluishGreen, 0, false};
  const auto& hist = (*root)["history"];
  for (std::size_t i = 0; i < hist.size() && i < 100000; ++i) {
    const std::string at = "history[" + std::to_string(i) + "]";
    if (!hist[i].is_object()) return field_error(source, at, "expected an object");
    auto ep = number_at(hist[i].value("epoch", json()), source, at + ".epoch");
    auto lo = number_at(hist[i].value("loss", json()), source, at + ".loss");
    auto va = number_at(hist[i].value("val_macro_f1", json()), source, at + ".val_macro_f1");
    if (!ep) return ep.error();
    if (!lo) return lo.error();
    if (!va) return va.error();
    loss.x.push_back(*ep);
    loss.y.push_back(*lo);
    f1.x.push_back(*ep);
    f1.y.push_back(*va);
    if (hist[i].contains("lr") && hist[i]["lr"].is_number()) {
      lr.x.push_back(*ep);
      lr.y.push_back(hist[i]["lr"].get<double>());
    }
  }
  Figure f;
  f.cols = lr.x.empty() ? 2 : 3;
  f.width_pt = f.cols == 3 ? 760 : 560;
  f.height_pt = 280;
  std::string title = "Training";
  if (root->contains("best_epoch") && (*root)["best_epoch"].is_number())
    title += ": best epoch " + fixed((*root)["best_epoch"].get<double>(), 0);
  if (root->contains("best_val_macro_f1") && (*root)["best_val_macro_f1"].is_number())
    title += ", validation macro-F1 " + fixed((*root)["best_val_macro_f1"].get<double>(), 4);
  f.title = title;
  Axes a{"Loss", "epoch", "cross-entropy", {std::move(loss)}, {}, {}, {}, {}, {}, {}, {}, {},
         false,  false};
  Axes b{"Validation", "epoch", "macro-F1", {std::move(f1)}, {},   {}, {}, {}, {},
         {},           {},      {},         false,           false};
  f.panels = {std::move(a), std::move(b)};
  if (!lr.x.empty()) {
    Axes c{"Schedule", "epoch", "learning rate", {std::move(lr)}, {}, {}, {}, {}, {}, {}, {}, {},
           false,      false};
    f.panels.push_back(std::move(c));
  }
  return f;
}

}  // namespace css::report
