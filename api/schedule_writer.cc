#include "api/schedule_writer.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "api/chunked_rows.h"
#include "api/output_writer.h"

namespace vetan {
namespace {

// PAID rows sorted by bill id (the order of result.bills), then employee_id.
std::vector<uint32_t> paid_rows_by_bill(const TableIndex& index, const MonthResult& result) {
  std::vector<uint32_t> rank(index.bills.size(), 0);
  std::vector<size_t> start(result.bills.size() + 1, 0);
  for (size_t i = 0; i < result.bills.size(); ++i) {
    rank[result.bills[i].bill] = uint32_t(i);
    start[i + 1] = start[i] + size_t(result.bills[i].employees);
  }
  std::vector<uint32_t> rows(start.back());
  for (uint32_t r : index.rows_by_employee_id) {  // a stable bucket sort by bill
    if (result.fate_of(r) == Fate::kPaid) rows[start[rank[index.bill_of_row[r]]]++] = r;
  }
  return rows;
}

// Keeps a value the compiler would otherwise drop (a load made only to start its miss).
template <typename T>
inline void keep(const T& value) {
  asm volatile("" : : "r"(value));
}

// Rows per formatting chunk (api/chunked_rows.h): a row's schedule lines are about 120
// bytes together.
constexpr size_t kScheduleChunkRows = 8192;

// Rows ahead of the one formatted whose memory is requested.
constexpr size_t kPrefetchRows = 16;

}  // namespace

void write_deduction_schedules(const std::string& folder, const EmployeeTable& t,
                               const TableIndex& index, const MonthResult& result,
                               const BillText& bill_text, ChunkBuffers* buffers,
                               StreamedFileBatch* batch) {
  const PayslipLayout& layout = result.layout;
  const std::vector<uint32_t> rows = paid_rows_by_bill(index, result);
  auto amounts = [&](std::string* out, std::initializer_list<Money> values) {
    for (Money v : values) {
      out->push_back(',');
      append_number(out, v);
    }
    out->push_back('\n');
  };
  // The three schedules in one pass over the rows in bill order, each row read once for all
  // of them: the rows are far from file order, so each row's columns are cache misses, and
  // a row's loads are started kPrefetchRows rows ahead so that several rows' overlap.
  //
  // gpf_schedule.csv, the AG's GPF schedule: every paid GPF subscriber, a zero subscription
  // included (the last months before retirement, rules §5.1). vetan recovers no GPF advance,
  // so `refund` (the column of the AG's schedule for an advance's instalment) is 0.
  // nps_contributions.csv, the NPS contribution schedule: every paid NPS subscriber, the
  // employee's share (the payslip's nps deduction) and the government's (employer_nps).
  // tds_schedule.csv, the TDS schedule (section 192): every paid row with tax deducted this
  // month.
  enum { kGpfFile, kNpsFile, kTdsFile };
  const size_t files[3] = {
      batch->open(folder + "/gpf_schedule.csv"),
      batch->open(folder + "/nps_contributions.csv"),
      batch->open(folder + "/tds_schedule.csv"),
  };
  batch->write(files[kGpfFile],
               "bill_id,treasury_code,ddo_code,gpf_account,employee_id,name,subscription,"
               "refund\n");
  batch->write(files[kNpsFile],
               "bill_id,treasury_code,ddo_code,pran,employee_id,name,employee_contribution,"
               "employer_contribution,total_contribution\n");
  batch->write(files[kTdsFile],
               "bill_id,treasury_code,ddo_code,employee_id,name,pan,gross,income_tax\n");
  auto prefetch = [&](uint32_t r) {
    __builtin_prefetch(&index.bill_of_row[r]);
    __builtin_prefetch(&t.pension_scheme[r]);
    if (bill_text.reads_row_codes()) {
      keep(t.treasury_code.codes[r]);
      keep(t.ddo_code.codes[r]);
      keep(t.bill_group.codes[r]);
    }
    __builtin_prefetch(t.employee_id[r].data());
    __builtin_prefetch(t.name[r].data());
    __builtin_prefetch(PensionScheme(t.pension_scheme[r]) == PensionScheme::kGpf
                           ? t.gpf_account[r].data()
                           : t.pran[r].data());
    keep(t.pan.code(r));
    const PayslipRow slip = result.payslip(r);
    __builtin_prefetch(slip.cells() + layout.gross);
    __builtin_prefetch(slip.cells() + layout.gpf);
    __builtin_prefetch(slip.cells() + layout.nps);
    __builtin_prefetch(slip.cells() + layout.employer_nps);
    __builtin_prefetch(slip.cells() + layout.income_tax);
  };
  write_rows_chunked_to(
      buffers, 3, rows.size(), kScheduleChunkRows,
      [&](size_t i, std::string* out) {
        if (i + kPrefetchRows < rows.size()) prefetch(rows[i + kPrefetchRows]);
        const uint32_t r = rows[i];
        const bool gpf = PensionScheme(t.pension_scheme[r]) == PensionScheme::kGpf;
        const bool nps = PensionScheme(t.pension_scheme[r]) == PensionScheme::kNps;
        if (gpf) {
          std::string* o = &out[kGpfFile];
          bill_text.append(o, r, false);
          for (std::string_view text : {t.gpf_account[r], t.employee_id[r], t.name[r]}) {
            o->push_back(',');
            append_csv_field(o, text);
          }
          amounts(o, {result.amount(layout.gpf, r), 0});
        }
        if (nps) {
          std::string* o = &out[kNpsFile];
          bill_text.append(o, r, false);
          for (std::string_view text : {t.pran[r], t.employee_id[r], t.name[r]}) {
            o->push_back(',');
            append_csv_field(o, text);
          }
          const Money employee = result.amount(layout.nps, r);
          const Money employer = result.amount(layout.employer_nps, r);
          amounts(o, {employee, employer, employee + employer});
        }
        if (result.amount(layout.income_tax, r) != 0) {
          std::string* o = &out[kTdsFile];
          bill_text.append(o, r, false);
          for (std::string_view text : {t.employee_id[r], t.name[r]}) {
            o->push_back(',');
            append_csv_field(o, text);
          }
          o->push_back(',');
          append_csv_field(o, t.pan[r].view());
          amounts(o, {result.amount(layout.gross, r), result.amount(layout.income_tax, r)});
        }
      },
      [&](size_t f, std::string_view bytes) { batch->write(files[f], bytes); });

  // Totals by department over the run's paid rows, sorted by department (byte order).
  struct Totals {
    int64_t employees = 0;
    Money gross = 0, gpf = 0, nps = 0, income_tax = 0, total_deductions = 0, net = 0,
          employer_nps = 0;
  };
  // Summed in file order (the same sums as over `rows`: every paid row is in `rows`), so
  // the reads are sequential; in parallel over fixed ranges of rows, then range by range
  // (integer sums: the same whatever the thread count).
  const size_t departments = t.department.dictionary.size();
  constexpr size_t kRangeRows = size_t(1) << 16;
  const size_t ranges = (t.rows + kRangeRows - 1) / kRangeRows;
  std::vector<Totals> partial(ranges * departments);
  tbb::parallel_for(size_t(0), ranges, [&](size_t k) {
    Totals* by_code = &partial[k * departments];
    const size_t end = std::min(t.rows, (k + 1) * kRangeRows);
    for (size_t r = k * kRangeRows; r < end; ++r) {
      if (result.fate_of(r) != Fate::kPaid) continue;
      Totals& d = by_code[t.department.codes[r]];
      const PayslipRow slip = result.payslip(r);
      ++d.employees;
      d.gross += slip[layout.gross];
      d.gpf += slip[layout.gpf];
      d.nps += slip[layout.nps];
      d.income_tax += slip[layout.income_tax];
      d.total_deductions += slip[layout.total_deductions];
      d.net += slip[layout.net];
      d.employer_nps += slip[layout.employer_nps];
    }
  });
  std::vector<Totals> by_code(departments);
  for (size_t k = 0; k < ranges; ++k) {
    for (size_t c = 0; c < departments; ++c) {
      const Totals& p = partial[k * departments + c];
      Totals& d = by_code[c];
      d.employees += p.employees;
      d.gross += p.gross;
      d.gpf += p.gpf;
      d.nps += p.nps;
      d.income_tax += p.income_tax;
      d.total_deductions += p.total_deductions;
      d.net += p.net;
      d.employer_nps += p.employer_nps;
    }
  }
  std::map<std::string_view, const Totals*> sorted;
  for (size_t c = 0; c < by_code.size(); ++c) {
    if (by_code[c].employees > 0)
      sorted[t.department.dictionary.value(Dictionary::Code(c))] = &by_code[c];
  }
  std::string out =
      "department,employees,gross,gpf,nps,income_tax,total_deductions,net,employer_nps\n";
  for (const auto& [department, d] : sorted) {
    append_csv_field(&out, department);
    amounts(&out, {d->employees, d->gross, d->gpf, d->nps, d->income_tax, d->total_deductions,
                   d->net, d->employer_nps});
  }
  batch->write(batch->open(folder + "/department_totals.csv"), out);
}

}  // namespace vetan
