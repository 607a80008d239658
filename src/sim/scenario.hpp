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
  // hard_rng plans the hard negatives (their own stream: inserting them into a mix leaves
  // the other episodes' draws as they were).
  Planner(Scenario scenario, double duration_s, Rng rng, Rng hard_rng);
  Phase next(double t);

 private:
  void plan_episode(double t);
  void plan_normal(Scenario kind);
  void plan_risky(Scenario kind);
  void plan_hard_negative();
  double dur(double lo_short, double hi_short, double lo_long, double hi_long);
  Placement any_placement();

  Scenario scenario_;
  double duration_s_;
  bool short_;  // ≤ 10 min: compressed episodes so a short demo shows every kind
  double next_risky_t_;
  double next_hard_t_;  // mix: next hard-negative episode
  Rng rng_, hard_rng_;
  std::vector<Phase> queue_;
  std::size_t head_ = 0;
};

}  // namespace css::sim
