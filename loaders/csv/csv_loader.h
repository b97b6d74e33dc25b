// Loads the employee master from CSV (formats.md) into an EmployeeTable.
//
// RFC 4180 as the reference oracle reads it: `"` quotes, `""` inside quotes, LF, CRLF or
// CR line ends, an optional UTF-8 byte-order mark, blank lines skipped. The body is split
// into chunks handled in parallel (TBB): a counting pass finds each chunk's rows (a chunk
// that started inside a quoted field is detected and counted again from the right place),
// then every chunk parses its rows straight into the table's columns, so the table (its
// dictionary codes too) never depends on chunking or threads.
// Every unreadable row becomes an unreadable table row with its problems (rules §2 step 0).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/table/employee_table.h"

namespace vetan {

struct CsvLoadOptions {
  size_t chunk_bytes = size_t(4) << 20;
  // The profile's deduction codes (rules §5): the enumeration of the exempt_deductions
  // column. A row naming another code is unreadable (formats.md).
  std::vector<std::string> deduction_codes;
  // Called from worker threads as chunks finish: (bytes parsed, bytes in all). Must be
  // thread-safe.
  std::function<void(size_t, size_t)> progress;
  // Called now and then while chunks are joined into the table, after memory was freed (a
  // caller using an allocator that keeps freed pages may give them back there). Called from
  // worker threads, several at once: must be thread-safe.
  std::function<void()> release_memory;
};

// Parses `data` (the whole file's bytes). `name` is how errors name the file. Fails,
// leaving *table untouched, when the file cannot be used at all: not UTF-8, no header, a
// header that repeats a column or lacks a required one.
Status parse_employees_csv(std::string_view data, const std::string& name, EmployeeTable* table,
                           const CsvLoadOptions& options = {});

// Reads and parses the file at `path` (memory-mapped). Fails as parse_employees_csv does,
// or when the file cannot be read.
Status load_employees_csv(const std::string& path, EmployeeTable* table,
                          const CsvLoadOptions& options = {});

}  // namespace vetan
