// Many output files written whole or not at all, with one flush to disk for all of them
// (formats.md "each file whole or not at all"): each file goes to a temporary name beside
// it; commit() flushes the file system once (syncfs), then renames every file into place
// and flushes the folders. AtomicFile's fsync per file costs milliseconds each, which for
// the tens of thousands of bills of a state is minutes; this is the same guarantee at the
// cost of one flush. A batch not committed removes its temporary files.
//
// Thread-safety: write() may be called from many threads at once; commit() from one.
#pragma once

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace vetan {
namespace file_batch_detail {

// The folder holding `path` ("." for a bare name).
inline std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Writes all of `bytes` to `fd` (retrying short writes and EINTR); false with errno set on
// an error.
inline bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

// Flushes each folder's entries (the renames into it) to disk, as far as it can: the files
// are in place already, so a folder that cannot be flushed is not an error of the batch.
inline void flush_folders(const std::set<std::string>& folders) {
  for (const std::string& folder : folders) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
}

}  // namespace file_batch_detail

class FileBatch {
 public:
  FileBatch() = default;
  FileBatch(const FileBatch&) = delete;
  FileBatch& operator=(const FileBatch&) = delete;
  ~FileBatch() {
    if (committed_) return;
    for (const auto& [path, temporary] : files_) ::unlink(temporary.c_str());
  }

  // Writes `bytes` to a temporary name for `path`.
  void write(const std::string& path, std::string_view bytes) {
    const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
    Status status;
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      status = Status::io_error(path + ": cannot write (" + std::strerror(errno) + ")");
    } else {
      if (!file_batch_detail::write_all(fd, bytes)) {
        status = Status::io_error(path + ": cannot write (" + std::strerror(errno) + ")");
      }
      if (::close(fd) != 0 && status.ok()) {
        status = Status::io_error(path + ": cannot write (" + std::strerror(errno) + ")");
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd >= 0) files_.emplace_back(path, temporary);
    if (!status.ok() && status_.ok()) status_ = status;
  }

  // Flushes every file to disk, then renames each into place. The first error, if any
  // (then no file of the batch is renamed).
  Status commit() {
    if (!status_.ok()) return status_;
    std::set<std::string> folders;
    for (const auto& [path, temporary] : files_) folders.insert(file_batch_detail::folder_of(path));
    for (const std::string& folder : folders) {  // one syncfs per file system reached
      const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 || ::syncfs(fd) != 0) {
        if (fd >= 0) ::close(fd);
        return Status::io_error(folder + ": cannot flush to disk (" + std::strerror(errno) + ")");
      }
      ::close(fd);
    }
    for (const auto& [path, temporary] : files_) {
      if (::rename(temporary.c_str(), path.c_str()) != 0) {
        return Status::io_error(path + ": cannot write (" + std::strerror(errno) + ")");
      }
    }
    committed_ = true;
    file_batch_detail::flush_folders(folders);
    return Status();
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> files_;  // (path, temporary)
  Status status_;
  bool committed_ = false;
};

// The same guarantee for files written in pieces (a run's outputs, issue 13): open() each
// file of the batch, write() its bytes in order (each piece one or more large write()
// calls), then commit(): every file is flushed to disk (fsync) only then, after all are
// written, so the disk's writeback of one file overlaps the formatting of the next instead
// of stopping it; then each is renamed into place and the folders flushed. The first error
// of any file fails commit(), and then no file of the batch is renamed. A batch not
// committed removes its temporary files.
//
// Thread-safety: one thread at a time (the writers of a file's pieces take turns).
class StreamedFileBatch {
 public:
  StreamedFileBatch() = default;
  StreamedFileBatch(const StreamedFileBatch&) = delete;
  StreamedFileBatch& operator=(const StreamedFileBatch&) = delete;
  ~StreamedFileBatch() {
    for (File& f : files_) {
      if (f.fd >= 0) ::close(f.fd);
      if (!committed_) ::unlink(f.temporary.c_str());
    }
  }

  // Starts the file `path` (at a temporary name beside it); returns its number for
  // write(). `mode`: the new file's permission bits (before the umask).
  size_t open(const std::string& path, mode_t mode = 0644) {
    File f{path, path + ".tmp-" + std::to_string(::getpid()), -1, 0, 0};
    f.fd = ::open(f.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (f.fd < 0) fail(path);
    files_.push_back(std::move(f));
    return files_.size() - 1;
  }

  // Appends `bytes` to file `file` (nothing once the batch has failed).
  void write(size_t file, std::string_view bytes) {
    File& f = files_[file];
    if (!status_.ok()) return;
    if (!file_batch_detail::write_all(f.fd, bytes)) {
      fail(f.path);
      return;
    }
    f.written += uint64_t(bytes.size());
    // Starts the disk's writeback of what is written so far, every kWritebackBytes (without
    // waiting for it): the kernel would hold it all dirty until commit()'s fsync otherwise
    // (a 10M-row run writes 3.5 GB, below the default background writeback threshold on a
    // large machine), and the fsync would then wait for all of it.
    if (status_.ok() && f.written - f.started >= kWritebackBytes) {
      ::sync_file_range(f.fd, off64_t(f.started), off64_t(f.written - f.started),
                        SYNC_FILE_RANGE_WRITE);
      f.started = f.written;
    }
  }

  // Flushes every file to disk, then renames each into place. The first error, if any
  // (then no file of the batch is renamed).
  Status commit() {
    for (File& f : files_) {
      if (!status_.ok()) break;
      if (::fsync(f.fd) != 0) fail(f.path);
      if (::close(f.fd) != 0 && status_.ok()) fail(f.path);
      f.fd = -1;
    }
    if (!status_.ok()) return status_;
    std::set<std::string> folders;
    for (const File& f : files_) {
      if (::rename(f.temporary.c_str(), f.path.c_str()) != 0) {
        fail(f.path);
        return status_;
      }
      folders.insert(file_batch_detail::folder_of(f.path));
    }
    committed_ = true;
    file_batch_detail::flush_folders(folders);
    return Status();
  }

 private:
  static constexpr uint64_t kWritebackBytes = uint64_t(32) << 20;

  struct File {
    std::string path, temporary;
    int fd;
    uint64_t written = 0;  // bytes written
    uint64_t started = 0;  // bytes whose writeback was started
  };

  void fail(const std::string& path) {
    if (status_.ok()) {
      status_ = Status::io_error(path + ": cannot write (" + std::strerror(errno) + ")");
    }
  }

  std::vector<File> files_;
  Status status_;
  bool committed_ = false;
};

}  // namespace vetan
