// Status: the outcome of an operation that bad input can reach. Errors are values, not
// exceptions (house style, after LevelDB). A Status is either ok() or carries a code, which
// says what kind of failure it is (a caller chooses its reply by the code, never by reading
// the message), an optional reason (a short upper-case name of the precise cause, e.g.
// "OUTSIDE_WINDOW", for machine readers), and a message meant for a person: it names the
// place (file, key, row, column) and the problem.
//
// Thread-safety: a Status is a plain value; distinct objects may be used from any thread.
#pragma once

#include <string>
#include <utility>

namespace vetan {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,   // the input (a profile, a file, a flag, a request) breaks its contract
    kIoError,           // the operating system refused a read or a write
    kNotFound,          // what was named does not exist
    kPermissionDenied,  // the caller may not do this
    kConflict,          // the state does not allow it now (wrong state, window closed, busy run)
    kRefused,           // a rule of the spec refuses the value
    kExhausted,         // too many at once, or locked for a while: try again later
    kUnavailable,       // a resource the operation needs is gone or failing
  };

  // Returns a success status.
  Status() = default;

  static Status invalid_argument(std::string message, const char* reason = nullptr) {
    return Status(Code::kInvalidArgument, std::move(message), reason);
  }
  static Status io_error(std::string message, const char* reason = nullptr) {
    return Status(Code::kIoError, std::move(message), reason);
  }
  static Status not_found(std::string message, const char* reason = nullptr) {
    return Status(Code::kNotFound, std::move(message), reason);
  }
  static Status permission_denied(std::string message, const char* reason = nullptr) {
    return Status(Code::kPermissionDenied, std::move(message), reason);
  }
  static Status conflict(std::string message, const char* reason = nullptr) {
    return Status(Code::kConflict, std::move(message), reason);
  }
  static Status refused(std::string message, const char* reason = nullptr) {
    return Status(Code::kRefused, std::move(message), reason);
  }
  static Status exhausted(std::string message, const char* reason = nullptr) {
    return Status(Code::kExhausted, std::move(message), reason);
  }
  static Status unavailable(std::string message, const char* reason = nullptr) {
    return Status(Code::kUnavailable, std::move(message), reason);
  }
  // A failure of `code` with `reason`. REQUIRES: code != kOk.
  static Status make(Code code, std::string message, const char* reason = nullptr) {
    return Status(code, std::move(message), reason);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // The precise cause's name, or nullptr when the code says all there is.
  const char* reason() const { return reason_; }
  const std::string& message() const { return message_; }

  // This status with `prefix` before its message (code and reason kept).
  Status prefixed(const std::string& prefix) const {
    return ok() ? *this : Status(code_, prefix + message_, reason_);
  }

 private:
  Status(Code code, std::string message, const char* reason)
      : code_(code), reason_(reason), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  const char* reason_ = nullptr;  // a string literal
  std::string message_;
};

}  // namespace vetan
