// Shared set-up of the benchmarks: a profile from profiles/ and generated masters, made
// once per size and kept for the whole program.
#pragma once

#include "loaders/csv/csv_loader.h"

#include <map>
#include <memory>
#include <string>

#include "core/profile/profile.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan::bench {

inline constexpr Month kBenchMonth = 2026 * 12 + 10;  // 2026-11

// The central 7th-CPC profile (aborts the program if it cannot be read).
const Profile& bench_profile();

// How the benchmarks load a master: with bench_profile()'s deduction codes (formats.md
// exempt_deductions).
CsvLoadOptions bench_load_options();

// A generated master of `rows` rows with 2% planted faults, as CSV text.
const std::string& bench_csv(size_t rows);

// That master loaded and indexed.
struct LoadedMaster {
  EmployeeTable table;
  TableIndex index;
};
const LoadedMaster& bench_master(size_t rows);

}  // namespace vetan::bench
