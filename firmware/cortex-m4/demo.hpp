// The firmware demo shared by the Cortex-M4 image and its host twin: runs the embedded model on a
// fixed input and prints the results through the platform seam. Returns the exit status.
#pragma once

namespace css::fw {

int run_demo();

}  // namespace css::fw
