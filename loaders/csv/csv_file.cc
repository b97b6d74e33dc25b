#include "loaders/csv/csv_file.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <algorithm>
#include <cstring>

#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// Position of the first byte of a UTF-8 error, found slowly (only once validation failed).
size_t first_invalid_utf8(std::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    const auto b = static_cast<uint8_t>(data[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > data.size()) return i;
    if (!simdjson::validate_utf8(data.data() + i, n)) return i;
    i += n;
  }
  return i;
}

// The first record start at or after `from`: just after the next line end.
size_t next_line_start(std::string_view data, size_t from) {
  for (size_t i = from; i < data.size(); ++i) {
    if (data[i] == '\n') return i + 1;
    if (data[i] == '\r') return i + 1 < data.size() && data[i + 1] == '\n' ? i + 2 : i + 1;
  }
  return data.size();
}

}  // namespace

Status MappedFile::open(const std::string& path) {
  close();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io_error(path + ": cannot read (not a regular file)");
  }
  const size_t size = size_t(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Status();
  }
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (mapped == MAP_FAILED) {
    return Status::io_error(path + ": cannot read (" + std::strerror(map_errno) + ")");
  }
  ::madvise(mapped, size, MADV_SEQUENTIAL | MADV_WILLNEED);
  data_ = static_cast<const char*>(mapped);
  size_ = size;
  return Status();
}

void MappedFile::close() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

void MappedFile::drop_pages(size_t begin, size_t end) const {
  const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  const uintptr_t from = (uintptr_t(data_) + begin + page - 1) / page * page;
  const uintptr_t to = (uintptr_t(data_) + end) / page * page;
  if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

Status check_utf8(std::string_view data, const std::string& name) {
  if (simdjson::validate_utf8(data.data(), data.size())) return Status();
  return Status::invalid_argument(name + ": not UTF-8 text (byte " +
                                  std::to_string(first_invalid_utf8(data)) + ")");
}

size_t bom_length(std::string_view data) { return data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }

Status read_csv_header(std::string_view data, const std::string& name,
                       const std::vector<std::string_view>& columns, size_t required,
                       size_t* body, CsvHeader* header) {
  CsvRecordReader reader;
  size_t position = *body;
  while (reader.next(data, &position)) {
    if (reader.empty_line()) continue;
    std::vector<std::string_view> names;
    for (std::string_view f : reader.fields()) names.push_back(trim(f));
    for (std::string_view h : names) {
      if (std::count(names.begin(), names.end(), h) > 1) {
        return Status::invalid_argument(name + ": the header repeats column '" + std::string(h) +
                                        "'");
      }
    }
    header->fields = names.size();
    header->position.assign(columns.size(), -1);
    for (size_t c = 0; c < columns.size(); ++c) {
      const auto it = std::find(names.begin(), names.end(), columns[c]);
      if (it != names.end()) header->position[c] = int(it - names.begin());
      if (c < required && it == names.end()) {
        return Status::invalid_argument(name + ": the header lacks required column '" +
                                        std::string(columns[c]) + "'");
      }
    }
    *body = position;
    return Status();
  }
  return Status::invalid_argument(name + ": no header");
}

std::vector<size_t> chunk_starts(std::string_view data, size_t body, size_t chunk_bytes) {
  const size_t chunk = std::max<size_t>(chunk_bytes, 1);
  std::vector<size_t> starts{body};
  for (size_t at = body + chunk; at < data.size(); at += chunk) {
    const size_t s = next_line_start(data, at);
    if (s > starts.back() && s < data.size()) starts.push_back(s);
  }
  starts.push_back(data.size());
  return starts;
}

}  // namespace vetan
