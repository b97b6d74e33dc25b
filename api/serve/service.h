// Service: the treasury's monthly cycle over the engine (issue 3). It holds the master with
// its accepted changes, the runs and their results, bill states and deduction proposals,
// and answers requests (method, target, token, body) with JSON replies. Every accepted
// change is appended to the audit store (durable) before it is applied and acknowledged;
// opening the service replays the store, so a restart rebuilds the same state.
//
// Runs work on a snapshot of the master taken when they start; reads are served from the
// last completed run of each month while a new one computes; edits during a run go to the
// next one.
//
// Thread-safety: handle() may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/serve/audit_store.h"
#include "api/serve/clock.h"
#include "api/serve/json.h"
#include "api/serve/master_records.h"
#include "api/serve/metrics.h"
#include "api/serve/tokens.h"
#include "core/profile/profile.h"
#include "core/run/month_result.h"
#include "core/table/employee_table.h"
#include "core/table/table_index.h"

namespace vetan::serve {

struct Request {
  std::string method;         // "GET", "PATCH", …
  std::string target;         // path and query, as sent
  std::string authorization;  // the Authorization header's value
  std::string body;
};

struct Reply {
  int status = 200;
  std::string body;  // JSON, or Prometheus text for /metrics
  std::string content_type = "application/json";
};

// {"error": {"code": …, "message": …}} with `status`.
Reply error_reply(int status, std::string_view code, std::string_view message);
// 403 FORBIDDEN naming what was refused.
Reply forbidden(const std::string& what);
// The query's page_size: 1..1000, 100 when absent.
Status page_size_of(const std::string& text, size_t* size);

struct ServiceOptions {
  std::string profile_path;
  std::string employees_path;
  std::string data_dir;
  std::string tokens_path;
  const Clock* clock = nullptr;  // REQUIRES: outlives the service
};

// One completed run's result, immutable and shared by readers.
struct RunView {
  int64_t run_id = 0;
  Month month = 0;
  std::shared_ptr<const EmployeeTable> table;
  TableIndex index;
  MonthResult result;
};

class Service {
 public:
  Service() = default;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service();

  // Loads the profile, master and tokens, opens the audit store and replays it, and
  // recomputes each month's last completed run. The message names the file and problem.
  Status open(const ServiceOptions& options);

  // Answers one request.
  Reply handle(const Request& request);

  // Starts the month's run when the clock stands in the profile's auto-run window and no run
  // of this month started in the window yet. Returns true iff it started one.
  bool tick();

  // Waits for a run in progress to finish.
  void wait_for_runs();

  // Waits for runs, then closes the store. handle() answers 503 afterwards.
  void shutdown();

  Metrics& metrics() { return metrics_; }

 private:
  // One request's principal and query parameters.
  struct Context {
    const Principal* who = nullptr;
    std::map<std::string, std::string> query;
    std::string param(const std::string& name) const {
      auto it = query.find(name);
      return it == query.end() ? std::string() : it->second;
    }
  };
  struct BillState {
    std::string id, month, treasury, ddo, group;
    std::string state;  // GENERATED, CONFIRMED, PASSED, OBJECTED, REJECTED
    int64_t run_id = 0, employees = 0, gross = 0, total_deductions = 0, net = 0;
    std::string reason;  // the objection or rejection
    std::string updated_at;
  };
  struct Proposal {
    int64_t id = 0;
    std::string employee_id, ddo, treasury, kind, status, month, by, decided_by, reason;
    int64_t amount = 0;
  };
  struct RunInfo {
    int64_t id = 0;
    std::string month, state, actor, started_at, finished_at;
    Date started_day = 0;
    int64_t duration_ms = 0;
    std::string summary;  // JSON, once completed
    std::string error;
  };

  // Narrows the ?ddo= and ?treasury= filters to the caller's scope: a DDO reads its own
  // office, a treasury its own DDOs. Returns a 403 when a filter names another office
  // ("<who> may not <verb> DDO 'X'"), else nothing.
  static std::optional<Reply> narrow_to_scope(const Context& c, const std::string& verb,
                                              std::string* ddo, std::string* treasury);

  // Routing (router.cc).
  Reply route_request(const Request& request, Route* route);
  // Operations (service.cc). Each checks scope and state, appends its event, applies it.
  Reply get_employee(const Context& c, const std::string& id);
  Reply patch_employee(const Context& c, const std::string& id, const std::string& body);
  Reply stop_employee(const Context& c, const std::string& id, const std::string& body, bool stop);
  Reply employee_audit(const Context& c, const std::string& id);
  Reply get_payslip(const Context& c, const std::string& id, const std::string& month);
  Reply create_proposal(const Context& c, const std::string& id, const std::string& body);
  Reply list_proposals(const Context& c);
  Reply decide_proposal(const Context& c, const std::string& id, const std::string& verb,
                        const std::string& body);
  Reply list_bills(const Context& c);
  Reply get_bill(const Context& c, const std::string& bill_id);
  Reply bill_action(const Context& c, const std::string& bill_id, const std::string& verb,
                    const std::string& body);
  Reply bill_audit(const Context& c, const std::string& bill_id);
  Reply report(const Context& c, bool mismatches);
  Reply list_runs(const Context& c);
  Reply get_run(const Context& c, const std::string& id);
  Reply create_run(const Context& c, const std::string& body);
  // What-if and arrears (whatif_routes.cc).
  Reply post_whatif(const Context& c, const std::string& body);
  Reply post_arrears(const Context& c, const std::string& body);
  // Other salary requests (other_salary.cc).
  Reply file_other_salary(const Context& c, const std::string& id, const std::string& body);
  Status apply_other_salary(const AuditEvent& event);
  Reply render_metrics();

  // Helpers.
  Status find_row(const std::string& id, size_t* row, Reply* error) const;
  bool may_read_row(const Context& c, size_t row) const;
  // The row of employee `id` if the caller may read it; else the 404 or 403 reply.
  // REQUIRES: state_mutex_ held.
  std::optional<Reply> readable_row(const Context& c, const std::string& id, size_t* row) const;
  bool may_act_on_row(const Context& c, size_t row) const;
  Reply audit_list(const Context& c, const std::string& entity);
  Status append_and_apply(AuditEvent* event);
  Status apply(const AuditEvent& event, bool replaying);
  std::shared_ptr<const RunView> view(Month month) const;
  std::shared_ptr<const RunView> latest_view() const;
  Date today() const;
  Reply start_run(const std::string& actor, Month month, bool wait);
  void execute_run(int64_t run_id, Month month, std::string snapshot);
  Status compute_view(int64_t run_id, Month month, const std::string& snapshot,
                      std::shared_ptr<RunView>* view) const;
  std::string bill_json(const BillState& bill, const RunView* view) const;

  ServiceOptions options_;
  Profile profile_;
  std::string profile_json_;  // the profile file's text: what-if changes apply to it
  std::atomic<int> heavy_requests_{0};  // what-if and arrears computations in flight
  TokenRegistry tokens_;
  AuditStore store_;
  Metrics metrics_;

  // The directory of the master as loaded: ids, DDOs and treasuries by row (these fields
  // are not editable, so rows keep them).
  std::shared_ptr<const EmployeeTable> base_;
  std::vector<uint32_t> rows_by_id_;  // every row with a non-empty id, sorted by id bytes

  mutable std::mutex state_mutex_;  // guards everything below, up to views_mutex_
  MasterRecords master_;
  std::map<std::string, BillState> bills_;
  std::map<int64_t, Proposal> proposals_;
  std::vector<RunInfo> runs_;
  bool running_ = false;
  bool closed_ = false;
  std::map<int64_t, std::string> replay_snapshots_;  // run id -> snapshot, while opening
  std::map<std::string, int64_t> last_completed_run_;  // month -> run id, while opening
  std::thread runner_;
  std::condition_variable run_done_;

  mutable std::mutex views_mutex_;
  std::map<Month, std::shared_ptr<const RunView>> views_;
};

}  // namespace vetan::serve
