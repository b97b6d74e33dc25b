// Loads a GPF ledger file (gpf.md §2) into a GpfLedger, and the final-payment cases file
// (gpf.md §5) into GpfCases, with formats.md's CSV rules (RFC 4180 as the oracle reads it,
// BOM, CR/LF/CRLF, trimming, blank lines skipped).
//
// The ledger is parsed in chunks in parallel (TBB) and its accounts dictionary-encoded in
// partitions by hash, in parallel too; the ledger never depends on chunking or thread
// count. Every unreadable line is kept as a problem, its account refused as a whole.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/gpf/final_payment.h"
#include "core/gpf/gpf_ledger.h"

namespace vetan {

struct GpfLoadOptions {
  size_t chunk_bytes = size_t(4) << 20;
  // Called from worker threads as chunks finish: (bytes parsed, bytes in all). Must be
  // thread-safe.
  std::function<void(size_t, size_t)> progress;
};

// Parses `data` (the whole file's bytes); `name` is how errors name the file. Fails,
// leaving *ledger untouched, when the file cannot be used at all: not UTF-8, no header, a
// header that repeats a column or lacks one of gpf_account, month, kind, amount.
Status parse_gpf_ledger(std::string_view data, const std::string& name, GpfLedger* ledger,
                        const GpfLoadOptions& options = {});

// Reads (memory-mapped) and parses the file at `path`, failing as parse_gpf_ledger does or
// when the file cannot be read.
Status load_gpf_ledger(const std::string& path, GpfLedger* ledger,
                       const GpfLoadOptions& options = {});

// The cases file of gpf.md §5: the cases read before its first unreadable line, and, when
// there is one, why the file is unusable ("NAME: line N: …"). The command reports that
// only after computing the cases before it, as the oracle meets them in file order.
struct GpfCases {
  std::vector<GpfCase> cases;
  Status unusable;
};

// Parses the cases file's bytes. Fails outright (not UTF-8, no header, a header repeating
// a column or lacking case_id, gpf_account, payable_month or payment_month).
Status parse_gpf_cases(std::string_view data, const std::string& name, GpfCases* cases);
Status load_gpf_cases(const std::string& path, GpfCases* cases);

}  // namespace vetan
