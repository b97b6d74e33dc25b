// A run folder that `vetan run` wrote, checked against the month computed again from the
// master and profile it claims to be the run of (formats.md): summary.json and payslips.csv.
// `vetan close` and `vetan payslips` trust a folder only after these checks.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "core/common/civil_date.h"
#include "core/common/status.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"

namespace vetan {

// A whole file mapped read-only (empty files are an empty view).
class MappedFile {
 public:
  Status open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::io_error(path + ": cannot read (not a regular file)");
    }
    size_ = size_t(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      const int map_errno = errno;
      ::close(fd);
      if (p == MAP_FAILED) {
        size_ = 0;
        return Status::io_error(path + ": cannot read (" + std::strerror(map_errno) + ")");
      }
      data_ = static_cast<const char*>(p);
      ::madvise(p, size_, MADV_SEQUENTIAL | MADV_WILLNEED);
    } else {
      ::close(fd);
    }
    return Status();
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return std::string_view(data_ == nullptr ? "" : data_, size_); }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// summary.json (formats.md) against the month computed again: the same month and rows, and
// the same fates and totals (else the run was of another master or profile).
Status check_summary(const std::string& path, const std::string& employees,
                     const MonthResult& result);

// payslips.csv (formats.md) against the month computed again: one record per PAID row,
// naming its employee_id and line, with the gross, income_tax and loan a close carries.
Status check_payslips(const std::string& path, const EmployeeTable& table,
                      const MonthResult& result);

// The "month" of a run folder's summary.json; the error names the file.
Status read_run_month(const std::string& summary_path, Month* month);

}  // namespace vetan
