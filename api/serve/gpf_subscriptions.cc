// gpf.md §6 in the service: a completed run's SUBSCRIPTIONs (one audit event per run, each
// bill's postings as columns, GpfRunSubscriptions), and the index of the master's GPF
// accounts that the fund's permission checks read (issue 10 items 4 and the fund's routes).
#include <algorithm>

#include "api/serve/service.h"

namespace vetan::serve {

Status Service::post_run_subscriptions(const RunView& v, const Profile& profile, std::unique_lock<StateMutex>* lock) {
  GpfRunSubscriptions run;
  run.run_id = v.run_id;
  run.salary_month = v.month;
  run.month = profile.gpf_salary_credited_next_month ? v.month + 1 : v.month;
  const size_t gpf = v.result.layout.gpf;
  const EmployeeTable& t = *v.table;
  // This run's bills and their rows, copied under the lock (the bills may change once it is
  // released); the postings are built from them without it.
  std::vector<std::pair<std::string, std::vector<uint32_t>>> own;
  for (const auto& [id, bill] : cycle_.bills()) {
    if (bill.month != v.month || bill.run_id == 0) continue;
    if (bill.run_id == v.run_id) {
      own.emplace_back(id, bill.rows);
    } else if (bill.state == cycle::BillState::kSuperseded && fund_.has_bill(id)) {
      run.withdrawn.push_back(id);
    }
  }
  if (lock != nullptr) lock->unlock();
  for (auto& [id, rows] : own) {
    GpfBillSubscriptions b;
    b.bill_id = std::move(id);
    for (uint32_t row : rows) {
      if (row >= v.result.rows || v.result.fate_of(row) != Fate::kPaid) continue;
      const Money amount = v.result.amount(gpf, row);
      if (amount <= 0 || t.gpf_account[row].empty()) continue;
      b.accounts.emplace_back(t.gpf_account[row]);
      b.amounts.push_back(amount);
    }
    run.bills.push_back(std::move(b));
  }
  AuditEvent e = GpfFund::subscribe_event(run);
  if (lock != nullptr) lock->lock();
  if (Status s = store_->health(); !s.ok()) return s;
  e.at = utc_timestamp(options_.clock->now());
  e.actor = "system";
  const auto recheck = [&] {  // a server sharing the store may have posted them meanwhile
    return fund_.subscribed(run.run_id) ? Status::conflict("run " + std::to_string(run.run_id) + "'s subscriptions are posted")
                                        : Status();
  };
  // The event (a row per subscriber) is made durable with readers let in when the caller
  // holds the lock for it (a run's end); a replay's repair holds it as open() does.
  GpfFund::PreparedSubscriptions prepared;
  if (lock != nullptr) {
    ReadersAdmitted readers(&state_mutex_);
    prepared = fund_.prepare_subscriptions(run);
  } else {
    prepared = fund_.prepare_subscriptions(run);
  }
  const Status appended = lock != nullptr ? append_admitting_readers(&e, recheck) : append_row(&e, recheck);
  if (!appended.ok()) return appended;
  fund_.apply_subscriptions(run, std::move(prepared), e.seq, e.at);
  return Status();
}

void Service::index_gpf_accounts() {
  gpf_rows_.clear();
  gpf_edited_.clear();
  for (size_t r = 0; r < base_->rows; ++r) {
    if (!base_->gpf_account[r].empty()) gpf_rows_.push_back(uint32_t(r));
  }
  std::sort(gpf_rows_.begin(), gpf_rows_.end(), [&](uint32_t a, uint32_t b) {
    const std::string_view x = base_->gpf_account[a], y = base_->gpf_account[b];
    return x != y ? x < y : a < b;
  });
}

void Service::reindex_gpf_account(size_t row, const std::string& account) {
  if (row >= base_->rows) return;
  if (account == base_->gpf_account[row]) {
    gpf_edited_.erase(uint32_t(row));
  } else {
    gpf_edited_[uint32_t(row)] = account;
  }
}

std::vector<uint32_t> Service::rows_of_gpf_account(const std::string& account) const {
  std::vector<uint32_t> out;
  if (account.empty()) return out;
  auto range = std::equal_range(gpf_rows_.begin(), gpf_rows_.end(), account, [&](const auto& a, const auto& b) {
    if constexpr (std::is_same_v<std::decay_t<decltype(a)>, uint32_t>) {
      return base_->gpf_account[a] < std::string_view(b);
    } else {
      return std::string_view(a) < base_->gpf_account[b];
    }
  });
  for (auto it = range.first; it != range.second; ++it) {
    if (!gpf_edited_.count(*it)) out.push_back(*it);
  }
  for (const auto& [row, now] : gpf_edited_) {
    if (now == account) out.push_back(row);
  }
  return out;
}

bool Service::may_read_gpf_account(const Context& c, const std::string& account) const {
  const Role r = c.who->role;
  if (r == Role::kAdmin || r == Role::kAnalyst || r == Role::kAgInitiator || r == Role::kAgChecker ||
      r == Role::kAgApprover) {
    return true;
  }
  if (r != Role::kEmployee && r != Role::kDdo && r != Role::kHeadOfOffice) return false;
  for (uint32_t row : rows_of_gpf_account(account)) {
    if (r == Role::kEmployee ? base_->employee_id[row] == c.who->scope : base_->ddo_code[row] == c.who->scope) {
      return true;
    }
  }
  return false;
}

}  // namespace vetan::serve
