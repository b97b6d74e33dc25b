// pain.001 files for all bills of a 1M-row run (issue 12 target: under 3 s on 2 cores):
// names into the payment Latin set, then one message per bill formatted into one buffer
// per bill, TBB over bills, and each buffer hashed (SHA-256) as the manifest needs. What is
// timed is the work of vetan pay between reading payslips.csv and writing the files; the
// disk is not (it is the machine's, see the README's figures).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_fixture.h"
#include "core/common/sha256.h"
#include "core/payment/latin_text.h"
#include "core/payment/pain001.h"
#include "core/run/month_run.h"

namespace vetan::bench {
namespace {

struct BillRows {
  std::vector<std::vector<uint32_t>> rows;  // paid rows per bill, by employee_id
  std::vector<std::string> ids;
};

const BillRows& bill_rows(size_t n, const MonthResult** result_out) {
  static MonthResult result;
  static BillRows b;
  const LoadedMaster& master = bench_master(n);
  if (b.rows.empty()) {
    if (!run_month(master.table, master.index, bench_profile(), kBenchMonth, &result).ok()) std::abort();
    b.rows.resize(master.index.bills.size());
    for (uint32_t r : master.index.rows_by_employee_id) {
      if (result.fate_of(r) == Fate::kPaid) b.rows[master.index.bill_of_row[r]].push_back(r);
    }
    for (const BillKey& k : master.index.bills) b.ids.push_back("2026-11/" + k.id_suffix);
  }
  *result_out = &result;
  return b;
}

void BM_Pain001AllBills(benchmark::State& state) {
  const LoadedMaster& master = bench_master(size_t(state.range(0)));
  const MonthResult* result = nullptr;
  const BillRows& bills = bill_rows(size_t(state.range(0)), &result);
  const size_t threads = state.range(1) > 0 ? size_t(state.range(1)) : size_t(tbb::info::default_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const EmployeeTable& t = master.table;
  size_t bytes = 0, credits = 0;
  for (auto _ : state) {
    std::vector<size_t> sizes(bills.rows.size());
    std::vector<size_t> counts(bills.rows.size());
    tbb::parallel_for(size_t(0), bills.rows.size(), [&](size_t b) {
      const auto& rows = bills.rows[b];
      if (rows.empty()) return;
      std::string names;
      std::vector<uint32_t> ends;
      ends.reserve(rows.size());
      for (uint32_t r : rows) {
        if (to_payment_latin(t.name[r], &names) != 0) std::abort();
        ends.push_back(uint32_t(names.size()));
      }
      std::vector<std::string> accounts(rows.size()), ifscs(rows.size());  // packed columns
      std::vector<Credit> credit(rows.size());
      uint32_t start = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        const uint32_t r = rows[i];
        accounts[i] = std::string(t.bank_account[r].view());
        ifscs[i] = std::string(t.ifsc[r].view());
        credit[i] = {t.employee_id[r], {std::string_view(names.data() + start, ends[i] - start), accounts[i], ifscs[i]},
                     result->amount(result->layout.net, r)};
        start = ends[i];
      }
      CreditTransferBill bill{bills.ids[b], kBenchMonth, first_day(kBenchMonth + 1), "Treasury Office",
                              {"DDO", "10000000001", "SBIN0001234"}, credit};
      std::string xml;
      xml.reserve(1200 + rows.size() * 900);
      format_pain001(bill, &xml);
      benchmark::DoNotOptimize(sha256_hex(xml));
      sizes[b] = xml.size();
      counts[b] = rows.size();
    });
    bytes = credits = 0;
    for (size_t b = 0; b < sizes.size(); ++b) bytes += sizes[b], credits += counts[b];
  }
  state.counters["credits"] = double(credits);
  state.counters["MB"] = double(bytes) / 1e6;
}

constexpr int64_t k1M = 1000000;
BENCHMARK(BM_Pain001AllBills)->ArgsProduct({{k1M}, {1, 0}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vetan::bench
