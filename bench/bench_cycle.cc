// The monthly cycle's bookkeeping of a 1M-row run's completion (issue 9: what `vetan serve`
// does with readers shut out). A RunComplete of every bill of a generated master's run is
// checked, then applied to a cycle with the run started, then (Regenerate) applied again by
// a second run of the month, which withdraws and remakes every bill. Arguments: rows.
//
//   ./build/bench/vetan_bench --benchmark_filter=Cycle
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <utility>

#include "bench/bench_fixture.h"
#include "core/cycle/cycle_state.h"
#include "core/cycle/settlement.h"
#include "core/run/month_run.h"

namespace vetan::bench {
namespace {

using cycle::CycleState;
using cycle::Event;
using cycle::EventKind;

Event cycle_event(EventKind kind, cycle::Payload payload) {
  Event e(kind, std::move(payload));
  e.header.at = 1'795'000'000;
  e.header.actor = "bench";
  return e;
}

// The completion event of run `run_id` of a fresh cycle over `rows` rows.
const cycle::RunComplete& completion(size_t rows) {
  static std::unique_ptr<cycle::RunComplete> complete;
  if (complete == nullptr) {
    const LoadedMaster& master = bench_master(rows);
    MonthResult result;
    if (!run_month(master.table, master.index, bench_profile(), kBenchMonth, &result).ok()) std::abort();
    CycleState empty;
    empty.set_rows(master.table.rows);
    complete = std::make_unique<cycle::RunComplete>();
    complete->month = kBenchMonth;
    complete->summary = result.summary;
    complete->bills = cycle::make_run_bills(master.table, master.index, result, kBenchMonth, 1, empty);
  }
  return *complete;
}

// A cycle over `rows` rows with runs 1..runs-1 completed and run `runs` started.
void start_runs(size_t rows, int64_t runs, CycleState* state) {
  state->set_rows(rows);
  if (!state->apply(cycle_event(EventKind::kProfileVersion, cycle::ProfileVersion{1, "sha", "{}"})).ok()) std::abort();
  for (int64_t id = 1; id <= runs; ++id) {
    if (!state->apply(cycle_event(EventKind::kRunStart, cycle::RunStart{id, kBenchMonth, 0, 1, {}})).ok()) std::abort();
    if (id == runs) break;
    cycle::RunComplete c = completion(rows);
    c.run_id = id;
    if (!state->apply(cycle_event(EventKind::kRunComplete, std::move(c))).ok()) std::abort();
  }
}

Event completion_event(size_t rows, int64_t run_id) {
  cycle::RunComplete c = completion(rows);
  c.run_id = run_id;
  return cycle_event(EventKind::kRunComplete, std::move(c));
}

void BM_CycleCheckRunComplete(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  CycleState cycle;
  start_runs(rows, 1, &cycle);
  const Event e = completion_event(rows, 1);
  for (auto _ : state) {
    CycleState::Checked proof;
    if (!cycle.check(e, &proof).ok()) state.SkipWithError("check refused");
    benchmark::DoNotOptimize(proof);
  }
  state.counters["rows_per_s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
}

// `runs` 1: the month's first run; 2: a second run remaking every bill of the first.
void apply_completion(benchmark::State& state, int64_t runs) {
  const size_t rows = size_t(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto cycle = std::make_unique<CycleState>();
    start_runs(rows, runs, cycle.get());
    auto e = std::make_unique<Event>(completion_event(rows, runs));
    CycleState::Checked proof;
    if (!cycle->check(*e, &proof).ok()) state.SkipWithError("check refused");
    state.ResumeTiming();
    // What the service does with readers out: apply, then let the event go.
    if (!cycle->apply(std::move(*e), proof).ok()) state.SkipWithError("apply refused");
    e.reset();
    state.PauseTiming();
    cycle.reset();
    state.ResumeTiming();
  }
  state.counters["rows_per_s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_CycleApplyRunComplete(benchmark::State& state) { apply_completion(state, 1); }
void BM_CycleApplyRunCompleteRegenerate(benchmark::State& state) { apply_completion(state, 2); }

constexpr int64_t k1M = 1'000'000;

BENCHMARK(BM_CycleCheckRunComplete)->Arg(k1M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CycleApplyRunComplete)->Arg(k1M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CycleApplyRunCompleteRegenerate)->Arg(k1M)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vetan::bench
