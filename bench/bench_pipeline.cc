// Throughput of the monthly run (issue targets: pipeline >= 10M rows/s on 2 cores; CSV load
// >= 300 MB/s; table <= 160 bytes per employee). Arguments: rows, threads (0 = all).
//
//   ./build/bench/vetan_bench --benchmark_filter=Pipeline
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "bench/bench_fixture.h"
#include "core/run/month_run.h"
#include "loaders/csv/csv_loader.h"

namespace vetan::bench {
namespace {

size_t threads_of(const benchmark::State& state) {
  return state.range(1) > 0 ? size_t(state.range(1)) : size_t(tbb::info::default_concurrency());
}

// Fates to bills on a table already loaded and indexed (rules §2–§7).
void BM_Pipeline(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const LoadedMaster& master = bench_master(rows);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    MonthResult result;
    Status s = run_month(master.table, master.index, bench_profile(), kBenchMonth, &result);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(result.summary.net);
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = double(threads_of(state));
}

// The table index (duplicates, payslip order, bill grouping), built once per loaded table.
void BM_TableIndex(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const LoadedMaster& master = bench_master(rows);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    TableIndex index = build_table_index(master.table);
    benchmark::DoNotOptimize(index.bills.size());
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
}

// CSV bytes to table (formats.md), in bytes per second; also the table's bytes per row.
void BM_CsvLoad(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const std::string& csv = bench_csv(rows);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  size_t table_bytes = 0;
  for (auto _ : state) {
    EmployeeTable table;
    Status s = parse_employees_csv(csv, "bench", &table, bench_load_options());
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    table_bytes = table.memory_bytes();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(csv.size()));
  state.counters["rows_per_s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["table_bytes_per_employee"] = double(table_bytes) / double(rows);
  state.counters["csv_bytes_per_employee"] = double(csv.size()) / double(rows);
}

// Load, index and run: what `vetan run` does before writing files.
void BM_LoadAndPipeline(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const std::string& csv = bench_csv(rows);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    EmployeeTable table;
    Status s = parse_employees_csv(csv, "bench", &table, bench_load_options());
    TableIndex index = build_table_index(table);
    MonthResult result;
    if (s.ok()) s = run_month(table, index, bench_profile(), kBenchMonth, &result);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(result.summary.net);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(csv.size()));
  state.counters["rows_per_s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
}

constexpr int64_t k1M = 1'000'000, k10M = 10'000'000;

BENCHMARK(BM_Pipeline)->ArgsProduct({{k1M, k10M}, {1, 2, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TableIndex)->ArgsProduct({{k1M}, {1, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CsvLoad)->ArgsProduct({{k1M}, {1, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoadAndPipeline)->ArgsProduct({{k1M, k10M}, {0}})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace
}  // namespace vetan::bench

BENCHMARK_MAIN();
