// Service::post_whatif and Service::post_arrears: POST /v1/whatif and POST /v1/arrears
// (issue 4 §4, whatif.md), over the master of a completed run. The replies carry the columns
// and numbers of the CLI's files: cost.csv and summary.json for a what-if; arrears.csv,
// arrear_bills.csv and unmatched.csv for arrears.
#include <simdjson.h>

#include "api/serve/service.h"
#include "core/fate/fate.h"
#include "core/whatif/arrears.h"
#include "core/whatif/whatif.h"

namespace vetan::serve {

namespace {

// The most months one request may compute: scenarios x horizon for a what-if (100
// scenarios of 12 months, issue 4's target), the period for arrears (ten years).
constexpr int64_t kMaxScenarioMonths = 1200;
constexpr int64_t kMaxArrearsMonths = 120;

Reply bad_request(const std::string& what) { return error_reply(400, "INVALID_ARGUMENT", what); }
Reply refused(const std::string& what) { return error_reply(422, "RULE_REFUSED", what); }

// A scenario that fails to parse: 422 when its changes give an invalid profile (the rule
// refused it), else 400 (the message names the key). core/whatif's parse_scenarios gives
// both as invalid_argument; the message is the only sign until it returns a code.
Reply scenario_refused(const Status& s) {
  if (s.message().find("give a profile that is not valid") != std::string::npos) return refused(s.message());
  return bad_request(s.message());
}
void write_amounts(JsonWriter* w, const CostAmounts& amounts) {
  for (int c = 0; c < kCostColumns; ++c) w->field(kCostColumnNames[c], int64_t(amounts[size_t(c)]));
}

// One scenario's reply: summary.json's fields (totals under "totals") and cost.csv's lines.
void write_scenario(JsonWriter* w, const Scenario& s, const WhatIfResult& r) {
  w->begin_object().field("name", s.name).field("from", format_month(s.from)).field("to", format_month(s.to));
  w->field("increments", s.increments).key("group_by").begin_array();
  for (GroupColumn g : s.group_by) w->value(kGroupColumnNames[int(g)]);
  w->end_array().key("totals").begin_object();
  write_amounts(w, r.totals);
  w->end_object();
  const GrossChange& g = r.last_month;
  w->key("gross_change_in_last_month").begin_object().field("employees_paid_in_both", g.employees);
  w->field("gain", g.gain).field("lose", g.lose).field("level", g.level);
  w->field("p10", int64_t(g.p10)).field("p50", int64_t(g.p50)).field("p90", int64_t(g.p90)).end_object();
  w->key("lines").begin_array();
  for (const CostLine& line : r.lines) {
    w->begin_object().field("month", format_month(line.month));
    const std::vector<std::string>& labels = r.group_labels[line.group];
    for (size_t i = 0; i < s.group_by.size() && i < labels.size(); ++i) {
      w->field(kGroupColumnNames[int(s.group_by[i])], labels[i]);
    }
    write_amounts(w, line.amounts);
    w->end_object();
  }
  w->end_array().end_object();
}

// The arrears body: {"revised_profile": {…}} or {"changes": […]}, with "from" and "to".
struct ArrearsBody {
  std::string revised_profile;  // minified JSON, when given
  std::string changes;          // minified JSON list, when given
  Month from = 0, to = 0;
};

Status parse_arrears_body(const std::string& body, ArrearsBody* out) {
  if (body.empty()) return Status::invalid_argument("body: a JSON object with 'from', 'to' and 'revised_profile' or 'changes' is required");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(body).get(root); error != simdjson::SUCCESS) {
    return Status::invalid_argument(std::string("body: malformed JSON (") + simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return Status::invalid_argument("body: must be a JSON object");
  bool seen[4] = {false, false, false, false};
  std::string from, to;
  for (auto [key, value] : object) {
    int k = -1;
    if (key == "revised_profile") k = 0;
    if (key == "changes") k = 1;
    if (key == "from") k = 2;
    if (key == "to") k = 3;
    if (k < 0) return Status::invalid_argument("body: unknown field '" + std::string(key) + "'");
    if (seen[k]) return Status::invalid_argument("body: field '" + std::string(key) + "' is given twice");
    seen[k] = true;
    if (k == 0) {
      if (!value.is_object()) return Status::invalid_argument("field 'revised_profile' must be a profile object");
      out->revised_profile = simdjson::minify(value);
    } else if (k == 1) {
      if (!value.is_array()) return Status::invalid_argument("field 'changes' must be a list of changes (whatif.md)");
      out->changes = simdjson::minify(value);
    } else {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return Status::invalid_argument("field '" + std::string(key) + "' must be a month YYYY-MM");
      }
      (k == 2 ? from : to) = std::string(text);
    }
  }
  if (seen[0] == seen[1]) {
    return Status::invalid_argument("body: give exactly one of 'revised_profile' and 'changes'");
  }
  if (!seen[2] || !parse_month(from, &out->from)) return Status::invalid_argument("field 'from' must be a month YYYY-MM");
  if (!seen[3] || !parse_month(to, &out->to)) return Status::invalid_argument("field 'to' must be a month YYYY-MM");
  if (out->to < out->from) return Status::invalid_argument("field 'to' must not be before 'from'");
  if (int64_t(out->to) - out->from + 1 > kMaxArrearsMonths) {
    return Status::invalid_argument("fields 'from'..'to' span more than " + std::to_string(kMaxArrearsMonths) + " months");
  }
  return Status();
}

}  // namespace

Reply Service::post_whatif(const Context& c, const Params&, const std::string& body) {
  if (c.who->role != Role::kAnalyst && c.who->role != Role::kAdmin) {
    return forbidden(c.who->label() + " may not run a what-if (analyst, admin)");
  }
  std::shared_ptr<const RunView> v;
  const std::string month_text = c.param("month");
  if (month_text.empty()) {
    v = latest_view();
  } else {
    Month month;
    if (!parse_month(month_text, &month)) return bad_request("query 'month': '" + month_text + "' is not YYYY-MM");
    v = view(month);
  }
  if (!v) {
    return error_reply(404, "NOT_FOUND",
                       "no completed run" + (month_text.empty() ? std::string() : " for " + month_text) +
                           "; a what-if projects the master of a month's last completed run");
  }
  if (body.empty()) return bad_request("body: a scenario (whatif.md) or a list of scenarios is required");
  std::vector<Scenario> scenarios;
  if (Status s = parse_scenarios(body, profile_json_, v->month, &scenarios); !s.ok()) return scenario_refused(s);
  int64_t months = 0;
  for (const Scenario& s : scenarios) months += int64_t(s.to) - s.from + 1;
  if (months > kMaxScenarioMonths) {
    return bad_request("scenario: the scenarios' horizons add up to " + std::to_string(months) + " months; at most " +
                       std::to_string(kMaxScenarioMonths) + " per request");
  }
  Status busy;
  const HeavySlots::Slot slot = heavy_.acquire(HeavySlots::Kind::kWhatIf, c.who->label(), &busy);
  if (!slot.held()) return status_reply(busy);
  std::vector<WhatIfResult> results;
  if (Status s = run_whatif(*v->table, v->index, profile_, v->month, scenarios, &results); !s.ok()) {
    return refused(s.message());
  }
  JsonWriter w;
  w.begin_object().field("as_of", format_month(v->month)).field("run_id", v->run_id).key("scenarios").begin_array();
  for (size_t i = 0; i < scenarios.size(); ++i) write_scenario(&w, scenarios[i], results[i]);
  w.end_array().end_object();
  return Reply{200, w.take()};
}

Reply Service::post_arrears(const Context& c, const Params&, const std::string& body) {
  std::string ddo = c.param("ddo"), treasury = c.param("treasury");
  if (auto refused = narrow_to_scope(c, "read arrears of", &ddo, &treasury)) return *refused;
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s.message());
  const std::string token = c.param("page_token");
  size_t start = 0;
  if (!token.empty()) {
    if (token.size() > 12 || token.find_first_not_of("0123456789") != std::string::npos) {
      return bad_request("query 'page_token' must be a position as returned in next_page_token");
    }
    start = size_t(std::stoll(token));
  }
  ArrearsBody request;
  if (Status s = parse_arrears_body(body, &request); !s.ok()) return bad_request(s.message());
  Profile revised;
  if (!request.revised_profile.empty()) {
    if (Status s = parse_profile(request.revised_profile, &revised); !s.ok()) {
      return bad_request("field 'revised_profile': " + s.message());
    }
  } else {
    // The changes of whatif.md applied to the server's profile, as a scenario would.
    const std::string scenario = "{\"schema\":\"vetan.scenario/1\",\"name\":\"revised\",\"from\":\"" +
                                 format_month(request.from) + "\",\"to\":\"" + format_month(request.to) +
                                 "\",\"group_by\":[],\"changes\":" + request.changes + "}";
    std::vector<Scenario> parsed;
    if (Status s = parse_scenarios(scenario, profile_json_, request.from, &parsed); !s.ok()) {
      return scenario_refused(s);
    }
    revised = std::move(parsed[0].profile);
  }
  const auto v = view(request.from);
  if (!v) {
    return error_reply(404, "NOT_FOUND",
                       "no completed run for " + format_month(request.from) +
                           "; arrears are computed on the master as that month's last run read it");
  }
  Status busy;
  const HeavySlots::Slot slot = heavy_.acquire(HeavySlots::Kind::kArrears, c.who->label(), &busy);
  if (!slot.held()) return status_reply(busy);
  ArrearsResult result;
  if (Status s = run_arrears(*v->table, v->index, profile_, revised, request.from, request.to, &result); !s.ok()) {
    return refused(s.message());
  }

  const EmployeeTable& t = *v->table;
  const TableIndex& index = v->index;
  const auto in_scope = [&](size_t row) {
    return (ddo.empty() || t.ddo_code[row] == ddo) && (treasury.empty() || t.treasury_code[row] == treasury);
  };
  const auto bill_id = [&](Month month, uint32_t bill) { return format_month(month) + "/" + index.bills[bill].id_suffix; };
  JsonWriter w;
  w.begin_object().field("from", format_month(request.from)).field("to", format_month(request.to));
  w.field("run_id", v->run_id).key("columns").begin_array();
  for (const std::string& column : result.columns) w.value(column);
  w.end_array();

  // arrear_bills.csv, in scope, and their sums.
  std::vector<Money> totals(result.columns.size(), 0);
  w.key("bills").begin_array();
  for (const ArrearBill& b : result.bills) {
    const BillKey& key = index.bills[b.bill];
    if (!ddo.empty() && t.ddo_code.dictionary.value(key.ddo_code) != ddo) continue;
    if (!treasury.empty() && t.treasury_code.dictionary.value(key.treasury_code) != treasury) continue;
    w.begin_object().field("bill_id", bill_id(b.month, b.bill)).field("employees", b.employees);
    for (size_t col = 0; col < result.columns.size(); ++col) {
      w.field(result.columns[col], int64_t(b.amounts[col]));
      totals[col] += b.amounts[col];
    }
    w.end_object();
  }
  w.end_array().key("totals").begin_object();
  for (size_t col = 0; col < result.columns.size(); ++col) w.field(result.columns[col], int64_t(totals[col]));
  w.end_object();

  // arrears.csv and unmatched.csv, in scope, by employee_id then month; one page of their
  // entries together. The position p = i * months + m walks rows_by_employee_id[i], month m.
  const std::vector<uint32_t>& rows = index.rows_by_employee_id;
  const size_t months = result.months.size();
  JsonWriter lines, unmatched;
  lines.begin_array();
  unmatched.begin_array();
  size_t n = 0, next = 0;
  for (size_t p = start; p < rows.size() * months; ++p) {
    const uint32_t r = rows[p / months];
    const ArrearsMonth& m = result.months[p % months];
    const bool drawn_paid = Fate(m.drawn_fate[r]) == Fate::kPaid, due_paid = Fate(m.due_fate[r]) == Fate::kPaid;
    if ((!drawn_paid && !due_paid) || !in_scope(r)) continue;
    if (n == page_size) {
      next = p;
      break;
    }
    ++n;
    if (drawn_paid && due_paid) {
      lines.begin_object().field("employee_id", t.employee_id[r]).field("month", format_month(m.month));
      lines.field("ddo_code", t.ddo_code[r]).field("bill_id", bill_id(m.month, index.bill_of_row[r]));
      const PayslipRow d = result.deltas(p % months, r);
      for (size_t col = 0; col < result.columns.size(); ++col) lines.field(result.columns[col], int64_t(d[col]));
      lines.end_object();
    } else {
      unmatched.begin_object().field("employee_id", t.employee_id[r]).field("month", format_month(m.month));
      unmatched.field("drawn_fate", kFateNames[m.drawn_fate[r]]).field("due_fate", kFateNames[m.due_fate[r]]);
      unmatched.end_object();
    }
  }
  lines.end_array();
  unmatched.end_array();
  w.key("lines").raw(lines.str()).key("unmatched").raw(unmatched.str());
  if (next != 0) w.field("next_page_token", std::to_string(next));
  w.end_object();
  return Reply{200, w.take()};
}

}  // namespace vetan::serve
