// Output files written whole or not at all (formats.md): each file goes to a temporary
// name beside it, is flushed to disk, then renamed into place.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/chunked_rows.h"
#include "core/common/status.h"

namespace vetan {

// Writes a file whole or not at all: to a temporary name beside it, then a rename.
class AtomicFile {
 public:
  // `mode`: the new file's permission bits (before the umask).
  explicit AtomicFile(std::string path, mode_t mode = 0644)
      : path_(std::move(path)), temporary_(path_ + ".tmp-" + std::to_string(::getpid())) {
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd_ < 0) status_ = Status::io_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temporary_.c_str());
  }
  void write(std::string_view bytes) {
    while (status_.ok() && !bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        status_ = Status::io_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
        return;
      }
      bytes.remove_prefix(size_t(n));
    }
  }
  Status commit() {
    if (flush_and_close() && ::rename(temporary_.c_str(), path_.c_str()) != 0) {
      status_ = Status::io_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
    }
    committed_ = status_.ok();
    return status_;
  }
  // As commit(), but the file must not exist yet: when it does (another writer made it
  // first), fails with InvalidArgument ("PATH: exists already") and leaves it as it is.
  // For a marker written once.
  Status commit_new() {
    if (flush_and_close() && ::link(temporary_.c_str(), path_.c_str()) != 0) {
      status_ = errno == EEXIST
                    ? Status::invalid_argument(path_ + ": exists already")
                    : Status::io_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
    }
    return status_;  // the destructor removes the temporary name
  }

 private:
  // Flushes the temporary file to disk and closes it; true iff all went well so far.
  bool flush_and_close() {
    if (status_.ok() && ::fsync(fd_) != 0) {
      status_ = Status::io_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return status_.ok();
  }

  std::string path_, temporary_;
  int fd_ = -1;
  bool committed_ = false;
  Status status_;
};

// Formats `count` rows in parallel blocks of `block` rows and writes them in order through
// the chunked pipeline (api/chunked_rows.h): while one block is written the others are
// formatted, and memory stays bounded by a few blocks per thread. format(i, out) appends row
// i (a caller whose rows are long, or several lines each, passes a smaller block).
inline void write_rows_parallel(AtomicFile* file, size_t count,
                                const std::function<void(size_t, std::string*)>& format,
                                size_t block = 8192) {
  ChunkBuffers buffers;
  write_rows_chunked(&buffers, count, block, format, [file](std::string_view bytes) { file->write(bytes); });
}

}  // namespace vetan
