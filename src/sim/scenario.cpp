#include "scenario.hpp"

#include <array>
#include <limits>

namespace css::sim {

namespace {
constexpr std::array<std::string_view, 12> kScenarioNames = {
    "mix",      "stationary",       "walking",    "slow_walking",    "stairs", "running",
    "handling", "entering_vehicle", "in_vehicle", "forced_movement", "snatch", "hard_negatives"};
constexpr double kNever = std::numeric_limits<double>::infinity();
// Risky events in long mixed recordings: a few per hour (3/h mean).
constexpr double kRiskyMeanGapS = 1200.0;
// Hard negatives in a mix (a jump or hop, a stumble, a hard sit, a run for the bus): ~6/h.
constexpr double kHardMeanGapS = 600.0;

Phase still(double d) {
  return {PhaseKind::kStill, d, GaitKind::kWalk, false, Placement::kHand};
}
Phase still_to(double d, Placement p) {
  return {PhaseKind::kStill, d, GaitKind::kWalk, true, p};
}
Phase gait(GaitKind g, double d) {
  return {PhaseKind::kGait, d, g, false, Placement::kHand};
}
Phase gait_to(GaitKind g, double d, Placement p) {
  return {PhaseKind::kGait, d, g, true, p};
}
Phase scripted(PhaseKind k, double d = 0.0) {
  return {k, d, GaitKind::kWalk, false, Placement::kHand};
}
}  // namespace

std::span<const std::string_view> scenario_names() {
  return kScenarioNames;
}

std::optional<Scenario> scenario_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kScenarioNames.size(); ++i) {
    if (kScenarioNames[i] == name) return static_cast<Scenario>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Scenario s) {
  return kScenarioNames[static_cast<std::size_t>(s)];
}

Planner::Planner(Scenario scenario, double duration_s, Rng rng, Rng hard_rng)
    : scenario_(scenario),
      duration_s_(duration_s),
      short_(duration_s <= 600.0),
      rng_(rng),
      hard_rng_(hard_rng) {
  next_hard_t_ = scenario_ == Scenario::kMix ? hard_rng_.exponential(kHardMeanGapS) : kNever;
  if (scenario_ != Scenario::kMix) {
    next_risky_t_ = kNever;
  } else if (short_) {
    // Exactly one risky event around the middle, leaving time for it to unfold.
    next_risky_t_ = rng_.uniform(0.2, 0.4) * duration_s_;
  } else {
    next_risky_t_ = rng_.exponential(kRiskyMeanGapS);
  }
}

double Planner::dur(double lo_short, double hi_short, double lo_long, double hi_long) {
  return short_ ? rng_.uniform(lo_short, hi_short) : rng_.uniform(lo_long, hi_long);
}

Placement Planner::any_placement() {
  const int i = rng_.index(3);
  return i == 0 ? Placement::kHand : (i == 1 ? Placement::kPocket : Placement::kBag);
}

Phase Planner::next(double t) {
  while (head_ >= queue_.size()) {
    queue_.clear();
    head_ = 0;
    plan_episode(t);
  }
  return queue_[head_++];
}

void Planner::plan_episode(double t) {
  if (scenario_ == Scenario::kHardNegatives) {
    plan_hard_negative();
    return;
  }
  if (scenario_ != Scenario::kMix) {
    if (scenario_ == Scenario::kSnatch || scenario_ == Scenario::kForcedMovement) {
      plan_risky(scenario_);
    } else {
      plan_normal(scenario_);
    }
    return;
  }
  if (t >= next_risky_t_ - 12.0) {
    plan_risky(rng_.chance(0.5) ? Scenario::kSnatch : Scenario::kForcedMovement);
    next_risky_t_ = short_ ? kNever : t + rng_.exponential(kRiskyMeanGapS);
    return;
  }
  // Hard negatives at their own rate and from their own stream; in a short mix only after
  // its one risky event, which they would otherwise push towards the end.
  if (t >= next_hard_t_ && !(short_ && next_risky_t_ < kNever)) {
    plan_hard_negative();
    next_hard_t_ = t + hard_rng_.exponential(kHardMeanGapS);
    return;
  }
  // Mostly normal life: weights of the everyday activities.
  static constexpr std::array<std::pair<Scenario, double>, 8> kWeights = {
      {{Scenario::kStationary, 0.22},
       {Scenario::kWalking, 0.22},
       {Scenario::kSlowWalking, 0.10},
       {Scenario::kStairs, 0.05},
       {Scenario::kRunning, 0.07},
       {Scenario::kHandling, 0.14},
       {Scenario::kEnteringVehicle, 0.12},
       {Scenario::kInVehicle, 0.08}}};
  // Before the one risky event of a short mix, skip car trips: they would push it past the end.
  const bool no_trip = short_ && next_risky_t_ < kNever;
  for (;;) {
    double u = rng_.uniform();
    Scenario pick = Scenario::kStationary;
    for (const auto& [kind, w] : kWeights) {
      pick = kind;
      if (u < w) break;
      u -= w;
    }
    if (no_trip && (pick == Scenario::kEnteringVehicle || pick == Scenario::kInVehicle)) continue;
    plan_normal(pick);
    return;
  }
}

void Planner::plan_normal(Scenario kind) {
  auto& q = queue_;
  switch (kind) {
    case Scenario::kStationary:
      if (rng_.chance(0.2)) {
        q.push_back(still_to(dur(2, 4, 3, 10), Placement::kHand));
        q.push_back(scripted(PhaseKind::kTable, dur(8, 20, 20, 300)));
      } else if (rng_.chance(0.4)) {
        q.push_back(still_to(dur(5, 12, 20, 240), any_placement()));
      } else {
        q.push_back(still(dur(5, 12, 20, 240)));
      }
      break;
    case Scenario::kWalking:
      if (rng_.chance(0.3)) {
        q.push_back(gait_to(GaitKind::kWalk, dur(6, 12, 20, 240), any_placement()));
      } else {
        q.push_back(gait(GaitKind::kWalk, dur(6, 12, 20, 240)));
      }
      break;
    case Scenario::kSlowWalking:
      q.push_back(gait(GaitKind::kSlowWalk, dur(6, 12, 20, 180)));
      break;
    case Scenario::kStairs:
      // A flight of ~10–25 steps, then a landing or corridor.
      q.push_back(
          gait(rng_.chance(0.6) ? GaitKind::kStairs : GaitKind::kSlowStairs, rng_.uniform(6, 15)));
      q.push_back(gait(GaitKind::kWalk, rng_.uniform(3, 8)));
      break;
    case Scenario::kRunning:
      q.push_back(gait(GaitKind::kRun, dur(8, 12, 60, 600)));
      break;
    case Scenario::kHandling: {
      const int k = rng_.index(5);
      if (k == 0) {  // phone out of the pocket (or bag) while standing, then away again
        q.push_back(
            still_to(dur(4, 8, 5, 20), rng_.chance(0.5) ? Placement::kPocket : Placement::kBag));
        q.push_back(still_to(dur(5, 10, 10, 60), Placement::kHand));
      } else if (k == 1) {  // on the table and back
        q.push_back(still_to(dur(2, 4, 3, 6), Placement::kHand));
        q.push_back(scripted(PhaseKind::kTable, dur(6, 15, 10, 120)));
      } else if (k == 2) {  // dropped while standing
        q.push_back(still_to(dur(2, 4, 3, 8), Placement::kHand));
        q.push_back(scripted(PhaseKind::kDrop, dur(2, 4, 2, 8)));
        q.push_back(still(dur(2, 5, 3, 15)));
      } else if (k == 3) {  // taking it out while walking
        q.push_back(gait_to(GaitKind::kWalk, dur(6, 12, 10, 60), Placement::kHand));
      } else {  // putting it away while walking
        q.push_back(gait_to(GaitKind::kWalk, dur(6, 12, 10, 60),
                            rng_.chance(0.5) ? Placement::kPocket : Placement::kBag));
      }
      break;
    }
    case Scenario::kEnteringVehicle:
      q.push_back(gait(GaitKind::kWalk, dur(6, 12, 10, 60)));
      q.push_back(scripted(PhaseKind::kEnterVehicle));
      q.push_back(scripted(PhaseKind::kDrive, dur(25, 45, 120, 1200)));
      q.push_back(scripted(PhaseKind::kExitVehicle));
      q.push_back(gait(GaitKind::kWalk, dur(5, 10, 10, 60)));
      break;
    case Scenario::kInVehicle:
      if (scenario_ == Scenario::kInVehicle) {
        q.push_back(scripted(PhaseKind::kDrive, dur(60, 180, 300, 1800)));
      } else {  // within a mix, a ride is a whole trip
        plan_normal(Scenario::kEnteringVehicle);
      }
      break;
    default:
      plan_normal(Scenario::kStationary);
      break;
  }
}

void Planner::plan_risky(Scenario kind) {
  auto& q = queue_;
  if (kind == Scenario::kSnatch) {
    // Free walking with the phone in hand, then the snatch and the thief's run.
    q.push_back(gait_to(GaitKind::kWalk, dur(6, 10, 15, 60), Placement::kHand));
    q.push_back(scripted(PhaseKind::kSnatch));
    q.push_back(gait(GaitKind::kWalk, dur(5, 10, 10, 40)));
  } else {
    // Standing (phone anywhere), then pulled away.
    q.push_back(still(dur(6, 12, 10, 60)));
    q.push_back(scripted(PhaseKind::kForced));
    q.push_back(still(dur(5, 10, 10, 40)));
  }
}

void Planner::plan_hard_negative() {
  auto& q = queue_;
  Rng& r = hard_rng_;
  const auto d = [&](double lo_short, double hi_short, double lo_long, double hi_long) {
    return short_ ? r.uniform(lo_short, hi_short) : r.uniform(lo_long, hi_long);
  };
  const std::size_t first = q.size();
  switch (r.index(5)) {
    case 0:  // 1–4 jumps in place, standing before and after
      q.push_back(still(d(2, 6, 3, 30)));
      q.push_back(scripted(PhaseKind::kJump));
      q.push_back(still(d(2, 5, 3, 30)));
      break;
    case 1:  // a hop over a puddle or a kerb while walking
      q.push_back(gait(GaitKind::kWalk, d(4, 8, 10, 60)));
      q.push_back(scripted(PhaseKind::kJump));
      q.push_back(gait(GaitKind::kWalk, d(4, 8, 10, 60)));
      break;
    case 2:  // a trip while walking, recovered within a few steps
      q.push_back(gait(GaitKind::kWalk, d(4, 8, 10, 60)));
      q.push_back(scripted(PhaseKind::kStumble));
      q.push_back(gait(GaitKind::kWalk, d(4, 8, 10, 60)));
      break;
    case 3:  // to a bench or bus seat, dropping onto it, seated, standing up again
      if (r.chance(0.5)) q.push_back(gait(GaitKind::kWalk, d(3, 6, 5, 40)));
      q.push_back(still(d(1, 2, 1, 3)));
      q.push_back(scripted(PhaseKind::kSitHard));
      q.push_back(still(d(5, 15, 20, 300)));
      q.push_back(scripted(PhaseKind::kStandUp));
      q.push_back(still(d(1, 3, 2, 10)));
      break;
    default:  // running for a bus from standing or walking, then waiting at the stop
      q.push_back(r.chance(0.5) ? gait(GaitKind::kWalk, d(3, 8, 10, 60)) : still(d(3, 8, 5, 60)));
      q.push_back(scripted(PhaseKind::kBusRun));
      q.push_back(still(d(3, 8, 5, 60)));
      break;
  }
  for (std::size_t i = first; i < q.size(); ++i) q[i].hard_negative = true;
}

}  // namespace css::sim
