// A fast, deterministic generator of realistic employee masters (formats.md CSV) for the
// built-in sample, tests and benchmarks. Shaped like the conformance kit's gen.py (about
// one DDO per 50 employees, one treasury per 1,500, 1-3 bill groups per DDO, levels weighted
// to the lower and middle of the matrix, ~70% GPF / ~30% NPS), but not byte-identical.
// With a fault rate, about that share of rows carries a planted problem, covering every
// mismatch reason of rules.md §2 and unreadable rows.
//
// Determinism: the same options and profile give the same bytes whatever the thread count
// (rows are generated in fixed blocks, each from its own seeded random stream).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/common/civil_date.h"
#include "core/common/status.h"
#include "core/profile/profile.h"

namespace vetan {

struct GeneratorOptions {
  uint64_t rows = 0;
  uint64_t seed = 1;
  Month month = 0;          // the month the master is meant for (dates, FY figures)
  double fault_rate = 0.0;  // 0..1: share of rows with a planted problem
};

// Generates the master and hands it to `sink` in pieces, in order (header first). Stops
// and returns the sink's first failure. Fails when the options are out of range or the
// profile has no pay matrix in force for the month.
Status generate_master(const Profile& profile, const GeneratorOptions& options,
                       const std::function<Status(std::string_view)>& sink);

// The whole master as one string (for tests and benchmarks of modest size).
Status generate_master_csv(const Profile& profile, const GeneratorOptions& options,
                           std::string* csv);

}  // namespace vetan
