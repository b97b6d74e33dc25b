// Month close (issue 12 target: `vetan close` on 1M rows under 2 s on 2 cores, end to end).
// The two stages of its own beyond load and run: the close of every row (core/close) and
// the next master written from the master's bytes (api/next_master_writer.h). Arguments:
// rows, threads (0 = all).
//
//   ./build/bench/vetan_bench --benchmark_filter=Close
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "api/next_master_writer.h"
#include "bench/bench_fixture.h"
#include "core/close/month_close.h"
#include "core/run/month_run.h"

namespace vetan::bench {
namespace {

size_t threads_of(const benchmark::State& state) {
  return state.range(1) > 0 ? size_t(state.range(1)) : size_t(tbb::info::default_concurrency());
}

const MonthResult& bench_result(size_t rows) {
  static std::map<size_t, std::unique_ptr<MonthResult>> results;
  auto& result = results[rows];
  if (result == nullptr) {
    result = std::make_unique<MonthResult>();
    const LoadedMaster& master = bench_master(rows);
    if (!run_month(master.table, master.index, bench_profile(), kBenchMonth, result.get()).ok()) {
      std::abort();
    }
  }
  return *result;
}

void BM_CloseMonth(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const LoadedMaster& master = bench_master(rows);
  const MonthResult& result = bench_result(rows);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    MonthClose close;
    Status s = close_month(master.table, result, &close);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(close.counts.changed_rows);
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_CloseWriteNextMaster(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const LoadedMaster& master = bench_master(rows);
  const std::string& csv = bench_csv(rows);
  MonthClose close;
  if (!close_month(master.table, bench_result(rows), &close).ok()) std::abort();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(state));
  for (auto _ : state) {
    size_t bytes = 0;
    Status s = write_next_master(csv, "master", close,
                                 [&bytes](std::string_view piece) { bytes += piece.size(); });
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(csv.size()));
}

constexpr int64_t k1M = 1'000'000;

BENCHMARK(BM_CloseMonth)->ArgsProduct({{k1M}, {1, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CloseWriteNextMaster)->ArgsProduct({{k1M}, {1, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vetan::bench
