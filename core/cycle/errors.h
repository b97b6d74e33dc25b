// The ways the monthly cycle refuses an event (issue 9 §1), each with the Status code a
// caller maps to its reply and the reason name replies carry.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>

#include "core/common/status.h"

namespace vetan::cycle {

enum class ErrorKind {
  kUnknown,          // the event names a bill, proposal, run or DDO the state has not got
  kWrongState,       // the thing is not in a state the event may leave
  kOutsideWindow,    // the profile's calendar does not open this today
  kRunInProgress,    // a run is computing
  kAlreadyPaid,      // the row is paid for the month by a CONFIRMED or PASSED bill
  kOtpMismatch,      // the one-time password is not the DDO's current one
  kOtpReused,        // the one-time password (or an earlier one) was used already
  kLocked,           // the DDO's confirmations are locked after wrong codes
  kNoSecret,         // the DDO has no TOTP secret
  kMalformed,        // the event breaks its own shape (replay of a damaged trail)
};
inline constexpr int kErrorKindCount = 10;
inline constexpr const char* kErrorKindNames[kErrorKindCount] = {
    "NOT_FOUND",    "WRONG_STATE", "OUTSIDE_WINDOW", "RUN_IN_PROGRESS", "ALREADY_PAID",
    "OTP_MISMATCH", "OTP_REUSED",  "LOCKED",         "NO_TOTP_SECRET",  "MALFORMED_EVENT"};

// The Status of a refusal of `kind`: its code (not found, conflict, refused, exhausted,
// invalid) and its name as the reason.
Status cycle_error(ErrorKind kind, std::string message);

}  // namespace vetan::cycle
