// Whole-file checks of an employee master before it is parsed (formats.md "The employee
// master: CSV"; docs/input.md "Files that are refused"): the shapes of file that spreadsheets
// and other systems write instead of UTF-8, comma-separated CSV — UTF-16 or UTF-32 text,
// Windows-1252 (or other non-UTF-8) text, a header separated by semicolons, tabs or bars, an
// Excel workbook — each refused with what it is, where (line and column of the file), and
// what to do.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"

namespace vetan {

// Returns ok() when `data` (a whole file, as read) is UTF-8 text (an optional byte-order
// mark allowed) whose header line is not separated by something other than commas;
// otherwise an invalid_argument status whose message starts with `name`, says what the
// file is, where (line and column of the file: lines count from 1 at the file's first line,
// the header's; columns count characters from 1), and what to do. Empty data is ok (the
// parser reports it). Reads the whole file once (UTF-8 validation); only its first line
// and first 4 KiB otherwise, unless it is refused.
Status check_file_shape(std::string_view data, const std::string& name);

}  // namespace vetan
