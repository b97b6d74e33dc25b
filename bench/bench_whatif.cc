// What-if costing (issue targets: 1 scenario x 12 months x 1M employees under 1 s on 2
// cores; 100 scenarios x 12 months x 1M under 30 s, the shared work done once).
// Arguments: rows, scenarios, threads (0 = all). The master is for 2026-04; the scenarios
// differ in their DA rate and fitment factor and run a financial year, 2026-04..2027-03,
// with increments, grouped by department.
//
//   ./build/bench/vetan_bench --benchmark_filter=WhatIf
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "bench/bench_fixture.h"
#include "core/whatif/whatif.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/generate/master_generator.h"

namespace vetan::bench {
namespace {

constexpr Month kAsOf = 2026 * 12 + 3;  // 2026-04

// A generated master of 2026-04 (2% faults), loaded and indexed once per size.
const LoadedMaster& april_master(size_t rows) {
  static std::map<size_t, std::unique_ptr<LoadedMaster>> cache;
  auto& slot = cache[rows];
  if (!slot) {
    slot = std::make_unique<LoadedMaster>();
    GeneratorOptions options;
    options.rows = rows;
    options.seed = 43;
    options.month = kAsOf;
    options.fault_rate = 0.02;
    std::string csv;
    Status s = generate_master_csv(bench_profile(), options, &csv);
    if (s.ok()) s = parse_employees_csv(csv, "bench", &slot->table, bench_load_options());
    if (!s.ok()) std::abort();
    slot->index = build_table_index(slot->table);
  }
  return *slot;
}

std::string scenario_list(int64_t count) {
  std::string json = "[";
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) json += ",";
    json += R"({"schema": "vetan.scenario/1", "name": "s)" + std::to_string(i) +
            R"(", "from": "2026-04", "to": "2027-03", "group_by": ["department"],
                "increments": true, "changes": [{"da": {"from": "2027-01", "percent": )" +
            std::to_string(58 + i % 10) + R"(}})";
    if (i % 2 == 1) {
      json += R"(, {"pay_matrix_revision": {"from": "2027-04", "fitment_factor": 1.)" +
              std::to_string(10 + i % 90) + R"(, "round_to": 100}})";
    }
    json += "]}";
  }
  return json + "]";
}

void BM_WhatIf(benchmark::State& state) {
  const size_t rows = size_t(state.range(0));
  const LoadedMaster& master = april_master(rows);
  std::ifstream in(VETAN_SOURCE_DIR "/profiles/central-7cpc.json");
  std::stringstream profile_json;
  profile_json << in.rdbuf();
  std::vector<Scenario> scenarios;
  if (Status s =
          parse_scenarios(scenario_list(state.range(1)), profile_json.str(), kAsOf, &scenarios);
      !s.ok()) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  const size_t threads =
      state.range(2) > 0 ? size_t(state.range(2)) : size_t(tbb::info::default_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  for (auto _ : state) {
    std::vector<WhatIfResult> results;
    Status s = run_whatif(master.table, master.index, bench_profile(), kAsOf, scenarios, &results);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(results[0].totals);
  }
  // Employee-months evaluated per second, over all scenarios (12 months each).
  state.counters["employee_months_per_s"] = benchmark::Counter(
      double(rows) * 12 * double(state.range(1)), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = double(threads);
}
BENCHMARK(BM_WhatIf)
    ->ArgNames({"rows", "scenarios", "threads"})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 1, 0})
    ->Args({1000000, 10, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_WhatIf)
    ->ArgNames({"rows", "scenarios", "threads"})
    ->Args({1000000, 100, 0})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace vetan::bench
