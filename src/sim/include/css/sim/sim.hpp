// Umbrella header of the simulator library (css::sim).
#pragma once

#include "css/sim/augment.hpp"
#include "css/sim/generator.hpp"
