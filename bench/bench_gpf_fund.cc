// Posting one month's GPF subscriptions of a 1,000,000-employee run into the service's
// ledger (issue 10 target: under 2 s): the run's postings built from its columns, written as
// one audit event (each bill's accounts and amounts as columns), appended durably to a real
// AuditStore (SQLite, synchronous FULL) and applied to the fund; and the same event replayed
// (decoded and applied) as a restart does. Argument: employees; 5,000 bills of 200.
//
//   ./build/bench/vetan_bench --benchmark_filter=GpfFund
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "api/serve/audit_store.h"
#include "api/serve/gpf_fund.h"

namespace vetan::bench {
namespace {

constexpr Month kNov = 2026 * 12 + 10;

struct RunColumns {
  std::vector<std::string> accounts;  // as the run's table holds them
  std::vector<Money> gpf;
};

const RunColumns& run_columns(size_t rows) {
  static RunColumns c;
  if (c.accounts.size() == rows) return c;
  c.accounts.resize(rows);
  c.gpf.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    c.accounts[r] = "HR/GPF/" + std::to_string(1000000 + r);
    c.gpf[r] = r % 10 == 0 ? 0 : Money(1000 + r % 9000);  // one in ten NPS: no posting
  }
  return c;
}

serve::GpfRunSubscriptions subscriptions(const RunColumns& c, int64_t run_id) {
  serve::GpfRunSubscriptions run;
  run.run_id = run_id;
  run.salary_month = run.month = kNov;
  const size_t per_bill = 200;
  for (size_t first = 0; first < c.accounts.size(); first += per_bill) {
    serve::GpfBillSubscriptions b;
    b.bill_id = "2026-11/TR01/DDO" + std::to_string(first / per_bill) + "/1";
    for (size_t r = first; r < std::min(first + per_bill, c.accounts.size()); ++r) {
      if (c.gpf[r] <= 0) continue;
      b.accounts.push_back(c.accounts[r]);
      b.amounts.push_back(c.gpf[r]);
    }
    run.bills.push_back(std::move(b));
  }
  return run;
}

void BM_GpfFundPostRun(benchmark::State& state) {
  const RunColumns& c = run_columns(size_t(state.range(0)));
  const std::string dir = std::filesystem::temp_directory_path() / ("vetan-bench-fund-" + std::to_string(::getpid()));
  size_t bytes = 0;
  int64_t run_id = 0;
  serve::GpfFund fund;
  std::filesystem::remove_all(dir);
  serve::AuditStore store;
  if (Status s = store.open(dir, "sha256:bench"); !s.ok()) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  for (auto _ : state) {
    serve::GpfRunSubscriptions run = subscriptions(c, ++run_id);  // the run regenerates its bills
    serve::AuditEvent e = serve::GpfFund::subscribe_event(run);
    e.at = "2026-11-20T10:00:00Z";
    e.actor = "system";
    bytes = e.after.size();
    if (Status s = store.append(&e); !s.ok()) {
      state.SkipWithError(s.message().c_str());
      break;
    }
    fund.apply_subscriptions(run, e.seq, e.at);
  }
  state.counters["event_MB"] = double(bytes) / 1e6;
  state.counters["postings"] = double(fund.subscription_count());
  store.close();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GpfFundPostRun)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_GpfFundReplayRun(benchmark::State& state) {
  const RunColumns& c = run_columns(size_t(state.range(0)));
  serve::AuditEvent e = serve::GpfFund::subscribe_event(subscriptions(c, 1));
  e.seq = 1;
  e.at = "2026-11-20T10:00:00Z";
  for (auto _ : state) {
    serve::GpfFund fund;
    if (Status s = fund.apply(e); !s.ok()) {
      state.SkipWithError(s.message().c_str());
      break;
    }
    benchmark::DoNotOptimize(fund.subscription_count());
  }
}
BENCHMARK(BM_GpfFundReplayRun)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace vetan::bench
