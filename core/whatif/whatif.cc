#include "core/whatif/whatif.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <Eigen/Core>
#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace vetan {
namespace {

constexpr size_t kRowsPerChunk = 8192;
constexpr uint32_t kNoGroup = UINT32_MAX;

// ---------------------------------------------------------------- groups

uint32_t group_code(const EmployeeTable& t, GroupColumn c, size_t r) {
  switch (c) {
    case GroupColumn::kDepartment:
      return t.department.codes[r];
    case GroupColumn::kTreasuryCode:
      return t.treasury_code.codes[r];
    case GroupColumn::kDdoCode:
      return t.ddo_code.codes[r];
    case GroupColumn::kPayLevel:
      return t.pay_level.codes[r];
    case GroupColumn::kFundType:
      return t.fund_type[r];
    case GroupColumn::kBudgetHead:
      return t.budget_head.codes[r];
  }
  return 0;
}

std::string_view group_text(const EmployeeTable& t, GroupColumn c, uint32_t code) {
  switch (c) {
    case GroupColumn::kDepartment:
      return t.department.dictionary.value(code);
    case GroupColumn::kTreasuryCode:
      return t.treasury_code.dictionary.value(code);
    case GroupColumn::kDdoCode:
      return t.ddo_code.dictionary.value(code);
    case GroupColumn::kPayLevel:
      return t.pay_level.dictionary.value(code);
    case GroupColumn::kFundType:
      return FundType(code) == FundType::kSf ? "SF" : "CA";
    case GroupColumn::kBudgetHead:
      return t.budget_head.dictionary.value(code);
  }
  return "";
}

// Readable rows numbered by the distinct values of the group_by columns, groups in the
// byte order of their labels (the order of cost.csv).
struct Grouping {
  std::vector<uint32_t> group_of_row;  // kNoGroup for unreadable rows
  std::vector<std::vector<std::string>> labels;
};

Grouping group_rows(const EmployeeTable& t, const std::vector<GroupColumn>& by) {
  using Key = std::array<uint32_t, kGroupColumnCount>;
  struct KeyHash {
    size_t operator()(const Key& k) const {
      size_t h = 0;
      for (uint32_t v : k) h = h * 0x9E3779B97F4A7C15ull + v;
      return h;
    }
  };
  Grouping g;
  g.group_of_row.assign(t.rows, kNoGroup);
  std::unordered_map<Key, uint32_t, KeyHash> ids;
  std::vector<Key> keys;
  for (size_t r = 0; r < t.rows; ++r) {
    if (!t.readable[r]) continue;
    Key key{};
    for (size_t c = 0; c < by.size(); ++c) key[c] = group_code(t, by[c], r);
    auto [it, added] = ids.try_emplace(key, uint32_t(keys.size()));
    if (added) keys.push_back(key);
    g.group_of_row[r] = it->second;
  }
  std::vector<std::vector<std::string_view>> text(keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    for (size_t c = 0; c < by.size(); ++c) text[k].push_back(group_text(t, by[c], keys[k][c]));
  }
  std::vector<uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return text[a] < text[b]; });
  std::vector<uint32_t> rank(keys.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
    g.labels.emplace_back(text[order[i]].begin(), text[order[i]].end());
  }
  for (uint32_t& group : g.group_of_row) {
    if (group != kNoGroup) group = rank[group];
  }
  return g;
}

// ---------------------------------------------------------------- one month, one profile

// rules §2 steps 0–3 and §3 for every row of a month (start_row), kept so that every
// profile with the same matrix shape (levels and cell counts) and retirement age shares it:
// whatif.md changes touch neither for most scenarios.
struct MonthStart {
  MonthRules rules;
  std::vector<uint8_t> computable;  // 1 iff step 4 decides the row
  std::vector<uint8_t> payable_days;
  std::vector<uint32_t> cell;  // the projected pay_cell of computable rows
  std::vector<uint8_t> service_months;  // rules §6 S of computable rows, capped at 13
};

bool shares_start(const MonthStart& start, const MonthRules& rules) {
  return start.rules.level_cells == rules.level_cells &&
         start.rules.profile->retirement_age == rules.profile->retirement_age;
}

Status month_start(const EmployeeTable& t, const TableIndex& index, const Profile& profile,
                   Month month, const Projection& projection, MonthStart* out) {
  if (Status s = resolve_month_rules(profile, month, t.pay_level.dictionary,
                                     t.exempt_deductions.dictionary, &out->rules);
      !s.ok()) {
    return s;
  }
  out->computable.resize(t.rows);
  out->payable_days.resize(t.rows);
  out->cell.resize(t.rows);
  out->service_months.resize(t.rows);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows, kRowsPerChunk),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t r = range.begin(); r < range.end(); ++r) {
                        const RowStart s = start_row(t, index, out->rules, projection, r);
                        out->computable[r] = s.computable;
                        out->payable_days[r] = uint8_t(s.decision.payable_days);
                        out->cell[r] = s.computable ? uint32_t(s.row.cell) : 0;
                        out->service_months[r] = uint8_t(s.row.service_months);
                      }
                    });
  return Status();
}

// What a what-if needs of a row's month: PAID or not, gross and employer NPS.
struct RowPay {
  bool paid = false;
  Money gross = 0, employer_nps = 0;
};

// rules §2 step 4 and §4–§6 with `rules` for row r, which `start` decided up to step 3.
// REQUIRES: shares_start(start, rules); `slip` holds the layout's columns.
inline RowPay row_pay(const EmployeeTable& t, const MonthRules& rules, const PayslipLayout& layout,
                      const MonthStart& start, size_t r, Money* slip) {
  if (!start.computable[r]) return RowPay();
  const StartedRow row{start.cell[r], start.payable_days[r], start.service_months[r], true};
  const RowDecision d = finish_row(t, rules, layout, row, r, slip, TaxMode::kWhenDecisive);
  return RowPay{d.fate == Fate::kPaid, slip[layout.gross], slip[layout.employer_nps]};
}

// Every row's pay for a month (for the gross change of a horizon's last month).
void pay_of_month(const EmployeeTable& t, const MonthRules& rules, const MonthStart& start,
                  std::vector<RowPay>* out) {
  const PayslipLayout layout(*rules.profile);
  out->resize(t.rows);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows, kRowsPerChunk),
                    [&](const tbb::blocked_range<size_t>& range) {
                      std::vector<Money> slip(layout.columns);  // once per chunk
                      for (size_t r = range.begin(); r < range.end(); ++r) {
                        (*out)[r] = row_pay(t, rules, layout, start, r, slip.data());
                      }
                    });
}

// Per group, the six sums of cost.csv for one month: an integer matrix, one row per group,
// filled chunk by chunk and added up (integer sums: the same whatever the thread count).
using CostMatrix = Eigen::Matrix<int64_t, Eigen::Dynamic, 6, Eigen::RowMajor>;

// One scenario's month: its rules, the start it shares (or its own), its grouping.
struct MonthTask {
  size_t scenario;
  int variant;  // increments: which baseline it compares with
  MonthRules rules;
  PayslipLayout layout;
  const MonthStart* start;
  std::unique_ptr<MonthStart> own_start;  // when the scenario changes the matrix shape
  const Grouping* grouping;
};

// Adds one row's pay to a cost matrix, on the baseline side or the scenario's.
inline void add_pay(CostMatrix& acc, uint32_t group, bool scenario, const RowPay& pay) {
  if (!pay.paid) return;
  acc(group, kBaselineEmployees + scenario) += 1;
  acc(group, kBaselineGross + scenario) += pay.gross;
  acc(group, kBaselineEmployerNps + scenario) += pay.employer_nps;
}

// Every task of a month in one pass over row chunks: a chunk's rows are read once and
// evaluated for the baseline and then for every scenario while they are in cache.
std::vector<CostMatrix> month_costs(const EmployeeTable& t, const MonthStart* starts,
                                    const bool* variants, const std::vector<MonthTask>& tasks,
                                    std::vector<RowPay>* keep) {
  auto zero = [&] {
    std::vector<CostMatrix> m;
    for (const MonthTask& task : tasks) {
      m.push_back(CostMatrix::Zero(Eigen::Index(task.grouping->labels.size()), 6));
    }
    return m;
  };
  tbb::enumerable_thread_specific<std::vector<CostMatrix>> locals(zero);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows, kRowsPerChunk),
                    [&](const tbb::blocked_range<size_t>& range) {
                      std::vector<CostMatrix>& acc = locals.local();
                      const size_t n = range.size(), begin = range.begin();
                      std::vector<RowPay> base[2];
                      std::vector<Money> slip;
                      for (int k = 0; k < 2; ++k) {
                        if (!variants[k]) continue;
                        const PayslipLayout layout(*starts[k].rules.profile);
                        slip.resize(layout.columns);
                        base[k].resize(n);
                        for (size_t i = 0; i < n; ++i) {
                          base[k][i] = row_pay(t, starts[k].rules, layout, starts[k], begin + i,
                                               slip.data());
                        }
                        if (!keep[k].empty())
                          std::copy(base[k].begin(), base[k].end(), &keep[k][begin]);
                      }
                      for (size_t j = 0; j < tasks.size(); ++j) {
                        const MonthTask& task = tasks[j];
                        slip.resize(task.layout.columns);
                        for (size_t i = 0; i < n; ++i) {
                          const size_t r = begin + i;
                          const uint32_t group = task.grouping->group_of_row[r];
                          if (group == kNoGroup) continue;
                          add_pay(acc[j], group, false, base[task.variant][i]);
                          add_pay(acc[j], group, true,
                                  row_pay(t, task.rules, task.layout, *task.start, r, slip.data()));
                        }
                      }
                    });
  std::vector<CostMatrix> costs = zero();
  for (const std::vector<CostMatrix>& local : locals) {
    for (size_t j = 0; j < costs.size(); ++j) costs[j] += local[j];
  }
  return costs;
}

GrossChange gross_change(const std::vector<RowPay>& base, const std::vector<RowPay>& scen) {
  std::vector<Money> deltas;
  for (size_t r = 0; r < base.size(); ++r) {
    if (base[r].paid && scen[r].paid) deltas.push_back(scen[r].gross - base[r].gross);
  }
  GrossChange c;
  c.employees = int64_t(deltas.size());
  for (Money d : deltas) {
    c.gain += d > 0;
    c.lose += d < 0;
    c.level += d == 0;
  }
  if (deltas.empty()) return c;
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  auto percentile = [&](int64_t p) {
    const size_t rank = size_t((p * c.employees + 99) / 100);
    const auto nth = deltas.begin() + std::ptrdiff_t(std::max<size_t>(rank, 1) - 1);
    std::nth_element(deltas.begin(), nth, deltas.end());
    return *nth;
  };
  c.p10 = percentile(10);
  c.p50 = percentile(50);
  c.p90 = percentile(90);
  return c;
}

}  // namespace

Projection projection_for(Month as_of, Month month, bool increments) {
  Projection p;
  p.active = true;
  p.zero_lwp = month != as_of;
  if (increments) {
    for (Month m = as_of + 1; m <= month; ++m) p.steps += month_number(m) == 7;
  }
  return p;
}

Status run_whatif(const EmployeeTable& table, const TableIndex& index, const Profile& baseline,
                  Month as_of, const std::vector<Scenario>& scenarios,
                  std::vector<WhatIfResult>* results) {
  results->assign(scenarios.size(), WhatIfResult());
  if (scenarios.empty()) return Status();
  // Rows grouped once per distinct group_by.
  std::map<std::vector<GroupColumn>, std::unique_ptr<Grouping>> groupings;
  for (size_t s = 0; s < scenarios.size(); ++s) {
    auto& g = groupings[scenarios[s].group_by];
    if (!g) g = std::make_unique<Grouping>(group_rows(table, scenarios[s].group_by));
    (*results)[s].group_labels = g->labels;
  }
  Month first = scenarios[0].from, last = scenarios[0].to;
  for (const Scenario& s : scenarios) {
    first = std::min(first, s.from);
    last = std::max(last, s.to);
  }
  // By `increments`: the month's start, computed once for all scenarios; the baseline's pay
  // kept for the month that ends a scenario's horizon (its gross change).
  MonthStart start[2];
  std::vector<RowPay> keep[2], scen;
  for (Month m = first; m <= last; ++m) {
    bool variants[2] = {false, false}, ending[2] = {false, false};
    for (const Scenario& sc : scenarios) {
      if (m < sc.from || m > sc.to) continue;
      variants[sc.increments] = true;
      ending[sc.increments] = ending[sc.increments] || m == sc.to;
    }
    for (int k = 0; k < 2; ++k) {
      if (!variants[k]) continue;
      Status st = month_start(table, index, baseline, m, projection_for(as_of, m, k), &start[k]);
      if (!st.ok()) return st;
      keep[k].assign(ending[k] ? table.rows : 0, RowPay());
    }
    std::vector<MonthTask> tasks;
    for (size_t s = 0; s < scenarios.size(); ++s) {
      const Scenario& sc = scenarios[s];
      if (m < sc.from || m > sc.to) continue;
      MonthTask& task = tasks.emplace_back();
      task.scenario = s;
      task.variant = sc.increments;
      task.grouping = groupings[sc.group_by].get();
      task.layout = PayslipLayout(sc.profile);
      Status st = resolve_month_rules(sc.profile, m, table.pay_level.dictionary,
                                   table.exempt_deductions.dictionary, &task.rules);
      if (!st.ok()) return st;
      task.start = &start[task.variant];
      if (!shares_start(start[task.variant], task.rules)) {
        task.own_start = std::make_unique<MonthStart>();
        st = month_start(table, index, sc.profile, m, projection_for(as_of, m, sc.increments),
                         task.own_start.get());
        if (!st.ok()) return st;
        task.start = task.own_start.get();
      }
    }
    const std::vector<CostMatrix> costs = month_costs(table, start, variants, tasks, keep);
    for (size_t j = 0; j < tasks.size(); ++j) {
      const MonthTask& task = tasks[j];
      WhatIfResult& out = (*results)[task.scenario];
      for (Eigen::Index g = 0; g < costs[j].rows(); ++g) {
        if (costs[j](g, kBaselineEmployees) == 0 && costs[j](g, kScenarioEmployees) == 0) continue;
        CostLine line{m, uint32_t(g), {}};
        for (int c = 0; c < 6; ++c) line.amounts[size_t(c)] = costs[j](g, c);
        line.amounts[kDeltaCost] =
            (line.amounts[kScenarioGross] + line.amounts[kScenarioEmployerNps]) -
            (line.amounts[kBaselineGross] + line.amounts[kBaselineEmployerNps]);
        for (int c = 0; c < kCostColumns; ++c) out.totals[size_t(c)] += line.amounts[size_t(c)];
        out.lines.push_back(line);
      }
      if (m == scenarios[task.scenario].to) {
        pay_of_month(table, task.rules, *task.start, &scen);
        out.last_month = gross_change(keep[task.variant], scen);
      }
    }
  }
  return Status();
}

}  // namespace vetan
