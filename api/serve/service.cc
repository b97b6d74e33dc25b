#include "api/serve/service.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <fstream>
#include <sstream>

#include "api/free_memory.h"
#include "api/serve/crypto.h"
#include "api/serve/event_codec.h"
#include "api/serve/master_fields.h"
#include "core/cycle/calendar.h"
#include "core/cycle/errors.h"
#include "core/cycle/settlement.h"
#include "core/fate/fate.h"
#include "core/profile/month_rules.h"
#include "core/run/month_run.h"
#include "loaders/csv/csv_loader.h"

namespace vetan::serve {

using cycle::Bill;
using cycle::BillState;
using cycle::Event;
using cycle::EventKind;

Reply error_reply(int status, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_object().key("error").begin_object().field("code", code).field("message", message).end_object().end_object();
  return Reply{status, w.take()};
}

Reply status_reply(const Status& s) {
  using Code = Status::Code;
  int status = 500;
  const char* code = "INTERNAL";
  switch (s.code()) {
    case Code::kOk: status = 200, code = "OK"; break;
    case Code::kInvalidArgument: status = 400, code = "INVALID_ARGUMENT"; break;
    case Code::kIoError: status = 500, code = "IO_ERROR"; break;
    case Code::kNotFound: status = 404, code = "NOT_FOUND"; break;
    case Code::kPermissionDenied: status = 403, code = "FORBIDDEN"; break;
    case Code::kConflict: status = 409, code = "CONFLICT"; break;
    case Code::kRefused: status = 422, code = "RULE_REFUSED"; break;
    case Code::kExhausted: status = 429, code = "BUSY"; break;
    case Code::kUnavailable: status = 503, code = "UNAVAILABLE"; break;
  }
  return error_reply(status, s.reason() != nullptr ? s.reason() : code, s.message());
}

Reply forbidden(const std::string& what) { return error_reply(403, "FORBIDDEN", what); }

namespace {

Reply ok_reply(int status, std::string body) { return Reply{status, std::move(body)}; }

Reply bad_request(const Status& s) { return error_reply(400, "INVALID_ARGUMENT", s.message()); }

// The master schema's columns an edit may change: all but the employee's identity and place
// (employee_id, treasury_code, ddo_code) and the stop fields (their own endpoints).
bool editable(std::string_view column) {
  return column != "employee_id" && column != "treasury_code" && column != "ddo_code" &&
         column != "stop_payment" && column != "stop_reason";
}


const char* fund_name(uint8_t fund) { return FundType(fund) == FundType::kCa ? "CA" : "SF"; }

// A text field of a request body: present, a string, 1..max bytes, no control characters.
Status text_field(const JsonBody& body, std::string_view key, bool required, size_t max,
                  std::string* out) {
  out->clear();
  const JsonValue* v = find_field(body, key);
  if (v == nullptr || v->type == JsonValue::Type::kNull) {
    if (required) return Status::invalid_argument("field '" + std::string(key) + "' is required");
    return Status();
  }
  if (v->type != JsonValue::Type::kString) {
    return Status::invalid_argument("field '" + std::string(key) + "' must be a string");
  }
  if (v->text.empty() && required) return Status::invalid_argument("field '" + std::string(key) + "' is empty");
  if (v->text.size() > max) {
    return Status::invalid_argument("field '" + std::string(key) + "' is longer than " + std::to_string(max) +
                                    " bytes");
  }
  for (char c : v->text) {
    if (uint8_t(c) < 0x20 || c == 0x7f) {
      return Status::invalid_argument("field '" + std::string(key) + "' holds a control character");
    }
  }
  *out = v->text;
  return Status();
}

// The body as JSON; an empty body reads as {}.
Status read_body(const std::string& body, const std::vector<std::string_view>& allowed, JsonBody* out) {
  if (body.empty()) {
    out->clear();
    return Status();
  }
  return parse_body(body, allowed, out);
}

std::string fields_json(const std::vector<cycle::FieldChange>& fields) {
  JsonWriter w;
  w.begin_object();
  for (const cycle::FieldChange& f : fields) write_master_field(&w, f.column, f.after);
  w.end_object();
  return w.take();
}

// A query number: digits only, at most `max`; `name` names it in the error.
Status query_number(const std::string& text, const char* name, int64_t max, int64_t* out) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(text) > max) {
    return Status::invalid_argument(std::string("query '") + name + "' must be a number 0.." + std::to_string(max));
  }
  *out = std::stoll(text);
  return Status();
}

}  // namespace

Status page_size_of(const std::string& text, size_t* size) {
  *size = 100;
  if (text.empty()) return Status();
  int64_t n = 0;
  if (!query_number(text, "page_size", 1000, &n).ok() || n < 1) {
    return Status::invalid_argument("query 'page_size' must be 1..1000");
  }
  *size = size_t(n);
  return Status();
}

Service::~Service() { shutdown(); }

Status Service::open(const ServiceOptions& options) {
  options_ = options;
  {
    std::ifstream in(options.profile_path, std::ios::binary);
    if (!in) return Status::io_error(options.profile_path + ": cannot read the profile");
    std::ostringstream json;
    json << in.rdbuf();
    profile_json_ = json.str();
    if (Status s = parse_profile(profile_json_, &profile_); !s.ok()) {
      return Status::invalid_argument(options.profile_path + ": " + s.message());
    }
  }
  {
    // issue 9 §2: the tokens file holds the DDOs' TOTP secrets; nobody else may read it.
    struct stat st {};
    if (::stat(options.tokens_path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return Status::permission_denied(options.tokens_path + ": group or others may access the tokens file (mode " +
                                       std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                                       std::to_string(st.st_mode & 7) + "); chmod 600 it");
    }
  }
  if (Status s = tokens_.load(options.tokens_path); !s.ok()) return s;
  if (Status s = open_accounts(); !s.ok()) return s;  // credentials issued online (onboarding_routes.cc)
  // The master is read once: its records (for fields and the month close) and its table.
  master_.set_deduction_codes(deduction_codes(profile_));
  if (Status s = master_.load(options.employees_path); !s.ok()) return s;
  base_ = master_.base()->table;
  rows_by_id_.clear();
  for (size_t r = 0; r < base_->rows; ++r) {
    if (!base_->employee_id[r].empty()) rows_by_id_.push_back(uint32_t(r));
  }
  std::sort(rows_by_id_.begin(), rows_by_id_.end(),
            [&](uint32_t a, uint32_t b) { return base_->employee_id[a] < base_->employee_id[b]; });
  index_gpf_accounts();
  if (!options.store.empty()) {
    if (Status s = make_event_store(options.store, &store_); !s.ok()) return s;
  }
  if (Status s = store_->open(options.data_dir, "sha256:" + master_.fingerprint()); !s.ok()) return s;
  if (Status s = authority_.load_or_create(options.data_dir + "/gpf-authority.key"); !s.ok()) return s;
  std::lock_guard lock(state_mutex_);
  cycle_.set_rows(base_->rows);
  if (Status s = replay_store(); !s.ok()) return s;
  if (Status s = check_payment_files(); !s.ok()) return s;  // payment_routes.cc
  if (Status s = accounts_.check_secrets(); !s.ok()) return s;
  return options.gpf_ledger_path.empty() ? Status() : import_gpf_ledger_file(options.gpf_ledger_path);
}

// Replays the store: the cycle and the master as the events leave them, the profile this
// server runs with recorded as a version, runs left RUNNING marked interrupted, and the views
// of each month's last completed run and of every run a settled bill refers to, each
// recomputed from the master as it stood when that run started, with that run's profile.
// REQUIRES: state_mutex_ held.
Status Service::replay_store() {
  std::vector<Event> events;
  Status read = store_->replay([&](const AuditEvent& row) {
    if (GpfFund::owns(row.action)) return fund_.apply(row);  // the fund's events (gpf_fund.h)
    if (OnlineAccounts::owns(row.action)) return accounts_.apply(row);  // online_accounts.h
    Event e;
    if (Status s = decode_event(row, &e); !s.ok()) return s;
    events.push_back(std::move(e));
    return Status();
  });
  if (!read.ok()) return read;
  // Which runs' views the state will need: a first pass over a scratch cycle.
  std::set<int64_t> needed, running;
  std::map<Month, int64_t> latest;
  {
    cycle::CycleState scratch;
    scratch.set_rows(base_->rows);
    for (const Event& e : events) {
      if (Status s = scratch.apply(e); !s.ok()) {
        return s.prefixed("audit event " + std::to_string(e.header.seq) + " (" + cycle::name(e.kind) + "): ");
      }
    }
    for (const cycle::Run& r : scratch.runs()) {
      if (r.state == cycle::RunState::kCompleted) latest[r.month] = r.id;
    }
    for (const auto& [month, id] : latest) needed.insert(id);
    // A run another server is computing (shared store): its recipe, for when it completes.
    for (const cycle::Run& r : scratch.runs()) {
      if (r.state == cycle::RunState::kRunning) running.insert(r.id);
    }
    for (const auto& [id, b] : scratch.bills()) {
      if (cycle::settles(b.state) && b.run_id != 0) needed.insert(b.run_id);
    }
  }
  for (const Event& e : events) {
    if (Status s = apply_event(e); !s.ok()) {
      return s.prefixed("audit event " + std::to_string(e.header.seq) + " (" + cycle::name(e.kind) + "): ");
    }
    if (e.kind == EventKind::kRunStart) {
      const auto& start = std::get<cycle::RunStart>(e.payload);
      if (needed.count(start.run_id) || running.count(start.run_id)) {
        recipes_[start.run_id] = RunRecipe{start.month, start.profile_version,
                                           master_.frozen_changes(),
                                           start.recovery_dues, master_.base()};
      }
    }
  }
  events.clear();
  if (Status s = record_profile_version(); !s.ok()) return s;
  // Runs left RUNNING are interrupted, unless another server (a shared store) is running them.
  if (store_->lock_runs().ok()) {
    for (const cycle::Run& run : std::vector<cycle::Run>(cycle_.runs())) {
      if (run.state != cycle::RunState::kRunning) continue;
      Event e(EventKind::kRunInterrupted, cycle::RunEnd{run.id, 0, ""});
      if (Status s = record(&e, "system"); !s.ok()) {
        store_->unlock_runs();
        return s;
      }
    }
    store_->unlock_runs();
  }
  for (const auto& [month, id] : latest) latest_run_[month] = id;
  int64_t last_completed = 0;
  for (const auto& [month, id] : latest) last_completed = std::max(last_completed, id);
  // The most recent views now (a failure is a refusal to start); the rest when first read.
  size_t computed = 0;
  for (auto it = needed.rbegin(); it != needed.rend() && computed < options_.resident_views; ++it, ++computed) {
    const RunRecipe& recipe = recipes_.at(*it);
    std::shared_ptr<const Profile> profile;
    if (Status s = profile_version(recipe.profile_version, &profile); !s.ok()) return s;
    std::shared_ptr<RunView> v;
    if (Status s = compute_view(*it, recipe.month, *recipe.base, *recipe.changes, *profile,
                                recipe.recovery_dues, &v);
        !s.ok()) {
      return s.prefixed("run " + std::to_string(*it) + ": ");
    }
    cycle::restrict_bill_totals(*v->table, v->index, billed_rows(*it), &v->result);
    // gpf.md §6: a run stopped between its completion and its subscriptions posts them now
    // (only the last completed run can be so: the next run starts after this open).
    if (*it == last_completed && !fund_.subscribed(*it)) {
      if (Status s = post_run_subscriptions(*v, *profile); !s.ok()) return s.prefixed("run " + std::to_string(*it) + ": ");
    }
    keep_view(std::move(v));
  }
  return Status();
}

// issue 9 §2: the profile is part of the state. REQUIRES: state_mutex_ held.
Status Service::record_profile_version() {
  const std::string sha = sha256_hex(profile_json_);
  for (int attempt = 0;; ++attempt) {
    const auto& versions = cycle_.profiles();
    if (!versions.empty() && versions.back().sha256 == sha) break;
    Event e(EventKind::kProfileVersion, cycle::ProfileVersion{int64_t(versions.size()) + 1, sha, profile_json_});
    Status s = record(&e, "system");
    if (s.ok()) break;
    // A server sharing the store may have recorded the same version meanwhile.
    if (!store_->shared() || attempt == 3) return s;
    if (Status c = catch_up(); !c.ok()) return c;
  }
  profile_version_ = int64_t(cycle_.profiles().size());
  profiles_[profile_version_] = std::make_shared<const Profile>(profile_);
  return Status();
}

Status Service::profile_version(int64_t version, std::shared_ptr<const Profile>* out) const {
  auto it = profiles_.find(version);
  if (it != profiles_.end()) {
    *out = it->second;
    return Status();
  }
  if (version < 1 || version > int64_t(cycle_.profiles().size())) {
    return Status::invalid_argument("profile version " + std::to_string(version) + " is not recorded");
  }
  auto profile = std::make_shared<Profile>();
  if (Status s = parse_profile(cycle_.profiles()[size_t(version - 1)].json, profile.get()); !s.ok()) {
    return s.prefixed("profile version " + std::to_string(version) + ": ");
  }
  profiles_[version] = profile;
  *out = profile;
  return Status();
}

void Service::wait_for_runs() {
  std::unique_lock lock(state_mutex_);
  run_done_.wait(lock, [&] { return !computing_; });
  if (runner_.joinable()) {
    std::thread t = std::move(runner_);
    lock.unlock();
    t.join();
  }
}

void Service::shutdown() {
  wait_for_runs();
  {
    std::lock_guard lock(state_mutex_);
    if (closed_) return;
    closed_ = true;
  }
  store_->close();
}

Date Service::today() const { return ist_date(options_.clock->now()); }
int Service::today_day() const { return civil_from_days(today()).day; }

Status Service::stamp(Event* e, const std::string& actor) {
  if (Status s = store_->health(); !s.ok()) return s;
  e->header.at = options_.clock->now();
  e->header.actor = actor;
  return Status();
}

Status Service::record(Event* e, const std::string& actor) {
  if (Status s = stamp(e, actor); !s.ok()) return s;
  cycle::CycleState::Checked proof;
  if (Status s = cycle_.check(*e, &proof); !s.ok()) return s;
  AuditEvent row;
  encode_event(*e, &row);
  return commit_checked(e, &row, proof, false);
}

Status Service::commit_checked(Event* e, AuditEvent* row, const cycle::CycleState::Checked& proof, bool give_up) {
  // The commit (a WAL flush, an fsync) with readers let in: they see the state without the
  // event, which is not acknowledged yet; no writer enters, so the check still holds.
  if (Status s = append_admitting_readers(row, [&] { return cycle_.check(*e); }); !s.ok()) return s;
  e->header.seq = row->seq;
  // No writer since the check: the apply does not check again.
  return give_up ? apply_event_taking(std::move(*e), proof) : apply_event(*e, &proof);
}

Status Service::record_admitting_readers(Event* e, const std::string& actor) {
  if (Status s = stamp(e, actor); !s.ok()) return s;
  AuditEvent row;
  cycle::CycleState::Checked proof;
  {
    // Checked and encoded with readers let in (a run's completion: a million rows); no
    // writer can enter meanwhile, so the check holds when the event is applied.
    ReadersAdmitted readers(&state_mutex_);
    if (Status s = cycle_.check(*e, &proof); !s.ok()) return s;
    encode_event(*e, &row);
  }
  return commit_checked(e, &row, proof, true);
}

Status Service::append_admitting_readers(AuditEvent* row, const std::function<Status()>& recheck) {
  Status appended;
  {
    ReadersAdmitted readers(&state_mutex_);
    appended = store_->append(row);
  }
  if (appended.ok()) return appended;
  // Another server appended first: following it changes the state, so readers are out.
  if (!store_behind(appended)) return store_unavailable(appended);
  return append_row(row, recheck);
}

bool Service::store_behind(const Status& s) {
  return s.code() == Status::Code::kConflict && s.reason() != nullptr && std::string_view(s.reason()) == kStoreBehind;
}

Status Service::store_unavailable(const Status& s) {
  return s.code() == Status::Code::kUnavailable ? s : Status::unavailable(s.message(), "STORE_UNAVAILABLE");
}

Status Service::append_row(AuditEvent* row, const std::function<Status()>& recheck) {
  for (int attempt = 0;; ++attempt) {
    Status s = store_->append(row);
    if (s.ok()) return s;
    if (!store_behind(s) || attempt == 100) return store_unavailable(s);
    // Another server appended first: follow it, then the event must still hold.
    if (Status c = catch_up(); !c.ok()) return c;
    if (Status c = recheck(); !c.ok()) return c;
  }
}

Status Service::catch_up() {
  if (!store_->shared()) return Status();
  return store_->catch_up([this](const AuditEvent& row) { return apply_stored(row); });
}

Status Service::apply_stored(const AuditEvent& row) {
  if (GpfFund::owns(row.action)) return fund_.apply(row);
  if (OnlineAccounts::owns(row.action)) return accounts_.apply(row);
  Event e;
  if (Status s = decode_event(row, &e); !s.ok()) return s;
  if (Status s = apply_event(e); !s.ok()) return s;
  if (e.kind == EventKind::kRunStart) {
    const auto& start = std::get<cycle::RunStart>(e.payload);
    recipes_[start.run_id] = RunRecipe{start.month, start.profile_version,
                                       master_.frozen_changes(),
                                       start.recovery_dues, master_.base()};
  } else if (e.kind == EventKind::kRunComplete) {
    // Its view is computed from the recipe when first read.
    const auto& complete = std::get<cycle::RunComplete>(e.payload);
    latest_run_[complete.month] = complete.run_id;
    prune_recipes();
  }
  return Status();
}

Status Service::take_run_lock() {
  if (Status s = store_->lock_runs(); !s.ok()) return s;
  Status s = catch_up();
  for (const cycle::Run& run : std::vector<cycle::Run>(cycle_.runs())) {
    if (!s.ok()) break;
    if (run.state != cycle::RunState::kRunning) continue;
    // Its server lost the right to run (it died or lost the database): the run never completes.
    Event e(EventKind::kRunInterrupted, cycle::RunEnd{run.id, 0, ""});
    s = record(&e, "system");
  }
  if (!s.ok()) store_->unlock_runs();
  return s;
}

Status Service::apply_event(const Event& e, const cycle::CycleState::Checked* proof) {
  const std::vector<cycle::FieldChange>* fields = nullptr;
  std::string employee;
  if (const auto* m = std::get_if<cycle::MasterChange>(&e.payload)) {
    fields = &m->fields, employee = m->employee_id;
  } else if (const auto* d = std::get_if<cycle::ProposalDecision>(&e.payload); d && e.kind == EventKind::kProposalApprove) {
    fields = &d->fields, employee = d->employee_id;
  }
  size_t row = 0;
  if (fields != nullptr) {
    if (Status s = find_row(employee, &row); !s.ok()) return s;
    for (const cycle::FieldChange& f : *fields) {
      if (master_.column(f.column) < 0) return Status::invalid_argument("unknown column '" + f.column + "'");
    }
  }
  if (e.kind == EventKind::kMonthClose) {
    if (Status s = cycle_.check(e); !s.ok()) return s;
    if (Status s = apply_month_close(std::get<cycle::MonthCloseEvent>(e.payload)); !s.ok()) return s;
  }
  if (Status s = proof != nullptr ? cycle_.apply(e, *proof) : cycle_.apply(e); !s.ok()) return s;
  if (fields != nullptr) {
    for (const cycle::FieldChange& f : *fields) {
      master_.set_field(row, master_.column(f.column), f.after);
      if (f.column == "gpf_account") reindex_gpf_account(row, f.after);
    }
  }
  return Status();
}

Status Service::apply_event_taking(Event&& e, const cycle::CycleState::Checked& proof) {
  // Only a run's completion has bulk to hand over; the master's changes and the close read
  // their payload after the cycle's apply.
  if (e.kind != EventKind::kRunComplete) return apply_event(e, &proof);
  return cycle_.apply(std::move(e), proof);
}

std::optional<Reply> Service::readable_row(const Context& c, const std::string& id, size_t* row) const {
  if (Status s = find_row(id, row); !s.ok()) return status_reply(s);
  if (!may_read_row(c, *row)) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not read employee '" + id + "'");
  }
  return std::nullopt;
}

Status Service::find_row(const std::string& id, size_t* row) const {
  auto range = std::equal_range(rows_by_id_.begin(), rows_by_id_.end(), id,
                                [&](const auto& a, const auto& b) {
                                  if constexpr (std::is_same_v<std::decay_t<decltype(a)>, uint32_t>) {
                                    return base_->employee_id[a] < std::string_view(b);
                                  } else {
                                    return std::string_view(a) < base_->employee_id[b];
                                  }
                                });
  const size_t n = size_t(range.second - range.first);
  if (n == 0) return Status::not_found("employee '" + id + "' is not in the master");
  if (n > 1) {
    return Status::conflict("employee_id '" + id + "' stands on " + std::to_string(n) +
                                " rows of the master (rules §2 step 1); correct the master first",
                            "DUPLICATE_EMPLOYEE_ID");
  }
  *row = *range.first;
  return Status();
}

bool Service::may_read_row(const Context& c, size_t row) const {
  switch (c.who->role) {
    case Role::kAdmin:
    case Role::kAnalyst: return true;
    case Role::kDdo: return base_->ddo_code[row] == c.who->scope;
    case Role::kTreasury: return base_->is_readable(row) && base_->treasury_code[row] == c.who->scope;
    // Its own row only (router.cc lets it reach its payslips, proposals and recoveries).
    case Role::kEmployee: return base_->employee_id[row] == c.who->scope;
    default: return false;  // the other fund roles (router.cc keeps them to the fund's routes)
  }
}

bool Service::may_act_on_row(const Context& c, size_t row) const {
  return c.who->role == Role::kAdmin ||
         (c.who->role == Role::kDdo && base_->ddo_code[row] == c.who->scope);
}

bool Service::may_read_bill(const Context& c, const Bill& bill) const {
  return !((c.who->role == Role::kDdo && bill.ddo != c.who->scope) ||
           (c.who->role == Role::kTreasury && bill.treasury != c.who->scope));
}

std::vector<uint8_t> Service::billed_rows(int64_t run_id) const {
  std::vector<uint8_t> billed(base_->rows, 0);
  for (const auto& [id, b] : cycle_.bills()) {
    if (b.run_id != run_id) continue;
    for (uint32_t row : b.rows) {
      if (row < billed.size()) billed[row] = 1;
    }
  }
  return billed;
}

std::vector<std::shared_ptr<const RunView>> Service::keep_view(std::shared_ptr<const RunView> v) const {
  std::vector<std::shared_ptr<const RunView>> evicted;
  const int64_t run_id = v->run_id;
  std::lock_guard lock(views_mutex_);
  views_[run_id] = ResidentView{std::move(v), ++reads_};
  while (views_.size() > std::max<size_t>(1, options_.resident_views)) {
    auto oldest = views_.begin();
    for (auto it = views_.begin(); it != views_.end(); ++it) {
      if (it->second.last_read < oldest->second.last_read) oldest = it;
    }
    evicted.push_back(std::move(oldest->second.view));
    views_.erase(oldest);
  }
  return evicted;
}

std::shared_ptr<const RunView> Service::view_of_run(int64_t run_id) const {
  const auto resident = [&]() -> std::shared_ptr<const RunView> {
    std::lock_guard lock(views_mutex_);
    auto it = views_.find(run_id);
    if (it == views_.end()) return nullptr;
    it->second.last_read = ++reads_;
    return it->second.view;
  };
  if (auto v = resident()) return v;
  std::lock_guard recompute(recompute_mutex_);
  if (auto v = resident()) return v;  // recomputed meanwhile
  RunRecipe recipe;
  std::vector<uint8_t> billed;
  std::shared_ptr<const Profile> profile;
  {
    std::lock_guard lock(state_mutex_);
    auto it = recipes_.find(run_id);
    if (it == recipes_.end()) return nullptr;
    recipe = it->second;
    billed = billed_rows(run_id);
    if (!profile_version(recipe.profile_version, &profile).ok()) return nullptr;
  }
  std::shared_ptr<RunView> v;
  if (!recompute_paid_view(run_id, recipe, *profile, billed, &v).ok()) return nullptr;
  keep_view(v);
  return v;
}

Status Service::recompute_paid_view(int64_t run_id, const RunRecipe& recipe, const Profile& profile,
                                    const std::vector<uint8_t>& billed, std::shared_ptr<RunView>* view) const {
  std::shared_ptr<RunView> v;
  if (Status s = compute_view(run_id, recipe.month, *recipe.base, *recipe.changes, profile, recipe.recovery_dues, &v);
      !s.ok()) {
    return s;
  }
  cycle::restrict_bill_totals(*v->table, v->index, billed, &v->result);
  *view = std::move(v);
  return Status();
}

std::shared_ptr<const RunView> Service::view(Month month) const {
  int64_t run_id = 0;
  {
    std::shared_lock lock(state_mutex_);  // a reader
    auto it = latest_run_.find(month);
    if (it == latest_run_.end()) return nullptr;
    run_id = it->second;
  }
  return view_of_run(run_id);
}

std::shared_ptr<const RunView> Service::latest_view() const {
  int64_t run_id = 0;
  {
    std::shared_lock lock(state_mutex_);  // a reader
    if (latest_run_.empty()) return nullptr;
    run_id = latest_run_.rbegin()->second;
  }
  return view_of_run(run_id);
}

void Service::prune_recipes() {
  std::set<int64_t> keep;
  for (const auto& [month, id] : latest_run_) keep.insert(id);
  for (const auto& [id, b] : cycle_.bills()) {
    if (cycle::settles(b.state) && b.run_id != 0) keep.insert(b.run_id);
  }
  for (const cycle::Run& run : cycle_.runs()) {
    if (run.state == cycle::RunState::kRunning) keep.insert(run.id);
  }
  std::erase_if(recipes_, [&](const auto& entry) { return keep.count(entry.first) == 0; });
}

std::vector<std::shared_ptr<const RunView>> Service::publish_view(std::shared_ptr<RunView> v) {
  {
    ReadersAdmitted readers(&state_mutex_);  // reads the bills only; the view is not shared yet
    cycle::restrict_bill_totals(*v->table, v->index, billed_rows(v->run_id), &v->result);
  }
  latest_run_[v->month] = v->run_id;
  std::vector<std::shared_ptr<const RunView>> evicted = keep_view(std::move(v));
  prune_recipes();
  return evicted;
}

std::optional<Reply> Service::narrow_to_scope(const Context& c, const std::string& verb,
                                              std::string* ddo, std::string* treasury) {
  if (c.who->role == Role::kDdo) {
    if (!ddo->empty() && *ddo != c.who->scope) {
      return forbidden(c.who->label() + " may not " + verb + " DDO '" + *ddo + "'");
    }
    *ddo = c.who->scope;
  }
  if (c.who->role == Role::kTreasury) {
    if (!treasury->empty() && *treasury != c.who->scope) {
      return forbidden(c.who->label() + " may not " + verb + " treasury '" + *treasury + "'");
    }
    *treasury = c.who->scope;
  }
  return std::nullopt;
}

Reply Service::get_employee(const Context& c, const Params& p, const std::string&) {
  const std::string& id = p[0];
  std::shared_lock lock(state_mutex_);  // a reader
  size_t row;
  if (auto refused = readable_row(c, id, &row)) return *refused;
  const std::vector<std::string> fields = master_.fields(row);
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("line", int64_t(row + 1));
  w.field("changed", master_.changed(row));
  w.key("fields").begin_object();
  for (size_t i = 0; i < master_.header().size() && i < fields.size(); ++i) {
    write_master_field(&w, master_.header()[i], fields[i]);
  }
  w.end_object();
  const std::string problems = master_.check_row(fields);
  w.field("readable", problems.empty());
  if (!problems.empty()) w.field("problems", problems);
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::patch_employee(const Context& c, const Params& p, const std::string& body) {
  const std::string& id = p[0];
  JsonBody parsed;
  if (Status s = parse_body(body, master_body_keys(), &parsed); !s.ok()) return bad_request(s);
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  if (!may_act_on_row(c, row)) return forbidden(c.who->label() + " may not edit employee '" + id + "'");
  if (Status s = cycle::check_window(profile_.calendar, cycle::Window::kMasterEdit, today_day()); !s.ok()) {
    return status_reply(s);
  }
  if (parsed.empty()) return error_reply(400, "INVALID_ARGUMENT", "body: no fields to change");
  std::vector<std::string> fields = master_.fields(row);
  cycle::MasterChange change{id, {}};
  for (const auto& [name, value] : parsed) {
    if (!editable(name)) {
      return error_reply(422, "NOT_EDITABLE",
                         "field '" + name + "' cannot be changed by an edit" +
                             (name.rfind("stop", 0) == 0 ? " (use /stop and /release)" : " (it identifies the employee and their DDO)"));
    }
    const int column = master_.column(name);
    if (column < 0) return error_reply(422, "NOT_EDITABLE", "field '" + name + "': the master file has no such column");
    std::string text;
    if (Status s = master_field_text(name, value, &text); !s.ok()) return bad_request(s);
    if (size_t(column) >= fields.size()) fields.resize(size_t(column) + 1);
    change.fields.push_back({name, fields[size_t(column)], text});
    fields[size_t(column)] = text;
  }
  // formats.md: the changed row must read as the loader reads the file.
  const std::string problems = master_.check_row(fields);
  if (!problems.empty()) {
    std::string named;
    size_t start = 0;
    while (start < problems.size()) {
      size_t end = problems.find("; ", start);
      if (end == std::string::npos) end = problems.size();
      const std::string part = problems.substr(start, end - start);
      for (const cycle::FieldChange& f : change.fields) {
        if (part.rfind(f.column + ":", 0) == 0) named += (named.empty() ? "" : "; ") + part;
      }
      start = end + 2;
    }
    if (!named.empty()) return error_reply(400, "INVALID_ARGUMENT", named);
  }
  // Issue 9 §5: the row alone through this month's rules: a change that will make it a
  // mismatch is accepted, and the reasons the next run will give are in the reply.
  std::vector<std::string> reasons;
  {
    EmployeeTable one;
    const CivilDate d = civil_from_days(today());
    MonthResult result;
    if (master_.parse_row(fields, &one).ok()) {
      const TableIndex index = build_table_index(one);
      if (run_month(one, index, profile_, make_month(d.year, d.month), &result).ok() &&
          result.fate_of(0) == Fate::kMismatch) {
        for (int i = 0; i < kReasonCount; ++i) {
          if (result.reasons[0] & (1u << i)) reasons.emplace_back(kReasonCodes[i]);
        }
      }
    }
  }
  const std::string changed = fields_json(change.fields);
  Event e(EventKind::kEmployeeEdit, std::move(change));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("audit_seq", e.header.seq).key("changed").raw(changed);
  w.field("applies_from", "the next run");
  w.field("next_run_fate", reasons.empty() ? "PAID_OR_STOPPED" : "MISMATCH").key("mismatch_reasons").begin_array();
  for (const std::string& r : reasons) w.value(r);
  w.end_array().end_object();
  return ok_reply(200, w.take());
}

Reply Service::stop_employee(const Context& c, const Params& p, const std::string& body) {
  return stop_or_release(c, p[0], body, true);
}
Reply Service::release_employee(const Context& c, const Params& p, const std::string& body) {
  return stop_or_release(c, p[0], body, false);
}

Reply Service::stop_or_release(const Context& c, const std::string& id, const std::string& body, bool stop) {
  JsonBody parsed;
  if (Status s = read_body(body, {"reason"}, &parsed); !s.ok()) return bad_request(s);
  std::string reason;
  if (Status s = text_field(parsed, "reason", stop, 200, &reason); !s.ok()) return bad_request(s);
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  if (!may_act_on_row(c, row)) return forbidden(c.who->label() + " may not stop or release employee '" + id + "'");
  if (stop) {
    if (Status s = cycle::check_window(profile_.calendar, cycle::Window::kStopPayment, today_day()); !s.ok()) {
      return status_reply(s);
    }
  }
  const int stop_column = master_.column("stop_payment"), reason_column = master_.column("stop_reason");
  if (stop_column < 0 || reason_column < 0) {
    return error_reply(422, "NOT_EDITABLE", "the master file has no stop_payment and stop_reason columns");
  }
  const std::vector<std::string> fields = master_.fields(row);
  const std::string old_stop = size_t(stop_column) < fields.size() ? fields[size_t(stop_column)] : "";
  const std::string old_reason = size_t(reason_column) < fields.size() ? fields[size_t(reason_column)] : "";
  if (stops_payment(old_stop) == stop) {
    return error_reply(409, "WRONG_STATE", "employee '" + id + "' is " + (stop ? "already stopped" : "not stopped"));
  }
  Event e(stop ? EventKind::kEmployeeStop : EventKind::kEmployeeRelease,
          cycle::MasterChange{id, {{"stop_payment", old_stop, stop ? "1" : "0"},
                                   {"stop_reason", old_reason, stop ? reason : ""}}});
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("stopped", stop).field("audit_seq", e.header.seq).end_object();
  return ok_reply(200, w.take());
}

Reply Service::audit_list(const Context& c, const std::string& entity) {
  int64_t after = 0, limit = 100;
  const std::string a = c.param("after"), l = c.param("limit");
  if (!a.empty() && !query_number(a, "after", int64_t(1) << 62, &after).ok()) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'after' must be an audit sequence number");
  }
  if (!l.empty() && (!query_number(l, "limit", 1000, &limit).ok() || limit < 1)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'limit' must be 1..1000");
  }
  std::vector<AuditEvent> events;
  if (Status s = store_->list(entity, after, int(limit), &events); !s.ok()) {
    return status_reply(Status::unavailable(s.message(), "STORE_UNAVAILABLE"));
  }
  JsonWriter w;
  w.begin_object().field("entity", entity).key("events").begin_array();
  for (const AuditEvent& e : events) {
    w.begin_object().field("seq", e.seq).field("at", e.at).field("who", e.actor).field("action", e.action);
    w.key("before").raw(e.before).key("after").raw(e.after.size() > 4096 ? "{\"omitted\":\"large\"}" : e.after);
    w.end_object();
  }
  w.end_array().end_object();
  return ok_reply(200, w.take());
}

Reply Service::employee_audit(const Context& c, const Params& p, const std::string&) {
  {
    std::shared_lock lock(state_mutex_);  // a reader
    size_t row;
    if (auto refused = readable_row(c, p[0], &row)) return *refused;
  }
  return audit_list(c, "employee:" + p[0]);
}

Reply Service::get_payslip(const Context& c, const Params& p, const std::string&) {
  const std::string& id = p[0];
  const std::string& month_text = p[1];
  Month month;
  if (!parse_month(month_text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "month '" + month_text + "' is not YYYY-MM");
  }
  size_t row;
  std::string bill_id;
  int64_t settled_run = -1;
  std::vector<std::pair<std::string, Money>> other_salary;
  {
    std::shared_lock lock(state_mutex_);  // a reader
    if (auto refused = readable_row(c, id, &row)) return *refused;
    if (const Bill* b = cycle_.paying_bill(month, uint32_t(row))) {
      bill_id = b->id;
      if (cycle::settles(b->state)) settled_run = b->run_id;
      if (cycle::settles(b->state) && b->run_id == 0) other_salary = b->payslip;
    }
  }
  // A row a CONFIRMED or PASSED bill pays reads as that bill paid it (issue 9 §2).
  const auto v = settled_run > 0 ? view_of_run(settled_run) : view(month);
  const EmployeeTable& base = *base_;
  if (settled_run == 0) {
    JsonWriter w;
    w.begin_object().field("employee_id", id).field("month", month_text).field("run_id", int64_t(0));
    w.field("line", int64_t(row + 1)).field("bill_id", bill_id);
    w.field("treasury_code", base.treasury_code[row]).field("ddo_code", base.ddo_code[row]);
    w.field("bill_group", "OS").field("budget_head", base.budget_head[row]);
    w.field("fund_type", fund_name(base.fund_type[row]));
    w.key("amounts").begin_object();
    for (const auto& [name, amount] : other_salary) w.field(name, int64_t(amount));
    w.end_object().end_object();
    return ok_reply(200, w.take());
  }
  if (!v) return error_reply(404, "NOT_FOUND", "no completed run for " + month_text);
  const MonthResult& r = v->result;
  if (r.fate_of(row) != Fate::kPaid) {
    std::string reasons;
    for (int i = 0; i < kReasonCount; ++i) {
      if (r.reasons[row] & (1u << i)) reasons += (reasons.empty() ? "" : ";") + std::string(kReasonCodes[i]);
    }
    return error_reply(404, "NOT_PAID",
                       "employee '" + id + "' has no payslip for " + month_text + ": " +
                           (r.fate_of(row) == Fate::kStopped ? "payment stopped" : "mismatch " + reasons));
  }
  if (bill_id.empty()) bill_id = month_text + "/" + v->index.bills[v->index.bill_of_row[row]].id_suffix;
  const EmployeeTable& t = *v->table;
  JsonWriter w;
  w.begin_object().field("employee_id", id).field("month", month_text).field("run_id", v->run_id);
  w.field("line", int64_t(row + 1));
  w.field("bill_id", bill_id);
  w.field("treasury_code", t.treasury_code[row]).field("ddo_code", t.ddo_code[row]);
  w.field("bill_group", t.bill_group[row]).field("budget_head", t.budget_head[row]);
  w.field("fund_type", fund_name(t.fund_type[row])).field("payable_days", int64_t(r.payable_days[row]));
  w.key("amounts").begin_object();
  for (size_t col = 0; col < r.layout.columns; ++col) w.field(r.layout.names[col], int64_t(r.amount(col, row)));
  w.end_object().end_object();
  return ok_reply(200, w.take());
}

Reply Service::create_proposal(const Context& c, const Params& p, const std::string& body) {
  const std::string& id = p[0];
  JsonBody parsed;
  if (Status s = parse_body(body, {"kind", "amount"}, &parsed); !s.ok()) return bad_request(s);
  std::string kind_text;
  if (Status s = text_field(parsed, "kind", true, 32, &kind_text); !s.ok()) return bad_request(s);
  cycle::ProposalKind kind;
  if (!cycle::parse_proposal_kind(kind_text, &kind)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'kind' must be GPF_SUBSCRIPTION or INCOME_TAX");
  }
  const JsonValue* amount = find_field(parsed, "amount");
  if (amount == nullptr || amount->type != JsonValue::Type::kInteger || amount->integer < 0 ||
      amount->integer > 999999999999) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'amount' must be a whole number of rupees 0..999999999999");
  }
  std::lock_guard lock(state_mutex_);
  size_t row;
  if (Status s = find_row(id, &row); !s.ok()) return status_reply(s);
  const bool self = c.who->role == Role::kEmployee && c.who->scope == id;  // the employee's own proposal
  if (!self && !may_act_on_row(c, row)) return forbidden(c.who->label() + " may not propose for employee '" + id + "'");
  const CivilDate d = civil_from_days(today());
  if (Status s = cycle::check_window(profile_.calendar, cycle::Window::kEmployeeProposals, d.day); !s.ok()) {
    return status_reply(s);
  }
  cycle::ProposalCreate create;
  create.proposal_id = cycle_.next_proposal_id();
  create.employee_id = id;
  create.ddo = std::string(base_->ddo_code[row]);
  if (base_->is_readable(row)) create.treasury = std::string(base_->treasury_code[row]);
  create.kind = kind;
  create.amount = amount->integer;
  create.month = make_month(d.year, d.month);
  const int64_t proposal_id = create.proposal_id;
  Event e(EventKind::kProposalCreate, std::move(create));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("proposal_id", proposal_id).field("status", "PENDING").field("audit_seq", e.header.seq).end_object();
  return ok_reply(201, w.take());
}

Reply Service::list_proposals(const Context& c, const Params&, const std::string&) {
  const std::string status = c.param("status"), token = c.param("page_token");
  cycle::ProposalState wanted = cycle::ProposalState::kPending;
  if (!status.empty() && !cycle::parse_proposal_state(status, &wanted)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'status' must be PENDING, APPROVED or REJECTED");
  }
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s);
  int64_t after = 0;
  if (!token.empty() && !query_number(token, "page_token", int64_t(1) << 62, &after).ok()) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'page_token' must be a proposal number");
  }
  std::shared_lock lock(state_mutex_);  // a reader
  JsonWriter w;
  w.begin_object().key("proposals").begin_array();
  size_t n = 0;
  int64_t last = 0;
  bool more = false;
  const auto& proposals = cycle_.proposals();
  for (auto it = proposals.upper_bound(after); it != proposals.end(); ++it) {
    const cycle::Proposal& p = it->second;
    if (c.who->role == Role::kDdo && p.ddo != c.who->scope) continue;
    if (c.who->role == Role::kEmployee && p.employee_id != c.who->scope) continue;
    if (c.who->role == Role::kTreasury && p.treasury != c.who->scope) continue;
    if (!status.empty() && p.state != wanted) continue;
    if (n == page_size) {
      more = true;
      break;
    }
    w.begin_object().field("proposal_id", p.id).field("employee_id", p.employee_id).field("ddo_code", p.ddo);
    w.field("kind", cycle::name(p.kind)).field("amount", int64_t(p.amount)).field("month", format_month(p.month));
    w.field("status", cycle::name(p.state));
    w.field("proposed_by", p.by).field("decided_by", p.decided_by).field("reason", p.reason).end_object();
    last = p.id;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", std::to_string(last));
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::decide_proposal(const Context& c, const Params& params, const std::string& body) {
  const std::string& id_text = params[0];
  const bool approve = params[1] == "approve";
  JsonBody parsed;
  if (Status s = read_body(body, {"reason"}, &parsed); !s.ok()) return bad_request(s);
  std::string reason;
  if (Status s = text_field(parsed, "reason", false, 200, &reason); !s.ok()) return bad_request(s);
  int64_t proposal_id = 0;
  if (!query_number(id_text, "id", int64_t(1) << 62, &proposal_id).ok()) {
    return error_reply(400, "INVALID_ARGUMENT", "proposal id '" + id_text + "' is not a number");
  }
  std::lock_guard lock(state_mutex_);
  const cycle::Proposal* found = cycle_.proposal(proposal_id);
  if (found == nullptr) return error_reply(404, "NOT_FOUND", "no proposal " + id_text);
  const cycle::Proposal p = *found;
  if (!(c.who->role == Role::kAdmin || (c.who->role == Role::kDdo && c.who->scope == p.ddo))) {
    return forbidden(c.who->label() + " may not decide proposal " + id_text);
  }
  const CivilDate d = civil_from_days(today());
  if (Status s = cycle::check_window(profile_.calendar, cycle::Window::kDdoApproval, d.day); !s.ok()) {
    return status_reply(s);
  }
  if (p.state != cycle::ProposalState::kPending) {
    return error_reply(409, "WRONG_STATE", "proposal " + id_text + " is " + cycle::name(p.state));
  }
  size_t row;
  if (Status s = find_row(p.employee_id, &row); !s.ok()) return status_reply(s);
  const std::string column = p.kind == cycle::ProposalKind::kGpfSubscription ? "gpf_subscription" : "income_tax_declared";
  const int col = master_.column(column);
  if (col < 0) return error_reply(422, "NOT_EDITABLE", "the master file has no column '" + column + "'");
  cycle::ProposalDecision decision{p.id, p.employee_id, reason, {}};
  if (approve) {
    // rules §2 step 4, §5.1, §6: run the employee's row alone for this month to find the
    // GPF limits and the month's computed TDS.
    std::vector<std::string> fields = master_.fields(row);
    if (size_t(col) >= fields.size()) fields.resize(size_t(col) + 1);
    const std::string old = fields[size_t(col)];
    fields[size_t(col)] = p.kind == cycle::ProposalKind::kIncomeTax ? "0" : std::to_string(p.amount);
    EmployeeTable one;
    if (Status s = master_.parse_row(fields, &one); !s.ok() || !one.is_readable(0)) {
      return error_reply(422, "RULE_REFUSED", "the employee's master row is unreadable; correct it first");
    }
    const TableIndex index = build_table_index(one);
    MonthResult result;
    if (Status s = run_month(one, index, profile_, make_month(d.year, d.month), &result); !s.ok()) {
      return error_reply(422, "RULE_REFUSED", s.message());
    }
    if (p.kind == cycle::ProposalKind::kGpfSubscription) {
      if (result.reasons[0] & kGpfBelowMinimum) {
        return error_reply(422, "RULE_REFUSED", "GPF subscription " + std::to_string(p.amount) +
                                                    " is below the GPF minimum (rules §5.1)");
      }
      if (result.reasons[0] & kGpfAboveMaximum) {
        return error_reply(422, "RULE_REFUSED", "GPF subscription " + std::to_string(p.amount) +
                                                    " is above the full-month basic pay");
      }
    } else {
      const Money tds = result.fate_of(0) == Fate::kPaid ? result.amount(result.layout.income_tax, 0) : 0;
      if (p.amount < tds) {
        return error_reply(422, "RULE_REFUSED", "income tax " + std::to_string(p.amount) +
                                                    " is below the month's computed TDS of " + std::to_string(tds) +
                                                    " (rules §6)");
      }
    }
    decision.fields.push_back({column, old, std::to_string(p.amount)});
  }
  Event e(approve ? EventKind::kProposalApprove : EventKind::kProposalReject, std::move(decision));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter reply;
  reply.begin_object().field("proposal_id", p.id).field("status", cycle::name(cycle_.proposal(p.id)->state));
  reply.field("audit_seq", e.header.seq).end_object();
  return ok_reply(200, reply.take());
}

std::string Service::bill_json(const Bill& b, bool totals) const {
  JsonWriter w;
  w.begin_object().field("bill_id", b.id).field("month", format_month(b.month)).field("treasury_code", b.treasury);
  w.field("ddo_code", b.ddo).field("bill_group", b.group).field("state", cycle::name(b.state)).field("run_id", b.run_id);
  w.field("employees", b.amounts.employees).field("gross", int64_t(b.amounts.gross));
  w.field("total_deductions", int64_t(b.amounts.total_deductions)).field("net", int64_t(b.amounts.net));
  w.field("updated_at", utc_timestamp(b.updated_at));
  if (!b.reason.empty()) w.field("reason", b.reason);
  if (!totals) return w.end_object().take();
  const auto v = b.run_id != 0 && !b.source_suffix.empty() ? view_of_run(b.run_id) : nullptr;
  if (v != nullptr) {
    const MonthResult& r = v->result;
    for (const BillTotals& t : r.bills) {
      if (v->index.bills[t.bill].id_suffix != b.source_suffix) continue;
      w.key("totals").begin_object();
      for (size_t col = 0; col < r.layout.columns; ++col) w.field(r.layout.names[col], int64_t(t.amounts[col]));
      w.end_object();
      w.key("budget_heads").begin_array();
      for (const BillHeadTotals& h : r.bill_heads) {
        if (h.bill != t.bill) continue;
        w.begin_object().field("budget_head", v->table->budget_head.dictionary.value(h.budget_head));
        w.field("fund_type", fund_name(h.fund_type)).field("employees", h.employees).field("gross", int64_t(h.gross));
        w.field("total_deductions", int64_t(h.total_deductions)).field("net", int64_t(h.net)).end_object();
      }
      w.end_array();
    }
  }
  w.end_object();
  return w.take();
}

std::optional<Reply> Service::bill_page_of(const Context& c, const std::string& verb, BillPage* page) {
  page->ddo = c.param("ddo"), page->treasury = c.param("treasury");
  page->month = c.param("month"), page->token = c.param("page_token");
  if (auto refused = narrow_to_scope(c, verb, &page->ddo, &page->treasury)) return refused;
  if (Status s = page_size_of(c.param("page_size"), &page->size); !s.ok()) return bad_request(s);
  Month month;
  if (!page->month.empty() && !parse_month(page->month, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'month': '" + page->month + "' is not YYYY-MM");
  }
  const std::string& token = page->token;
  if (!token.empty() && (token.size() < 8 || !parse_month(token.substr(0, 7), &month) || token[7] != '/')) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'page_token' must be a bill id as returned in next_page_token");
  }
  return std::nullopt;
}

Reply Service::list_bills(const Context& c, const Params&, const std::string&) {
  BillPage page;
  if (auto refused = bill_page_of(c, "list bills of", &page)) return *refused;
  const std::string& ddo = page.ddo, &treasury = page.treasury, &month = page.month, &token = page.token;
  const size_t page_size = page.size;
  const std::string state = c.param("state");
  BillState state_value;
  if (!state.empty() && !cycle::parse_bill_state(state, &state_value)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'state': '" + state + "' is not a bill state");
  }
  std::shared_lock lock(state_mutex_);  // a reader
  JsonWriter w;
  w.begin_object().key("bills").begin_array();
  size_t n = 0;
  std::string last;
  bool more = false;
  const auto& bills = cycle_.bills();
  for (auto it = token.empty() ? bills.begin() : bills.upper_bound(token); it != bills.end(); ++it) {
    const Bill& b = it->second;
    if ((!ddo.empty() && b.ddo != ddo) || (!treasury.empty() && b.treasury != treasury) ||
        (!month.empty() && format_month(b.month) != month) || (!state.empty() && cycle::name(b.state) != state)) {
      continue;
    }
    if (n == page_size) {
      more = true;
      break;
    }
    w.raw(bill_json(b, false));
    last = b.id;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", last);
  w.end_object();
  return ok_reply(200, w.take());
}

namespace {
// A bill id from the path: month/treasury/ddo/group.
std::string bill_id_of(const std::vector<std::string>& p) { return p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3]; }
}  // namespace

std::optional<Reply> Service::copy_readable_bill(const Context& c, const std::string& bill_id, bool with_rows,
                                                 Bill* out) {
  std::shared_lock lock(state_mutex_);  // a reader
  const Bill* found = cycle_.bill(bill_id);
  if (found == nullptr) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
  if (!may_read_bill(c, *found)) return forbidden(c.who->label() + " may not read bill '" + bill_id + "'");
  *out = *found;
  if (!with_rows) out->rows = {};  // not shown: free them before the reply is built
  return std::nullopt;
}

Reply Service::get_bill(const Context& c, const Params& p, const std::string&) {
  Bill bill;
  if (auto refused = copy_readable_bill(c, bill_id_of(p), false, &bill)) return *refused;
  return ok_reply(200, bill_json(bill, true));  // may recompute the bill's run: no lock held
}

Reply Service::bill_audit(const Context& c, const Params& p, const std::string&) {
  const std::string bill_id = bill_id_of(p);
  {
    std::shared_lock lock(state_mutex_);  // a reader
    const Bill* bill = cycle_.bill(bill_id);
    if (bill == nullptr) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
    if (!may_read_bill(c, *bill)) return forbidden(c.who->label() + " may not read bill '" + bill_id + "'");
  }
  return audit_list(c, "bill:" + bill_id);
}

Reply Service::bill_action(const Context& c, const Params& p, const std::string& body) {
  const std::string bill_id = bill_id_of(p);
  cycle::BillVerb verb;
  cycle::parse_bill_verb(p[4], &verb);
  JsonBody parsed;
  const std::vector<std::string_view> allowed =
      verb == cycle::BillVerb::kConfirm ? std::vector<std::string_view>{"otp", "signature"}
      : verb == cycle::BillVerb::kPass  ? std::vector<std::string_view>{"reason", "signature"}
                                        : std::vector<std::string_view>{"reason"};
  if (Status s = read_body(body, allowed, &parsed); !s.ok()) return bad_request(s);
  std::string otp, reason;
  if (verb == cycle::BillVerb::kConfirm) {
    if (Status s = text_field(parsed, "otp", true, 16, &otp); !s.ok()) return bad_request(s);
  } else if (Status s = text_field(parsed, "reason", verb == cycle::BillVerb::kObject || verb == cycle::BillVerb::kReject,
                                   200, &reason);
             !s.ok()) {
    return bad_request(s);
  }
  std::string signature;
  if (Status s = signature_field(parsed, &signature); !s.ok()) return bad_request(s);
  cycle::BillSignature signed_by;
  Bill signed_bill;
  if (auto refused = check_bill_signature(c, bill_id, verb, signature, &signed_by, &signed_bill)) return *refused;
  std::lock_guard lock(state_mutex_);
  const Bill* found = cycle_.bill(bill_id);
  if (found == nullptr) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
  const Bill& bill = *found;
  const bool by_ddo = cycle::ddo_verb(verb);
  if (!may_act_on_bill(c, verb, bill)) {
    return forbidden(c.who->label() + " may not " + cycle::name(verb) + " bill '" + bill_id + "' (" +
                     (by_ddo ? "its DDO " + bill.ddo : "its treasury " + bill.treasury) + " does)");
  }
  if (signed_by.present() && (bill.run_id != signed_bill.run_id || bill.rows != signed_bill.rows ||
                              bill.payslip != signed_bill.payslip || bill.amounts.net != signed_bill.amounts.net)) {
    return status_reply(cycle::cycle_error(cycle::ErrorKind::kWrongState,
                                           "bill '" + bill_id + "' changed while its signature was checked; sign its "
                                           "canonical bytes again"));
  }
  cycle::BillAction action{bill_id, bill.state, bill.state, reason, 0, std::move(signed_by)};
  if (!cycle::bill_transition(bill.state, verb, &action.to)) {
    return status_reply(cycle::cycle_error(cycle::ErrorKind::kWrongState, "bill '" + bill_id + "' is " +
                                                                              cycle::name(bill.state) + "; cannot " +
                                                                              cycle::name(verb) + " it"));
  }
  if (verb == cycle::BillVerb::kConfirm) {
    const std::string secret_bytes = ddo_totp_secret(bill.ddo);
    const std::string* secret = secret_bytes.empty() ? nullptr : &secret_bytes;
    if (secret == nullptr) {
      return status_reply(cycle::cycle_error(cycle::ErrorKind::kNoSecret,
                                             "DDO '" + bill.ddo + "' has no registered TOTP secret"));
    }
    const int64_t now = options_.clock->now();
    if (Status s = cycle_.may_confirm(bill.ddo, now); !s.ok()) return status_reply(s);
    action.otp_step = totp_match(*secret, otp, now);
    if (action.otp_step < 0) {
      // issue 9 §2: every wrong code is audited; kMaxOtpFailures in a row lock the DDO.
      const std::string ddo = bill.ddo;
      cycle::OtpFailure failure = cycle_.next_failure(ddo, now);
      const bool locks = failure.locks_until != 0;
      Event e(EventKind::kOtpFailure, std::move(failure));
      if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
      std::string message = "field 'otp': the one-time password does not match";
      if (locks) message += "; " + cycle_.may_confirm(ddo, now).message();
      return status_reply(cycle::cycle_error(cycle::ErrorKind::kOtpMismatch, message));
    }
  }
  Event e(cycle::bill_event(verb), std::move(action));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("bill_id", bill_id).field("state", cycle::name(cycle_.bill(bill_id)->state));
  w.field("audit_seq", e.header.seq);
  const auto& done = std::get<cycle::BillAction>(e.payload);
  if (done.signature.present()) w.field("signed_by", done.signature.subject).field("signer_serial", done.signature.serial);
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::get_ddo(const Context& c, const Params& p, const std::string&) {
  const std::string& ddo = p[0];
  if (c.who->role == Role::kTreasury || (c.who->role == Role::kDdo && c.who->scope != ddo)) {
    return forbidden(c.who->label() + " may not read DDO '" + ddo + "'");
  }
  std::shared_lock lock(state_mutex_);  // a reader
  const cycle::OtpGuard g = cycle_.guard(ddo);
  const int64_t now = options_.clock->now();
  JsonWriter w;
  w.begin_object().field("ddo_code", ddo).field("totp", !ddo_totp_secret(ddo).empty());
  w.field("wrong_codes", g.failures).field("max_wrong_codes", cycle::CycleState::kMaxOtpFailures);
  w.field("locked", now < g.locked_until);
  if (g.locked_until != 0) w.field("locked_until", utc_timestamp(g.locked_until));
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::ddo_audit(const Context& c, const Params& p, const std::string&) {
  if (c.who->role == Role::kTreasury || (c.who->role == Role::kDdo && c.who->scope != p[0])) {
    return forbidden(c.who->label() + " may not read DDO '" + p[0] + "'");
  }
  return audit_list(c, "ddo:" + p[0]);
}

Reply Service::mismatches_report(const Context& c, const Params&, const std::string&) { return report(c, true); }
Reply Service::stopped_report(const Context& c, const Params&, const std::string&) { return report(c, false); }

Reply Service::report(const Context& c, bool mismatches) {
  std::string ddo = c.param("ddo"), treasury = c.param("treasury");
  const std::string month_text = c.param("month"), reason = c.param("reason"), token = c.param("page_token");
  if (auto refused = narrow_to_scope(c, "read", &ddo, &treasury)) return *refused;
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s);
  uint32_t reason_bit = 0;
  if (!reason.empty()) {
    for (int i = 0; i < kReasonCount; ++i) {
      if (reason == kReasonCodes[i]) reason_bit = 1u << i;
    }
    if (reason_bit == 0 || !mismatches) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'reason': '" + reason + "' is not a mismatch reason code");
    }
  }
  size_t start = 0;
  if (!token.empty()) {
    if (token.size() > 10 || token.find_first_not_of("0123456789") != std::string::npos) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'page_token' must be a line number");
    }
    start = size_t(std::stoll(token));
  }
  std::shared_ptr<const RunView> v;
  if (month_text.empty()) {
    v = latest_view();
  } else {
    Month month;
    if (!parse_month(month_text, &month)) {
      return error_reply(400, "INVALID_ARGUMENT", "query 'month': '" + month_text + "' is not YYYY-MM");
    }
    v = view(month);
  }
  if (!v) return error_reply(404, "NOT_FOUND", "no completed run" + (month_text.empty() ? "" : " for " + month_text));
  const EmployeeTable& t = *v->table;
  const MonthResult& r = v->result;
  const Fate want = mismatches ? Fate::kMismatch : Fate::kStopped;
  JsonWriter w;
  w.begin_object().field("month", format_month(v->month)).field("run_id", v->run_id);
  w.key(mismatches ? "mismatches" : "stopped").begin_array();
  size_t n = 0, last = 0;
  bool more = false;
  for (size_t row = start; row < t.rows; ++row) {
    if (r.fate_of(row) != want) continue;
    if (!ddo.empty() && t.ddo_code[row] != ddo) continue;
    if (!treasury.empty() && (!t.is_readable(row) || t.treasury_code[row] != treasury)) continue;
    if (reason_bit && !(r.reasons[row] & reason_bit)) continue;
    if (n == page_size) {
      more = true;
      break;
    }
    w.begin_object().field("line", int64_t(row + 1)).field("employee_id", t.employee_id[row]);
    w.field("ddo_code", t.ddo_code[row]);
    if (mismatches) {
      w.key("reasons").begin_array();
      for (int i = 0; i < kReasonCount; ++i) {
        if (r.reasons[row] & (1u << i)) w.value(kReasonCodes[i]);
      }
      w.end_array().field("detail", mismatch_detail(t, r, row));
    } else {
      w.field("stop_reason", t.stop_reason[row]);
    }
    w.end_object();
    last = row + 1;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", std::to_string(last));
  w.end_object();
  return ok_reply(200, w.take());
}

std::string Service::run_json(const cycle::Run& run) const {
  JsonWriter w;
  w.begin_object().field("run_id", run.id).field("month", format_month(run.month)).field("state", cycle::name(run.state));
  w.field("started_by", run.actor).field("started_at", utc_timestamp(run.started_at));
  w.field("finished_at", run.finished_at == 0 ? std::string() : utc_timestamp(run.finished_at));
  w.field("duration_ms", run.duration_ms).field("profile_version", run.profile_version);
  if (run.has_summary) write_run_summary(&w, run.month, run.summary);
  if (!run.error.empty()) w.field("error", run.error);
  w.end_object();
  return w.take();
}

Reply Service::list_runs(const Context& c, const Params&, const std::string&) {
  size_t page_size;
  if (Status s = page_size_of(c.param("page_size"), &page_size); !s.ok()) return bad_request(s);
  int64_t after = 0;
  if (const std::string token = c.param("page_token");
      !token.empty() && !query_number(token, "page_token", int64_t(1) << 62, &after).ok()) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'page_token' must be a run number");
  }
  std::shared_lock lock(state_mutex_);  // a reader
  JsonWriter w;
  w.begin_object().key("runs").begin_array();
  size_t n = 0;
  int64_t last = 0;
  bool more = false;
  for (const cycle::Run& run : cycle_.runs()) {
    if (run.id <= after) continue;
    if (n == page_size) {
      more = true;
      break;
    }
    w.raw(run_json(run));
    last = run.id;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", std::to_string(last));
  w.end_object();
  return ok_reply(200, w.take());
}

Reply Service::get_run(const Context&, const Params& p, const std::string&) {
  std::shared_lock lock(state_mutex_);  // a reader
  for (const cycle::Run& run : cycle_.runs()) {
    if (std::to_string(run.id) == p[0]) return ok_reply(200, run_json(run));
  }
  return error_reply(404, "NOT_FOUND", "no run '" + p[0] + "'");
}

Reply Service::create_run(const Context& c, const Params&, const std::string& body) {
  JsonBody parsed;
  if (Status s = read_body(body, {"month", "wait"}, &parsed); !s.ok()) return bad_request(s);
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not start a run (admin only)");
  std::string month_text;
  if (Status s = text_field(parsed, "month", false, 7, &month_text); !s.ok()) return bad_request(s);
  Month month;
  if (month_text.empty()) {
    const CivilDate d = civil_from_days(today());
    month = make_month(d.year, d.month);
  } else if (!parse_month(month_text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'month': '" + month_text + "' is not YYYY-MM");
  }
  const JsonValue* wait = find_field(parsed, "wait");
  if (wait && wait->type != JsonValue::Type::kBool) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'wait' must be true or false");
  }
  return start_run(c.who->label(), month, wait && wait->boolean);
}

Reply Service::start_run(const std::string& actor, Month month, bool wait) {
  {
    MonthRules probe;
    if (Status s = resolve_month_rules(profile_, month, Dictionary(), Dictionary(), &probe); !s.ok()) {
      return error_reply(422, "RULE_REFUSED", "profile: " + s.message());
    }
  }
  std::unique_lock lock(state_mutex_);
  if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  if (computing_) {
    return status_reply(cycle::cycle_error(cycle::ErrorKind::kRunInProgress,
                                           "a run is in progress; try again when it completes"));
  }
  if (runner_.joinable()) runner_.join();  // the previous run has finished
  if (Status s = take_run_lock(); !s.ok()) return status_reply(s);  // one server runs at a time
  const int64_t run_id = cycle_.next_run_id();
  Event e(EventKind::kRunStart, cycle::RunStart{run_id, month, today(), profile_version_, cycle_.recovery_dues(month)});
  if (Status s = record(&e, actor); !s.ok()) {
    store_->unlock_runs();
    return status_reply(s);
  }
  cycle::RowAmounts dues = std::get<cycle::RunStart>(e.payload).recovery_dues;
  recipes_[run_id] =
      RunRecipe{month, profile_version_, master_.frozen_changes(), dues,
                master_.base()};
  computing_ = true;
  runner_ = std::thread([this, run_id, month, base = master_.base(), changes = recipes_[run_id].changes,
                         profile = profiles_[profile_version_], dues = std::move(dues)]() mutable {
    execute_run(run_id, month, std::move(base), std::move(changes), std::move(profile), std::move(dues));
  });
  if (wait) run_done_.wait(lock, [&] { return !computing_; });
  const cycle::Run* run = cycle_.run(run_id);
  Reply reply = ok_reply(wait ? 201 : 202, run_json(*run));
  if (wait && run->state == cycle::RunState::kRunning) {
    return status_reply(store_->health().ok() ? Status::io_error("run " + std::to_string(run_id) + " did not finish")
                                              : store_->health());
  }
  return reply;
}

Status Service::compute_view(int64_t run_id, Month month, const MasterRecords::Base& base,
                             const MasterRecords::Changes& changes, const Profile& profile,
                             const cycle::RowAmounts& recovery_dues, std::shared_ptr<RunView>* out) const {
  auto v = std::make_shared<RunView>();
  v->run_id = run_id;
  v->month = month;
  const std::vector<std::string> codes = deduction_codes(profile);
  if (changes.empty() && recovery_dues.empty() && base.table != nullptr && codes == base.deduction_codes) {
    // The master as loaded, unchanged: the view shares the loaded table (no copy).
    v->table = base.table;
    v->index = build_table_index(*v->table);
    if (Status s = run_month(*v->table, v->index, profile, month, &v->result); !s.ok()) return s;
    *out = std::move(v);
    return Status();
  }
  auto table = std::make_shared<EmployeeTable>();
  // The parsed master with the run's changes in place (issue 9 §1), not the CSV rewritten.
  if (Status s = MasterRecords::table_of(base, changes, codes, options_.employees_path, table.get()); !s.ok()) {
    return s;
  }
  if (!recovery_dues.empty()) {  // docs/close.md §2: the dues the run's start recorded
    table->recovery_due.assign(table->rows, 0);
    for (const auto& [row, due] : recovery_dues) {
      if (row >= table->rows) return Status::invalid_argument("run " + std::to_string(run_id) + ": a recovery names line " +
                                                              std::to_string(row + 1) + " beyond the master");
      table->recovery_due[row] = due;
    }
  }
  v->table = table;
  v->index = build_table_index(*table);
  if (Status s = run_month(*table, v->index, profile, month, &v->result); !s.ok()) return s;
  *out = std::move(v);
  return Status();
}

void Service::execute_run(int64_t run_id, Month month, std::shared_ptr<const MasterRecords::Base> base,
                          std::shared_ptr<const MasterRecords::Changes> changes, std::shared_ptr<const Profile> profile,
                          cycle::RowAmounts recovery_dues) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<RunView> v;
  const Status computed = compute_view(run_id, month, *base, *changes, *profile, recovery_dues, &v);
  base.reset();
  changes.reset();
  const int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  // Views the run's publication evicts: freed (a million rows each) once the lock is released.
  std::vector<std::shared_ptr<const RunView>> evicted;
  std::unique_lock lock(state_mutex_);
  Status stored;
  if (computed.ok()) {
    cycle::RunComplete complete{run_id, month, millis, v->result.summary, {}, {}};
    {
      // The bills over every row read the state only: readers are let in meanwhile, and no
      // writer (StateMutex), so the state they were made from is the one recorded below.
      ReadersAdmitted readers(&state_mutex_);
      complete.bills = cycle::make_run_bills(*v->table, v->index, v->result, month, run_id, cycle_);
      if (v->result.layout.has_recovery()) {  // what the run's bills recover, by row
        std::vector<uint8_t> billed(v->table->rows, 0);
        for (const cycle::RunBill& b : complete.bills) {
          for (uint32_t row : b.rows) billed[row] = 1;
        }
        for (const auto& [row, due] : recovery_dues) {
          const Money recovered = v->result.amount(v->result.layout.recovery, row);
          if (billed[row] && v->result.fate_of(row) == Fate::kPaid && recovered > 0) {
            complete.recovered.emplace_back(row, recovered);
          }
        }
      }
    }
    Event e(EventKind::kRunComplete, std::move(complete));
    stored = store_->runs_locked();  // a server that lost the right to run publishes nothing
    if (stored.ok()) stored = record_admitting_readers(&e, "system");
    if (stored.ok()) {
      const std::shared_ptr<const RunView> published = v;
      evicted = publish_view(std::move(v));
      // gpf.md §6; a failure leaves the run completed and is repaired at the next open. The
      // postings are built with the lock released (computing_ keeps other runs out).
      (void)post_run_subscriptions(*published, *profile, &lock);
    }
  } else {
    Event e(EventKind::kRunFail, cycle::RunEnd{run_id, millis, computed.message()});
    stored = record(&e, "system");
  }
  metrics_.record_run(double(millis) / 1e3, computed.ok() && stored.ok());
  store_->unlock_runs();
  computing_ = false;
  run_done_.notify_all();
  lock.unlock();
  // The run's transient tables (the master's copy it parsed, the views it evicted) go back to
  // the system rather than staying resident until the next run (api/free_memory.h).
  evicted.clear();
  v.reset();
  release_free_memory();
}

bool Service::tick() {
  if (store_->shared()) {
    // A run left RUNNING by a server that died is taken over (marked interrupted) here.
    std::lock_guard lock(state_mutex_);
    if (!closed_ && !computing_ && catch_up().ok()) {
      const auto& runs = cycle_.runs();
      if (std::any_of(runs.begin(), runs.end(), [](const cycle::Run& r) { return r.state == cycle::RunState::kRunning; }) &&
          take_run_lock().ok()) {
        store_->unlock_runs();
      }
    }
  }
  const Date now = today();
  const CivilDate d = civil_from_days(now);
  if (!cycle::check_window(profile_.calendar, cycle::Window::kAutoRun, d.day).ok()) return false;
  const Month month = make_month(d.year, d.month);
  const Date window_start = first_day(month) + profile_.calendar.auto_run[0] - 1;
  {
    std::lock_guard lock(state_mutex_);
    if (closed_ || computing_) return false;
    for (const cycle::Run& run : cycle_.runs()) {
      if (run.month == month && run.started_day >= window_start && run.state != cycle::RunState::kFailed) return false;
    }
  }
  return start_run("system:auto-run", month, false).status == 202;
}

Reply Service::healthz(const Context&, const Params&, const std::string&) {
  if (Status s = store_->health(); !s.ok()) return status_reply(s);
  return Reply{200, "{\"status\":\"ok\"}"};
}

Reply Service::get_metrics(const Context& c, const Params&, const std::string&) {
  if (c.who->role != Role::kAdmin && c.who->role != Role::kAnalyst) {
    return error_reply(403, "FORBIDDEN", c.who->label() + " may not read metrics (analyst, admin)");
  }
  std::string out;
  metrics_.render(&out);
  out += "# HELP vetan_run_rows Rows of each month's last completed run, by fate.\n# TYPE vetan_run_rows gauge\n";
  std::lock_guard lock(state_mutex_);
  for (const auto& [month, run_id] : latest_run_) {
    const cycle::Run* run = cycle_.run(run_id);
    if (run == nullptr) continue;
    const RunSummary& s = run->summary;
    const std::string m = format_month(month);
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"PAID\"} " + std::to_string(s.paid) + "\n";
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"STOPPED\"} " + std::to_string(s.stopped) + "\n";
    out += "vetan_run_rows{month=\"" + m + "\",fate=\"MISMATCH\"} " + std::to_string(s.mismatched) + "\n";
  }
  return Reply{200, out, "text/plain; version=0.0.4"};
}

}  // namespace vetan::serve
