// The parts of reading a CSV file (formats.md) that every loader shares: the file's bytes
// memory-mapped, the UTF-8 check, the byte-order mark, and parsing the body in chunks in
// parallel. Records themselves are split by CsvRecordReader (csv_record.h).
#pragma once

#include <tbb/parallel_for.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace vetan {

// A file's bytes, mapped read-only and private; unmapped on destruction.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { close(); }

  // Maps the regular file at `path`. Errors: "PATH: cannot read (REASON)".
  Status open(const std::string& path);
  // Unmaps the file (views into data() become invalid).
  void close();
  std::string_view data() const { return std::string_view(data_, size_); }
  // Gives back the whole pages of data()[begin, end): they are read from the file again
  // if touched later.
  void drop_pages(size_t begin, size_t end) const;

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Fails, naming the first bad byte, when `data` is not UTF-8: "NAME: not UTF-8 text (byte N)".
Status check_utf8(std::string_view data, const std::string& name);

// 3 when `data` starts with a UTF-8 byte-order mark, else 0.
size_t bom_length(std::string_view data);

// A header line: how many fields it has and where each wanted column stands (-1: absent).
struct CsvHeader {
  size_t fields = 0;
  std::vector<int> position;  // by the index of the column in the list asked for
};

// Reads the header, the first record at or after *body that is not an empty line
// (CsvRecordReader::empty_line), and advances *body past
// it. `columns` are the names looked for, the first `required` of them required. Fails,
// naming the file, when there is no header, it repeats a column ("the header repeats
// column 'X'", the first so repeated) or lacks a required one. Other columns are allowed.
Status read_csv_header(std::string_view data, const std::string& name,
                       const std::vector<std::string_view>& columns, size_t required,
                       size_t* body, CsvHeader* header);

// The guessed starts of chunks of about `chunk_bytes` of data[body, size): just after line
// ends, so possibly inside a quoted field (parse_chunks corrects that). The last entry is
// data.size().
std::vector<size_t> chunk_starts(std::string_view data, size_t body, size_t chunk_bytes);

// Parses chunk i = the records starting in [(*starts)[i], (*starts)[i + 1]) by calling
// parse(i, begin, limit, again), which returns where the next record starts, for every
// chunk in parallel. A chunk whose predecessor ended elsewhere (its guessed start was inside
// a quoted field) is parsed again from there with again = true (parse must first discard
// what it kept of that chunk), so the chunks' records never depend on the guesses.
template <class Parse>
void parse_chunks(std::vector<size_t>* starts, const Parse& parse) {
  std::vector<size_t>& s = *starts;
  const size_t n = s.size() - 1;
  std::vector<size_t> ends(n);
  tbb::parallel_for(size_t(0), n, [&](size_t i) { ends[i] = parse(i, s[i], s[i + 1], false); });
  for (size_t i = 0; i + 1 < n; ++i) {
    if (ends[i] != s[i + 1]) {
      s[i + 1] = ends[i];
      ends[i + 1] = parse(i + 1, s[i + 1], std::max(s[i + 1], s[i + 2]), true);
    }
  }
}

}  // namespace vetan
