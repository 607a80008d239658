#include "css/modelrun/metrics.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace css::modelrun {

ConfusionMatrix::ConfusionMatrix(int classes)
    : classes_(classes), counts_(static_cast<std::size_t>(classes * classes), 0) {
  if (classes <= 0) throw std::invalid_argument("ConfusionMatrix: classes must be positive");
}

void ConfusionMatrix::add(int truth, int predicted) {
  if (truth < 0 || truth >= classes_ || predicted < 0 || predicted >= classes_)
    throw std::out_of_range("ConfusionMatrix::add: class index out of range");
  ++counts_[static_cast<std::size_t>(truth * classes_ + predicted)];
  ++total_;
}

void ConfusionMatrix::add_all(std::span<const int> truth, std::span<const int> predicted) {
  if (truth.size() != predicted.size())
    throw std::invalid_argument("ConfusionMatrix::add_all: size mismatch");
  for (std::size_t i = 0; i < truth.size(); ++i) add(truth[i], predicted[i]);
}

std::int64_t ConfusionMatrix::count(int truth, int predicted) const {
  return counts_.at(static_cast<std::size_t>(truth * classes_ + predicted));
}

double ConfusionMatrix::accuracy() const {
  if (total_ == 0) return 0.0;
  std::int64_t hits = 0;
  for (int c = 0; c < classes_; ++c) hits += count(c, c);
  return static_cast<double>(hits) / static_cast<double>(total_);
}

ClassMetrics ConfusionMatrix::class_metrics(int cls) const {
  std::int64_t predicted = 0;
  std::int64_t actual = 0;
  for (int o = 0; o < classes_; ++o) {
    predicted += count(o, cls);
    actual += count(cls, o);
  }
  const auto tp = static_cast<double>(count(cls, cls));
  ClassMetrics m;
  m.support = actual;
  m.precision = predicted > 0 ? tp / static_cast<double>(predicted) : 0.0;
  m.recall = actual > 0 ? tp / static_cast<double>(actual) : 0.0;
  const double sum = m.precision + m.recall;
  m.f1 = sum > 0.0 ? 2.0 * m.precision * m.recall / sum : 0.0;
  return m;
}

void ConfusionMatrix::add(const ConfusionMatrix& other) {
  if (other.classes_ != classes_)
    throw std::invalid_argument("ConfusionMatrix::add: " + std::to_string(other.classes_) +
                                " classes into " + std::to_string(classes_));
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

double ConfusionMatrix::macro_f1() const {
  double sum = 0.0;
  int present = 0;
  for (int c = 0; c < classes_; ++c) {
    std::int64_t support = 0;
    for (int o = 0; o < classes_; ++o) support += count(c, o);
    if (support == 0) continue;
    sum += class_metrics(c).f1;
    ++present;
  }
  return present > 0 ? sum / present : 0.0;
}

namespace {
std::string name_of(std::span<const std::string_view> names, int c) {
  if (c < static_cast<int>(names.size())) return std::string(names[static_cast<std::size_t>(c)]);
  return "class" + std::to_string(c);
}
std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
}  // namespace

std::string ConfusionMatrix::format(std::span<const std::string_view> class_names) const {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-18s %9s %9s %9s %9s\n", "class", "precision", "recall", "f1",
                "support");
  out << line;
  for (int c = 0; c < classes_; ++c) {
    const auto m = class_metrics(c);
    std::snprintf(line, sizeof line, "%-18s %9.4f %9.4f %9.4f %9lld\n",
                  name_of(class_names, c).c_str(), m.precision, m.recall, m.f1,
                  static_cast<long long>(m.support));
    out << line;
  }
  std::snprintf(line, sizeof line, "accuracy %.4f  macro-F1 %.4f  (%lld windows)\n", accuracy(),
                macro_f1(), static_cast<long long>(total_));
  out << line << "confusion (rows = truth, columns = predicted):\n";
  for (int t = 0; t < classes_; ++t) {
    std::snprintf(line, sizeof line, "%-18s", name_of(class_names, t).c_str());
    out << line;
    for (int p = 0; p < classes_; ++p) {
      std::snprintf(line, sizeof line, " %6lld", static_cast<long long>(count(t, p)));
      out << line;
    }
    out << '\n';
  }
  return out.str();
}

std::string ConfusionMatrix::to_json(std::span<const std::string_view> class_names) const {
  std::ostringstream out;
  out << "{\"accuracy\":" << fixed(accuracy(), 6) << ",\"macro_f1\":" << fixed(macro_f1(), 6)
      << ",\"windows\":" << total_ << ",\"per_class\":{";
  for (int c = 0; c < classes_; ++c) {
    const auto m = class_metrics(c);
    out << (c ? "," : "") << '"' << name_of(class_names, c)
        << "\":{\"precision\":" << fixed(m.precision, 6) << ",\"recall\":" << fixed(m.recall, 6)
        << ",\"f1\":" << fixed(m.f1, 6) << ",\"support\":" << m.support << '}';
  }
  out << "},\"confusion\":[";
  for (int t = 0; t < classes_; ++t) {
    out << (t ? "," : "") << '[';
    for (int p = 0; p < classes_; ++p) out << (p ? "," : "") << count(t, p);
    out << ']';
  }
  out << "]}";
  return out.str();
}

std::vector<int> argmax_rows(std::span<const float> values, int cols) {
  std::vector<int> out;
  if (cols <= 0) return out;
  const std::size_t n = values.size() / static_cast<std::size_t>(cols);
  out.reserve(n);
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = values.data() + r * static_cast<std::size_t>(cols);
    int best = 0;
    for (int c = 1; c < cols; ++c)
      if (row[c] > row[best]) best = c;
    out.push_back(best);
  }
  return out;
}

}  // namespace css::modelrun
