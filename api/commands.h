// The subcommands of the `vetan` command line. Each takes the arguments after its name and
// returns the process exit code: 0 done, 1 failed while running, 2 refused (bad input).
#pragma once

#include <string>
#include <vector>

namespace vetan {

using Arguments = std::vector<std::string>;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitRefused = 2;

int run_command(const Arguments& args);       // vetan run
int generate_command(const Arguments& args);  // vetan generate

}  // namespace vetan
