// Scenario planning: turns a Scenario into an endless, seeded sequence of
// phases. Phases are planned in episodes that start and end on foot (a car
// trip is walk → enter → drive → exit), so any cut between episodes is physical.
#pragma once

#include <vector>

#include "css/sim/generator.hpp"
#include "phases.hpp"

namespace css::sim {

class Planner {
 public:
  Planner(Scenario scenario, double duration_s, Rng rng);
  Phase next(double t);

 private:
  void plan_episode(double t);
  void plan_normal(Scenario kind);
  void plan_risky(Scenario kind);
  double dur(double lo_short, double hi_short, double lo_long, double hi_long);
  Placement any_placement();

  Scenario scenario_;
  double duration_s_;
  bool short_;  // ≤ 10 min: compressed episodes so a short demo shows every kind
  double next_risky_t_;
  Rng rng_;
  std::vector<Phase> queue_;
  std::size_t head_ = 0;
};

}  // namespace css::sim
