// The next month's master after a month close (issue 12): the master's own CSV records
// written again, byte for byte, except for the fields of the columns the close changed
// (core/close/month_close.h), which hold the new value as decimal digits. A changed column
// the header lacks is added after the last column, in the header and in every record
// (empty where the row's value did not change, which is that column's default). Bytes
// before the header (a byte-order mark, blank lines), blank lines and unreadable rows are
// copied as they are (with the added empty fields). Line ends stay the file's own.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/close/month_close.h"
#include "core/common/status.h"

namespace vetan {

// Writes the next master to `sink`, in order, a piece at a time. `data` is the master file's
// bytes exactly as loaded into the table `close` was computed on; `name` names it in
// errors. Fails when its records are not the close's rows (another file). Records are read
// in parallel (TBB) in chunks of about `chunk_bytes`; the output never depends on them.
Status write_next_master(std::string_view data, const std::string& name, const MonthClose& close,
                         const std::function<void(std::string_view)>& sink,
                         size_t chunk_bytes = size_t(1) << 20);

}  // namespace vetan
