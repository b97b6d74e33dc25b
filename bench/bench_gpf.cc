// GPF statement (issue 10 target: 1,000,000 accounts x 12 postings, about 13M ledger lines,
// under 3 s end to end on 2 cores). Arguments: accounts, threads (0 = all). The ledger is
// made in memory, shuffled (lines in any order, gpf.md §2): each account an OPENING in
// 2025-04 and twelve SUBSCRIPTIONs of FY 2025-26, one in twenty an ADVANCE and REFUNDs.
//
//   ./build/bench/vetan_bench --benchmark_filter=Gpf
// The end to end figure is `vetan gpf statement` on the file bench/gpf_ledger.py writes.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/gpf/gpf_months.h"
#include "core/gpf/statement.h"
#include "loaders/gpf/ledger_csv.h"

namespace vetan::bench {
namespace {

constexpr Month kFy = 2025 * 12 + 3;  // 2025-04

const GpfRates& rates() {
  static const GpfRates r({{2020 * 12 + 3, 710}, {2025 * 12 + 9, 725}});
  return r;
}

// The ledger's CSV text, made once per size.
const std::string& ledger_csv(size_t accounts) {
  static std::map<size_t, std::string> cache;
  std::string& csv = cache[accounts];
  if (!csv.empty()) return csv;
  std::mt19937_64 random(17);
  const char* departments[] = {"EDU", "PWD", "HLT", "REV"};
  std::vector<std::string> lines;
  lines.reserve(accounts * 14);
  for (size_t a = 0; a < accounts; ++a) {
    const std::string account =
        std::string("GPF/") + departments[random() % 4] + "/" + std::to_string(100000 + a);
    const int64_t subscription = 1000 * int64_t(1 + random() % 12);
    lines.push_back(account + ",2025-04,OPENING," + std::to_string(5000 * (random() % 40)) +
                    ",annual statement 2024-25");
    const bool advance = random() % 20 == 0;
    for (int m = 0; m < 12; ++m) {
      const std::string month = gpf_month_name(kFy + m);
      lines.push_back(account + "," + month + ",SUBSCRIPTION," + std::to_string(subscription) +
                      ",bill " + month + "/T1/D" + std::to_string(a % 97));
      if (advance && m == 2) lines.push_back(account + "," + month + ",ADVANCE,6000,sanction");
      if (advance && m > 2 && m < 9) lines.push_back(account + "," + month + ",REFUND,1000,");
    }
  }
  std::shuffle(lines.begin(), lines.end(), random);
  csv = "gpf_account,month,kind,amount,reference\n";
  for (const std::string& line : lines) csv += line + "\n";
  return csv;
}

size_t threads_of(const benchmark::State& state) {
  return state.range(1) > 0 ? size_t(state.range(1)) : size_t(tbb::info::default_concurrency());
}

// Reading the ledger: parse, dictionary-encode, group by account and month.
void BM_GpfLoadLedger(benchmark::State& state) {
  const std::string& csv = ledger_csv(size_t(state.range(0)));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    GpfLedger ledger;
    if (!parse_gpf_ledger(csv, "bench", &ledger).ok()) std::abort();
    benchmark::DoNotOptimize(ledger.posting_count());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(csv.size()));
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}

// The statement's arithmetic (gpf.md §3-§4) over a loaded ledger.
void BM_GpfStatement(benchmark::State& state) {
  static std::map<size_t, std::unique_ptr<GpfLedger>> cache;
  auto& ledger = cache[size_t(state.range(0))];
  if (!ledger) {
    ledger = std::make_unique<GpfLedger>();
    if (!parse_gpf_ledger(ledger_csv(size_t(state.range(0))), "bench", ledger.get()).ok()) {
      std::abort();
    }
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    GpfStatementResult result;
    if (!compute_gpf_statement(*ledger, rates(), kFy, &result).ok()) std::abort();
    benchmark::DoNotOptimize(result.totals.interest);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}

BENCHMARK(BM_GpfLoadLedger)->Args({100000, 0})->Args({1000000, 0})->Args({1000000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GpfStatement)->Args({100000, 0})->Args({1000000, 0})->Args({1000000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vetan::bench
