// Status: the outcome of an operation that bad input can reach. Errors are values, not
// exceptions (house style, after LevelDB). A Status is either ok() or carries a message
// meant for a person: it names the place (file, key, row, column) and the problem.
//
// Thread-safety: a Status is a plain value; distinct objects may be used from any thread.
#pragma once

#include <string>
#include <utility>

namespace vetan {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kIoError };

  // Returns a success status.
  Status() = default;

  // The input (a profile, a file, a flag) breaks its contract.
  static Status invalid_argument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  // The operating system refused a read or a write.
  static Status io_error(std::string message) {
    return Status(Code::kIoError, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace vetan
