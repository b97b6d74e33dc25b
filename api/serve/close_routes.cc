// Closing a month in the service (issue 12 §1; docs/close.md): when every bill of a month's
// last run is PASSED, the administrator closes it. The close (core/close: FY gross and TDS
// carried, loans reduced, LWP cleared, increments on their date, the GPF basis in April) is
// computed from that run, written as the next month's master — the master as the service
// holds it, every accepted edit in it, the close's columns replaced (api/next_master_writer.h)
// — into DATA/master-YYYY-MM.csv (whole or not at all), and one audit event `month.close`
// names its SHA-256. The service then stands on that master: edits apply to it, and the next
// month's run computes from it. Replay reads the file back and refuses to start when it is
// missing or not the bytes the event names. The cycle refuses a second close, a close with a
// bill not PASSED, and runs out of order (core/cycle/cycle_state.h).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/atomic_file.h"
#include "api/next_master_writer.h"
#include "api/serve/crypto.h"
#include "api/serve/event_codec.h"
#include "api/serve/service.h"
#include "core/close/month_close.h"

namespace vetan::serve {

std::string Service::next_master_path(Month month) const {
  return options_.data_dir + "/master-" + format_month(month + 1) + ".csv";
}

Status Service::next_master_of(const RunView& v, cycle::MonthCloseEvent* e, MonthClose* close,
                               std::string* next) const {
  if (Status s = close_month(*v.table, v.result, close); !s.ok()) return s;
  // Over-payments recovered this month that were over-paid in its financial year are not
  // income (rules §6): off fy_gross_to_date, as `vetan close --recoveries` does. An April
  // restarts the FY figures anyway.
  e->recovered_off_gross = 0;
  if (month_number(close->next) != 4) {
    for (const auto& [row, part] : cycle_.same_year_recovered(e->month)) {
      if (row >= close->rows) continue;
      set_close_value(*v.table, row, kCloseFyGrossToDate, close->value(row, kCloseFyGrossToDate) - part, close);
      e->recovered_off_gross += part;
    }
  }
  // Other-salary bills PASSED since the last close are carried as a run's PAID row is (FY
  // gross and TDS in their year, the loan recovered); a re-payment of a returned credit is
  // not (its month's payslip was carried already). A close recorded before closes listed
  // them carried none.
  e->other_salary_bills.clear();
  if (e->lists_carried) {
    for (const cycle::Bill* b : cycle_.other_salary_to_carry(e->month)) {
      const uint32_t row = b->rows[0];
      if (row >= close->rows) continue;
      Money gross = 0, tds = 0, loan = 0;
      for (const auto& [column, amount] : b->payslip) {
        if (column == "gross") gross = amount;
        if (column == "income_tax") tds = amount;
        if (column == "loan") loan = amount;
      }
      carry_payment(*v.table, row, b->month, gross, tds, loan, close);
      e->other_salary_bills.push_back(b->id);
    }
  }
  next->clear();
  return write_next_master(master_.snapshot(), options_.employees_path, *close,
                           [next](std::string_view bytes) { next->append(bytes); });
}

Status Service::apply_month_close(const cycle::MonthCloseEvent& c) {
  const std::string path = next_master_path(c.month);
  const std::string month = format_month(c.month);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // Not on this node: another server on the shared store closed the month, or the file was
    // lost. The close is a function of what the cycle holds here — the run, as its bills paid
    // it, and the master with every change before the close — so it is made again, and kept
    // only when it is the master the event names, byte for byte (issue 9 §4).
    const auto lost = [&](const std::string& why) {
      return Status::io_error(path + ": the master the close of " + month + " wrote is missing, and " + why);
    };
    auto recipe = recipes_.find(c.run_id);
    std::shared_ptr<const Profile> profile;
    if (recipe == recipes_.end() || !profile_version(recipe->second.profile_version, &profile).ok()) {
      return lost("run " + std::to_string(c.run_id) + " cannot be computed again here");
    }
    std::shared_ptr<RunView> v;
    if (Status s = recompute_paid_view(c.run_id, recipe->second, *profile, billed_rows(c.run_id), &v); !s.ok()) {
      return lost("run " + std::to_string(c.run_id) + " cannot be computed again here: " + s.message());
    }
    cycle::MonthCloseEvent again = c;
    MonthClose close;
    std::string next;
    if (Status s = next_master_of(*v, &again, &close, &next); !s.ok()) return lost("closing it again fails: " + s.message());
    if (sha256_hex(next) != c.next_master_sha256) {
      return lost("closing it again here makes another master (SHA-256 " + sha256_hex(next) + ", the event names " +
                  c.next_master_sha256 + ")");
    }
    AtomicFile file(path, 0600);
    file.write(next);
    if (Status s = file.commit(); !s.ok()) return lost("it cannot be written again: " + s.message());
    return master_.rebase(std::move(next));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();
  if (sha256_hex(bytes) != c.next_master_sha256) {
    return Status::io_error(path + ": not the master the close of " + month + " wrote (SHA-256 " +
                            c.next_master_sha256 + ")");
  }
  return master_.rebase(std::move(bytes));
}

Reply Service::close_month_route(const Context& c, const Params& p, const std::string& body) {
  if (!body.empty() && body != "{}") return error_reply(400, "INVALID_ARGUMENT", "a close takes no body");
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not close a month (admin only)");
  Month month;
  if (!parse_month(p[0], &month)) return error_reply(400, "INVALID_ARGUMENT", "month '" + p[0] + "' is not YYYY-MM");
  const auto v = view(month);  // the month's last completed run, as its bills paid it
  std::lock_guard lock(state_mutex_);
  if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  cycle::MonthCloseEvent e;
  e.month = month;
  e.run_id = v ? v->run_id : cycle_.last_completed_run(month);
  e.next_master_sha256 = std::string(64, '0');
  {
    cycle::MonthCloseEvent unlisted = e;
    unlisted.lists_carried = false;  // what it carries is computed below, after these refusals
    cycle::Event probe(cycle::EventKind::kMonthClose, unlisted);
    probe.header.at = options_.clock->now();
    if (Status s = cycle_.check(probe); !s.ok()) return status_reply(s);  // before any work
  }
  if (!v || v->run_id != cycle_.last_completed_run(month)) {
    return error_reply(503, "UNAVAILABLE", "the last run of " + p[0] + " could not be read; try again");
  }
  MonthClose close;
  std::string next;
  if (Status s = next_master_of(*v, &e, &close, &next); !s.ok()) return error_reply(422, "RULE_REFUSED", s.message());
  e.next_master_sha256 = sha256_hex(next);
  const CloseCounts& n = close.counts;
  e.changed_rows = n.changed_rows, e.carried = n.carried, e.increments = n.increments, e.fy_reset = n.fy_reset;
  e.loans_repaid = n.loans_repaid;
  {
    AtomicFile file(next_master_path(month), 0600);
    file.write(next);
    if (Status s = file.commit(); !s.ok()) return status_reply(Status::unavailable(s.message(), "STORE_UNAVAILABLE"));
  }
  cycle::Event event(cycle::EventKind::kMonthClose, e);
  if (Status s = record(&event, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("month", p[0]).field("next_month", format_month(month + 1)).field("run_id", e.run_id);
  w.field("next_master_sha256", e.next_master_sha256).field("audit_seq", event.header.seq);
  w.field("rows", int64_t(close.rows)).field("changed_rows", e.changed_rows).field("carried", e.carried);
  w.field("increments", e.increments).field("pay_refixed", n.pay_refixed).field("fy_reset", e.fy_reset);
  w.field("gpf_basis_set", n.gpf_basis_set).field("gpf_raised", n.gpf_raised).field("loans_repaid", e.loans_repaid);
  w.field("recovered_off_gross", int64_t(e.recovered_off_gross)).key("other_salary_bills").begin_array();
  for (const std::string& id : e.other_salary_bills) w.value(id);
  w.end_array();
  w.end_object();
  return Reply{200, w.take()};
}

}  // namespace vetan::serve
