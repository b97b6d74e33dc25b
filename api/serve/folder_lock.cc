#include "api/serve/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vetan::serve {

Status lock_data_folder(const std::string& folder, int* fd) {
  *fd = -1;
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return Status::io_error(folder + ": cannot create the data folder (" + error.message() + ")");
  const std::string path = folder + "/vetan.lock";
  const int lock_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return Status::io_error(path + ": cannot open (" + std::strerror(errno) + ")");
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[256] = {};
    const ssize_t n = ::pread(lock_fd, holder, sizeof holder - 1, 0);
    std::string who = n > 0 ? std::string(holder, size_t(n)) : "another process";
    while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
    ::close(lock_fd);
    return Status::conflict(folder + ": the data folder is held by " + who + " (one server per data folder)",
                            "DATA_FOLDER_LOCKED");
  }
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string who = "vetan serve, pid " + std::to_string(::getpid()) + " on " + host + "\n";
  if (::ftruncate(lock_fd, 0) != 0 || ::pwrite(lock_fd, who.data(), who.size(), 0) != ssize_t(who.size())) {
    const std::string why = std::strerror(errno);
    ::close(lock_fd);
    return Status::io_error(path + ": cannot write (" + why + ")");
  }
  *fd = lock_fd;
  return Status();
}

}  // namespace vetan::serve
