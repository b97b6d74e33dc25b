#include "core/cycle/errors.h"

namespace vetan::cycle {

Status cycle_error(ErrorKind kind, std::string message) {
  using Code = Status::Code;
  Code code = Code::kConflict;
  switch (kind) {
    case ErrorKind::kUnknown: code = Code::kNotFound; break;
    case ErrorKind::kWrongState:
    case ErrorKind::kOutsideWindow:
    case ErrorKind::kRunInProgress:
    case ErrorKind::kAlreadyPaid: code = Code::kConflict; break;
    case ErrorKind::kOtpMismatch:
    case ErrorKind::kOtpReused:
    case ErrorKind::kNoSecret: code = Code::kRefused; break;
    case ErrorKind::kLocked: code = Code::kExhausted; break;
    case ErrorKind::kMalformed: code = Code::kInvalidArgument; break;
  }
  return Status::make(code, std::move(message), kErrorKindNames[int(kind)]);
}

}  // namespace vetan::cycle
