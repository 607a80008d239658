// The budget's arithmetic and its text. Rounding happens only when printing, except for the
// plan, which is rounded up on purpose (a pack is bought in whole sizes).
#include "css/power/budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace css::power {
namespace {

// Rounds up to a multiple of `step`, tolerant of binary noise (28,800.000000004 stays 28,800).
double round_up(double value, double step) {
  return std::ceil(value / step - 1e-9) * step;
}

// Next standard blade/glass fuse rating at or above `a` (A).
double standard_fuse(double a) {
  for (double f : {0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0})
    if (f >= a - 1e-9) return f;
  return round_up(a, 10.0);
}

PackPlan plan_pack(const Battery& b, double needed_wh) {
  PackPlan p;
  p.series = b.series;
  p.needed_wh = needed_wh;
  p.pack_nominal_v = b.series * b.cell_nominal_v;
  const double string_usable_wh = p.pack_nominal_v * b.cell_capacity_ah * b.usable_fraction;
  p.parallel = std::max(1, static_cast<int>(round_up(needed_wh / string_usable_wh, 1.0)));
  p.pack_capacity_ah = p.parallel * b.cell_capacity_ah;
  p.pack_energy_wh = p.pack_nominal_v * p.pack_capacity_ah;
  p.usable_energy_wh = p.pack_energy_wh * b.usable_fraction;
  return p;
}

SolarPlan plan_solar(const NodeConfig& n, const Solar& s, double average_w) {
  SolarPlan p;
  p.daily_wh = average_w * 24.0 / n.converter_efficiency;
  p.panel_w = p.daily_wh / (s.peak_sun_hours * s.derate);
  p.panel_w_rounded = round_up(p.panel_w, 10.0);
  p.autonomy_wh = p.daily_wh * s.autonomy_days;
  return p;
}

// "5", "0.85", "12.8": shortest of up to 4 decimals, for inputs echoed in the text.
std::string compact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string format_number(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(value));
  std::string digits(buf);
  const auto dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  const bool negative = value < 0 && std::stod(digits) != 0.0;
  return (negative ? "-" : "") + whole + frac;
}

Budget compute_budget(const NodeConfig& n) {
  Budget b;
  for (const auto& c : n.components) {
    const double add = c.peak_a * c.quantity;
    b.peak_a += add;
    b.steps.push_back({c.name, add, b.peak_a});
    b.average_a += c.quantity * (c.peak_a * c.duty_cycle + c.idle_a * (1.0 - c.duty_cycle));
  }
  b.power_w = n.bus_voltage_v * b.peak_a;
  b.energy_wh = b.power_w * n.runtime_h;
  b.capacity_mah = b.energy_wh / n.bus_voltage_v * 1000.0;
  b.capacity_with_loss_mah = b.capacity_mah / n.converter_efficiency;
  b.capacity_with_margin_mah = b.capacity_with_loss_mah * (1.0 + n.margin_fraction);
  b.plan_mah = round_up(b.capacity_with_margin_mah, n.round_to_mah);
  b.battery_energy_wh = b.energy_wh / n.converter_efficiency * (1.0 + n.margin_fraction);
  b.average_w = n.bus_voltage_v * b.average_a;
  b.average_energy_wh = b.average_w * n.runtime_h;
  b.pack = plan_pack(n.battery, b.battery_energy_wh);
  b.pack.peak_current_a = b.power_w / n.converter_efficiency / b.pack.pack_nominal_v;
  b.pack.fuse_a = standard_fuse(1.25 * b.pack.peak_current_a);
  if (n.solar) b.solar = plan_solar(n, *n.solar, b.average_w);
  return b;
}

std::string format_budget(const NodeConfig& n, const Budget& b) {
  std::ostringstream os;
  const std::string v = compact(n.bus_voltage_v) + " V";
  os << "Power budget of " << n.name << " (every figure from the node config)\n\n";
  os << "Peak currents at " << v << ", added one by one:\n";
  std::size_t width = 0;
  for (const auto& s : b.steps) width = std::max(width, s.name.size());
  for (std::size_t i = 0; i < b.steps.size(); ++i) {
    const auto& s = b.steps[i];
    os << "  " << s.name << std::string(width - s.name.size(), ' ') << (i == 0 ? "   " : " + ")
       << format_number(s.add_a, 3) << " A = " << format_number(s.total_a, 3) << " A\n";
  }
  os << "\nTotal peak current = " << format_number(b.peak_a, 3) << " A at " << v << ".\n";
  os << "Power = " << v << " × " << format_number(b.peak_a, 3)
     << " A = " << format_number(b.power_w, 3) << " W.\n";
  os << "Energy for " << compact(n.runtime_h) << " h = " << format_number(b.power_w, 3) << " W × "
     << compact(n.runtime_h) << " h = " << format_number(b.energy_wh, 3) << " Wh.\n";
  os << "Capacity at " << v << " = " << format_number(b.energy_wh, 3) << " Wh ÷ " << v
     << " × 1000 = " << format_number(b.capacity_mah, 0) << " mAh.\n";
  os << "Converter efficiency " << compact(n.converter_efficiency * 100)
     << " %: " << format_number(b.capacity_mah, 0) << " mAh ÷ " << compact(n.converter_efficiency)
     << " = " << format_number(b.capacity_with_loss_mah, 2) << " mAh.\n";
  os << "Margin " << compact(n.margin_fraction * 100)
     << " %: " << format_number(b.capacity_with_margin_mah, 2) << " mAh.\n";
  os << "Plan a " << v << " pack of ≥ " << format_number(b.plan_mah, 0)
     << " mAh (rounded up to a multiple of " << format_number(n.round_to_mah, 0) << " mAh), i.e. ≥ "
     << format_number(b.battery_energy_wh, 2) << " Wh at the battery, with BMS and fuse.\n\n";

  const auto& p = b.pack;
  os << n.battery.chemistry << " pack (" << n.battery.cell << ", "
     << compact(n.battery.cell_nominal_v) << " V, " << compact(n.battery.cell_capacity_ah)
     << " Ah per cell; " << compact(n.battery.usable_fraction * 100) << " % usable):\n";
  os << "  " << p.series << "S" << p.parallel << "P = " << p.series * p.parallel << " cells, "
     << format_number(p.pack_nominal_v, 1) << " V nominal, " << format_number(p.pack_capacity_ah, 1)
     << " Ah, " << format_number(p.pack_energy_wh, 1) << " Wh ("
     << format_number(p.usable_energy_wh, 1) << " Wh usable ≥ " << format_number(p.needed_wh, 2)
     << " Wh needed).\n";
  os << "  Peak current from the pack " << format_number(p.peak_current_a, 2)
     << " A → fuse between BMS and converter: " << format_number(p.fuse_a, 1)
     << " A fast-blow (next standard size ≥ 1.25 × peak).\n\n";

  os << "Duty-cycled average: " << format_number(b.average_a, 3)
     << " A = " << format_number(b.average_w, 3) << " W; " << format_number(b.average_energy_wh, 3)
     << " Wh for " << compact(n.runtime_h) << " h (the peak plan above covers the worst case).\n";
  if (b.solar) {
    const auto& s = *b.solar;
    os << "Solar: " << format_number(s.daily_wh, 1) << " Wh/day at the battery ÷ ("
       << compact(n.solar->peak_sun_hours) << " peak-sun h × " << compact(n.solar->derate)
       << " derate) = " << format_number(s.panel_w, 1) << " W → a ≥ "
       << format_number(s.panel_w_rounded, 0) << " W panel; " << compact(n.solar->autonomy_days)
       << " days of autonomy need " << format_number(s.autonomy_wh, 1) << " Wh usable.\n";
  }
  return os.str();
}

}  // namespace css::power
