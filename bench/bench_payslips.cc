// PDF payslips (issue 12 target: at least 2,000 pages per second on 2 cores). Pages of the
// shipped Rajasthan layout drawn into PDFs held in memory; with T threads each thread draws
// its own PDF (one per bill in `vetan payslips --out FOLDER`), since one PDF is one cairo
// surface, drawn by one thread. Arguments: pages per PDF, threads.
//
//   ./build/bench/vetan_bench --benchmark_filter=Payslip
#include <benchmark/benchmark.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/payslip_pdf/payslip_pdf.h"
#include "bench/bench_fixture.h"
#include "core/run/payslip_layout.h"

namespace vetan::bench {
namespace {

void BM_PayslipPdf(benchmark::State& state) {
  const size_t pages = size_t(state.range(0)), threads = size_t(state.range(1));
  const PayslipLayout layout(bench_profile());
  PayslipSheet sheet;
  if (!PayslipSheet::from_columns(layout.names, &sheet).ok()) std::abort();
  std::vector<Money> amounts(layout.columns);
  tbb::task_arena arena{int(threads)};
  size_t bytes = 0;
  for (auto _ : state) {
    std::vector<size_t> sizes(threads);
    arena.execute([&] {
      tbb::parallel_for(size_t(0), threads, [&](size_t t) {
        std::vector<Money> a = amounts;
        PayslipPdf pdf(sheet, "2026-11", "bench", [&sizes, t](std::string_view b) { sizes[t] += b.size(); });
        for (size_t p = 0; p < pages; ++p) {
          for (size_t c = 0; c < a.size(); ++c) a[c] = Money(1000 + (p * 37 + c * 101) % 90000);
          PayslipPage page;
          page.month = "2026-11";
          page.bill_id = "2026-11/TR01/DDO-EDU-01/1";
          page.treasury_code = "TR01";
          page.ddo_code = "DDO-EDU-01";
          char id[24];
          std::snprintf(id, sizeof id, "E%zu", 100000 + p);
          page.employee_id = id;
          page.name = p % 2 ? "Meena Kumari" : "राजेश शर्मा";
          page.pay_level = "L-7";
          page.pay_cell = int(p % 40) + 1;
          page.payable_days = 30;
          page.bank_account = "30211456789";
          page.ifsc = "SBIN0001234";
          page.amounts = a.data();
          pdf.add_page(page);
        }
        if (!pdf.finish().ok()) std::abort();
      });
    });
    for (size_t s : sizes) bytes += s;
  }
  state.counters["pages_per_s"] =
      benchmark::Counter(double(pages * threads), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_page"] = double(bytes) / double(state.iterations() * pages * threads);
}
BENCHMARK(BM_PayslipPdf)->Args({1000, 1})->Args({1000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace vetan::bench
