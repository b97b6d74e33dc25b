// The subcommands of the `vetan` command line. Each takes the arguments after its name and
// returns the process exit code: 0 done, 1 failed while running, 2 refused (bad input).
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"

namespace vetan {

using Arguments = std::vector<std::string>;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitRefused = 2;

int run_command(const Arguments& args);       // vetan run
int generate_command(const Arguments& args);  // vetan generate
int serve_command(const Arguments& args);     // vetan serve (api/serve/)
int tokens_command(const Arguments& args);    // vetan tokens (api/serve/)
int whatif_command(const Arguments& args);    // vetan whatif
int arrears_command(const Arguments& args);   // vetan arrears
int profile_command(const Arguments& args);   // vetan profile show / check
int gpf_command(const Arguments& args);       // vetan gpf statement | final (gpf.md)
int close_command(const Arguments& args);     // vetan close (issue 12)
int pay_command(const Arguments& args);       // vetan pay [returns] (docs/payment.md)
int returns_command(const Arguments& args);   // vetan returns (docs/returns.md)
int sign_command(const Arguments& args);      // vetan sign (docs/signatures.md)
int verify_command(const Arguments& args);    // vetan verify (docs/signatures.md)
int payslips_command(const Arguments& args);  // vetan payslips (issue 12): PDF payslips

// Reads a whole file; the error names the path and the reason.
Status read_file(const std::string& path, std::string* contents);

}  // namespace vetan
