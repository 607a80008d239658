// Installer checklist (checklist.hpp). Text is fixed procedure; every number is from the node
// config or its budget.
#include "css/report/checklist.hpp"

#include <set>

namespace css::report {
namespace {

using power::format_number;

std::string esc(const std::string& s) {
  return escape_markup(s);
}

std::string nm(double v) {
  return format_number(v, 1) + " N·m";
}

void bom(Document& d, const power::NodeConfig& n, const power::Budget& b) {
  d.heading(1, "Parts and bill of materials");
  d.paragraph("Tick each part when it is on the bench and matches the part number.");
  Table t;
  t.header = {"Qty", "Part", "Role", "Bus"};
  t.widths = {0.6, 3.2, 2.4, 1.0};
  t.tick_boxes = true;
  for (const auto& c : n.components)
    t.rows.push_back({std::to_string(c.quantity), esc(c.part.empty() ? c.name : c.part),
                      esc(c.name), esc(c.bus)});
  const auto& p = b.pack;
  t.rows.push_back(
      {std::to_string(p.series * p.parallel),
       esc(n.battery.cell) + " (" + format_number(n.battery.cell_nominal_v, 1) + " V, " +
           format_number(n.battery.cell_capacity_ah, 1) + " Ah)",
       "battery pack " + std::to_string(p.series) + "S" + std::to_string(p.parallel) + "P",
       "power"});
  const std::string v = format_number(p.pack_nominal_v, 1);
  t.rows.push_back({"1",
                    "BMS for " + std::to_string(p.series) + "S " + esc(n.battery.chemistry) +
                        " with balancing, ≥ " + format_number(p.peak_current_a * 2, 1) + " A",
                    "over/under-voltage, over-current, balancing", "power"});
  t.rows.push_back({"1", "Inline fuse holder + " + format_number(p.fuse_a, 1) + " A fast-blow fuse",
                    "between BMS output and DC-DC input", "power"});
  t.rows.push_back({"1",
                    "DC-DC converter " + v + " V → " + format_number(n.bus_voltage_v, 1) +
                        " V, ≥ " + format_number(b.peak_a * 1.25, 1) + " A continuous",
                    "the " + format_number(n.bus_voltage_v, 1) + " V rail", "power"});
  t.rows.push_back({"1", "IP66/67 enclosure with gasket, desiccant pack", "housing", "—"});
  t.rows.push_back(
      {"4", "Cable glands M16/M20/M25 (as drilled)", "antenna and power entries", "—"});
  t.rows.push_back({"1", "Industrial microSD + USB SSD", "OS, spool, log mirror", "usb"});
  t.rows.push_back({"1", "Surge protector / TVS on power input, earth strap", "transients", "—"});
  d.table(std::move(t));
}

void wiring(Document& d, const power::NodeConfig& n) {
  d.heading(1, "Wiring");
  d.paragraph(
      "One row per connection. Check continuity with the multimeter before power-up; "
      "I²C devices share SDA/SCL, so their addresses must differ.");
  Table t;
  t.header = {"Component", "Bus", "Address", "Pins (Raspberry Pi header)"};
  t.widths = {2.0, 0.7, 1.0, 4.3};
  t.tick_boxes = true;
  std::set<std::string> seen;
  std::string clash;
  for (const auto& c : n.components) {
    t.rows.push_back({esc(c.name), esc(c.bus), esc(c.address.empty() ? "—" : c.address),
                      esc(c.pins.empty() ? "—" : c.pins)});
    if (c.bus == "i2c" && !c.address.empty() && !seen.insert(c.address).second) clash = c.address;
  }
  d.table(std::move(t));
  if (!clash.empty())
    d.paragraph("<b>Warning:</b> two I²C devices use address " + esc(clash) +
                ": change one (address pin) before assembly.");
}

void torque(Document& d, const power::NodeConfig& n) {
  d.heading(1, "Enclosure torque");
  Table t;
  t.header = {"Fastener", "Torque"};
  t.widths = {4, 1.5};
  t.tick_boxes = true;
  const auto& q = n.torque;
  t.rows = {{"Lid screws (tighten crosswise, in two passes)", nm(q.lid_screw_nm)},
            {"Cable gland M16 (cap nut, cable inserted)", nm(q.gland_m16_nm)},
            {"Cable gland M20 (cap nut, cable inserted)", nm(q.gland_m20_nm)},
            {"Cable gland M25 (cap nut, cable inserted)", nm(q.gland_m25_nm)},
            {"Mounting screws / brackets", nm(q.mounting_screw_nm)}};
  d.table(std::move(t));
  d.paragraph("<i>Source:</i> " +
              esc(q.source.empty() ? "defaults of docs/power.md (typical values; the part's "
                                     "datasheet overrides)"
                                   : q.source) +
              ". Use a torque screwdriver; over-tightening cracks polycarbonate lids and squeezes "
              "gland seals out of shape.");
}

void safety(Document& d, const power::NodeConfig& n, const power::Budget& b) {
  d.heading(1, "Safety");
  const auto& p = b.pack;
  d.tick_boxes({
      "Battery: " + std::to_string(p.series) + "S" + std::to_string(p.parallel) + "P " +
          esc(n.battery.chemistry) + " pack only through its BMS; never connect raw cells.",
      "Fuse: " + format_number(p.fuse_a, 1) +
          " A fast-blow between BMS (+) and DC-DC (+) "
          "(peak pack current " +
          format_number(p.peak_current_a, 2) + " A).",
      "Wiring order: pack (+) → BMS (+) → fuse → DC-DC (+); pack (−) → BMS (−) → DC-DC (−).",
      "Pack away from the heat sink; vibration-damping foam under it.",
      "Grounding: chassis to system ground at one point only (no ground loops).",
      "Lightning: surge protection on every cable entering the enclosure; bond the mast and "
      "enclosure to earth where the site allows.",
      "RF: LTE and GNSS antennas on separate glands, apart from each other; keep people at the "
      "modem's certified separation distance from the LTE antenna.",
      "Work with the battery disconnected; anti-static mat and wrist strap.",
  });
}

void budget_table(Document& d, const power::NodeConfig& n, const power::Budget& b) {
  d.heading(1, "Power budget");
  d.paragraph("Peak currents at " + format_number(n.bus_voltage_v, 1) +
              " V added one by one (citysafe power --node); measure each with the clamp meter "
              "and tick it if it is at or below the planned value.");
  Table t;
  t.header = {"Component", "Peak (A)", "Running sum (A)", "Measured (A)"};
  t.widths = {3, 1.2, 1.4, 1.4};
  t.tick_boxes = true;
  for (const auto& s : b.steps)
    t.rows.push_back({esc(s.name), format_number(s.add_a, 3), format_number(s.total_a, 3), ""});
  d.table(std::move(t));
  Table s;
  s.header = {"Quantity", "Value"};
  s.widths = {3, 2};
  s.rows = {
      {"Total peak current", format_number(b.peak_a, 3) + " A"},
      {"Power", format_number(b.power_w, 3) + " W"},
      {"Energy for " + format_number(n.runtime_h, 0) + " h", format_number(b.energy_wh, 3) + " Wh"},
      {"Capacity at " + format_number(n.bus_voltage_v, 1) + " V",
       format_number(b.capacity_mah, 0) + " mAh"},
      {"With converter efficiency " + format_number(n.converter_efficiency, 2),
       format_number(b.capacity_with_loss_mah, 2) + " mAh"},
      {"Plan (margin " + format_number(n.margin_fraction * 100, 0) + " %, rounded up)",
       "≥ " + format_number(b.plan_mah, 0) + " mAh"},
      {"Pack", std::to_string(b.pack.series) + "S" + std::to_string(b.pack.parallel) + "P, " +
                   format_number(b.pack.pack_energy_wh, 1) + " Wh nominal"},
      {"Duty-cycled average", format_number(b.average_w, 3) + " W"},
  };
  if (b.solar)
    s.rows.push_back({"Solar panel", "≥ " + format_number(b.solar->panel_w_rounded, 0) + " W"});
  d.table(std::move(s));
}

void commissioning(Document& d, const power::NodeConfig& n) {
  d.heading(1, "Commissioning");
  std::vector<std::string> items = {
      "Bench supply at " + format_number(n.bus_voltage_v, 1) +
          " V, current limit 3 A, battery disconnected; power up.",
      "Voltage at every sensor header within ±5 % of its rail.",
      "Boot; <tt>dmesg</tt> shows no under-voltage or USB errors.",
  };
  std::string i2c;
  for (const auto& c : n.components)
    if (c.bus == "i2c" && !c.address.empty()) i2c += (i2c.empty() ? "" : ", ") + esc(c.address);
  if (!i2c.empty()) items.push_back("<tt>i2cdetect -y 1</tt> lists " + i2c + ".");
  items.insert(
      items.end(),
      {
          "UART sensors stream (PMS7003 frames, NMEA sentences) on their ports.",
          "Certificates installed (<tt>deploy/certs/make-certs.sh</tt>); <tt>citysafe edge</tt> "
          "connects over TLS and events reach the broker.",
          "<tt>curl http://127.0.0.1:8081/health</tt> answers \"ok\"; the watchdog service runs.",
          "Connect the battery through BMS and fuse; unplug the bench supply: the node keeps "
          "running.",
          "Close the enclosure at the torques above; add desiccant.",
      });
  d.tick_boxes(std::move(items));
}

void acceptance(Document& d, const power::NodeConfig& n, const power::Budget& b) {
  d.heading(1, "Acceptance tests");
  Table t;
  t.header = {"Test", "Procedure", "Pass when"};
  t.widths = {1.4, 3.6, 2.6};
  t.tick_boxes = true;
  t.rows = {
      {"Battery discharge",
       "Full pack, normal sensing and publishing profile, mains off, until the BMS cuts off.",
       "Runs ≥ " + format_number(n.runtime_h, 0) + " h (plan ≥ " + format_number(b.plan_mah, 0) +
           " mAh at " + format_number(n.bus_voltage_v, 1) +
           " V); BMS cut-off is clean; node restarts on recharge."},
      {"Comms failover",
       "Disconnect the primary uplink (LTE antenna or SIM) for 10 min, then restore.",
       "Fallback link takes over or the spool holds every event; all arrive after restore, "
       "none twice."},
      {"Storage failover", "Remove the USB SSD while running; reinsert.",
       "Node keeps running on the SD card; spool and logs continue; mirror resumes."},
      {"Watchdog", "Stop the edge service (<tt>systemctl kill</tt>).",
       "Watchdog restarts it within its poll interval × fails."},
      {"Enclosure", "Hose test at IP66 level, then open.", "No water inside; gasket seated."},
  };
  d.table(std::move(t));
}

void troubleshooting(Document& d) {
  d.heading(1, "Troubleshooting");
  Table t;
  t.header = {"Symptom", "Check"};
  t.widths = {2, 4};
  t.rows = {
      {"Reboots under load / lightning-bolt icon",
       "Converter rating, cable gauge, fuse; measure "
       "the rail during LTE transmit."},
      {"I²C device missing", "Address clash, SDA/SCL swapped, missing pull-ups, 3V3 vs 5V."},
      {"No PMS7003 data", "TX/RX crossed? UART enabled (raspi-config), console off the port."},
      {"No GNSS fix", "Antenna sky view, distance from the LTE antenna, uart overlay enabled."},
      {"Events not arriving", "Broker reachable, certificate dates, ACL topic, spool size."},
      {"Battery runtime short", "BMS balance, cell capacity, duty cycles vs the budget above."},
      {"Condensation", "Desiccant, gasket seating, gland torque."},
  };
  d.table(std::move(t));
}

}  // namespace

Document installer_checklist(const power::NodeConfig& n, const power::Budget& b,
                             const std::string& source) {
  Document d({"Installer checklist: " + n.name, "CitySafeSense", "Edge node installation",
              "installation, checklist, BOM, wiring, power budget", "citysafe checklist"});
  d.title_page("Installer checklist", n.name,
               "Generated by <tt>citysafe checklist</tt> from <tt>" + esc(source) +
                   "</tt>. Tick every box; a box left empty is a reason not to sign off.\n\n"
                   "Site: ____________________________   Node id: ____________________\n\n"
                   "Installer: ________________________   Date: _______________________");
  d.table_of_contents();
  bom(d, n, b);
  wiring(d, n);
  torque(d, n);
  safety(d, n, b);
  budget_table(d, n, b);
  commissioning(d, n);
  acceptance(d, n, b);
  troubleshooting(d);
  d.heading(1, "Sign-off");
  d.paragraph(
      "All boxes above are ticked, the acceptance tests passed, and the node is "
      "registered in the fleet inventory.");
  d.sign_off({"Installer", "Site owner", "Operator"});
  return d;
}

}  // namespace css::report
