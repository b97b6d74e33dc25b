// Service::handle: the route table (README "REST"), authentication and metrics. A route is
// a method, a path pattern, what it does and its handler; adding an endpoint is adding one
// line to routes(), and GET /v1/openapi.json describes it from the same line. Pattern
// segments: a literal ("bills"), "{name}" (any one segment, passed to the handler in order)
// or "{name:a|b}" (one of the literals, passed too).
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "api/serve/service.h"

namespace vetan::serve {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text` ('+' is a space only in queries). Fails on a bad escape, invalid
// UTF-8, a control character or a NUL.
Status decode(std::string_view text, bool query, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Status::invalid_argument("bad percent escape in the request target");
      c = char(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && query) {
      c = ' ';
    }
    if (uint8_t(c) < 0x20 || c == 0x7f) {
      return Status::invalid_argument("the request target holds a control character");
    }
    out->push_back(c);
  }
  if (!simdjson::validate_utf8(out->data(), out->size())) {
    return Status::invalid_argument("the request target is not valid UTF-8");
  }
  return Status();
}

// An id taken from the path: no '/', '\\', and not "." or ".." (path traversal).
Status check_segment(const std::string& segment) {
  if (segment.empty()) return Status::invalid_argument("an empty path segment");
  if (segment == "." || segment == ".." || segment.find('/') != std::string::npos ||
      segment.find('\\') != std::string::npos) {
    return Status::invalid_argument("path segment '" + segment + "' is not allowed");
  }
  if (segment.size() > 256) return Status::invalid_argument("a path segment is longer than 256 bytes");
  return Status();
}

Reply method_not_allowed(const std::string& method, const std::string& path) {
  return error_reply(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path);
}

}  // namespace

struct Service::RouteSpec {
  const char* method;
  const char* pattern;
  Route metric;
  const char* summary;             // what it does and who may (the OpenAPI description's)
  std::vector<const char*> query;  // the query parameters it takes
  bool authenticated;
  Reply (Service::*handler)(const Context&, const Params&, const std::string&);
};

const std::vector<Service::RouteSpec>& Service::routes() {
  static const std::vector<RouteSpec> kRoutes = {
      {"GET", "/healthz", Route::kHealthz, "Liveness; 503 when the audit store fails. Anyone.", {}, false,
       &Service::healthz},
      {"GET", "/v1/openapi.json", Route::kOpenApi, "This description (OpenAPI 3.1). Anyone.", {}, false,
       &Service::openapi},
      {"GET", "/metrics", Route::kMetrics, "Prometheus metrics. Analyst, admin.", {}, true, &Service::get_metrics},
      {"GET", "/v1/employees/{id}", Route::kEmployeeGet, "An employee's master fields. In scope.", {}, true,
       &Service::get_employee},
      {"PATCH", "/v1/employees/{id}", Route::kEmployeePatch,
       "Change master fields (formats.md), in the master_edit window. DDO, admin.", {}, true,
       &Service::patch_employee},
      {"POST", "/v1/employees/{id}/stop", Route::kEmployeeStop, "Stop payment {reason}. DDO, admin.", {}, true,
       &Service::stop_employee},
      {"POST", "/v1/employees/{id}/release", Route::kEmployeeRelease, "Release a stopped payment. DDO, admin.", {},
       true, &Service::release_employee},
      {"GET", "/v1/employees/{id}/audit", Route::kEmployeeAudit, "The employee's audit events. In scope.",
       {"after", "limit"}, true, &Service::employee_audit},
      {"POST", "/v1/employees/{id}/other-salary", Route::kOtherSalary,
       "File other salary {month, reason} for a withheld month. DDO, admin.", {}, true, &Service::file_other_salary},
      {"POST", "/v1/employees/{id}/recoveries", Route::kRecovery,
       "Recover an over-payment of a settled month {month, instalments, reason[, lwp_days | amount]}. DDO, admin.",
       {}, true, &Service::create_recovery},
      {"GET", "/v1/employees/{id}/recoveries", Route::kRecovery,
       "The employee's over-payment recoveries and their balances. In scope, and the employee.", {}, true,
       &Service::list_recoveries},
      {"POST", "/v1/employees/{id}/recoveries/{recovery}/waive", Route::kRecovery,
       "Waive the rest of a recovery {reason}. DDO, admin.", {}, true, &Service::waive_recovery},
      {"POST", "/v1/employees/{id}/proposals", Route::kProposalCreate,
       "Propose a deduction {kind, amount}. DDO, admin.", {}, true, &Service::create_proposal},
      {"GET", "/v1/employees/{id}/payslips/{month}.pdf", Route::kPayslip,
       "A month's payslip as a printable PDF in Hindi and English (payslip_pdf_routes.cc). In scope.", {}, true,
       &Service::get_payslip_pdf},
      {"GET", "/v1/employees/{id}/payslips/{month}", Route::kPayslip, "A month's payslip. In scope.", {}, true,
       &Service::get_payslip},
      {"GET", "/v1/proposals", Route::kProposalList, "Deduction proposals. In scope.",
       {"status", "page_size", "page_token"}, true, &Service::list_proposals},
      {"POST", "/v1/proposals/{n}/{action:approve|reject}", Route::kProposalDecide,
       "Decide a proposal, in the ddo_approval window. DDO, admin.", {}, true, &Service::decide_proposal},
      {"GET", "/v1/bills", Route::kBillList, "Bills. In scope.",
       {"month", "ddo", "treasury", "state", "page_size", "page_token"}, true, &Service::list_bills},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}", Route::kBillGet, "A bill and its totals. In scope.", {},
       true, &Service::get_bill},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}/audit", Route::kBillAudit, "A bill's audit events. In scope.",
       {"after", "limit"}, true, &Service::bill_audit},
      {"POST", "/v1/bills/{month}/{treasury}/{ddo}/{group}/{action:confirm|reject|pass|object}", Route::kBillAction,
       "Confirm {otp[, signature]} or reject {reason} (its DDO); pass {[reason, signature]} or object {reason} (its treasury).",
       {}, true, &Service::bill_action},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}/canonical", Route::kBillGet,
       "The bill's canonical bytes, what a confirmation or pass signs (text/plain). In scope.", {}, true,
       &Service::get_bill_canonical},
      {"POST", "/v1/bills/{month}/{treasury}/{ddo}/{group}/payment", Route::kOther,
       "Issue the PASSED bill's pain.001 payment file and bank advice {[execution_date]}; again: the same message. "
       "Its treasury, admin.",
       {}, true, &Service::issue_payment},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}/payment", Route::kOther,
       "The bill's payment file issued (ids, SHA-256, credits, control sum). Its DDO, its treasury, admin.", {}, true,
       &Service::get_bill_payment},
      {"GET", "/v1/payments", Route::kOther,
       "Payment files issued, in bill order; filters month, ddo, treasury. A DDO its own, a treasury "
       "its DDOs', admin.",
       {"month", "ddo", "treasury", "page_size", "page_token"}, true, &Service::list_payments},
      {"GET", "/v1/payments/failed", Route::kOther,
       "Credits the bank returned as failed, and whether paid again. A DDO its own, a treasury its DDOs', admin.", {},
       true, &Service::list_failed_payments},
      {"GET", "/v1/payments/{message_id}", Route::kOther,
       "A payment file: the pain.001.001.03 XML. Its DDO, its treasury, admin.", {}, true, &Service::get_payment_file},
      {"GET", "/v1/payments/{message_id}/{file:advice|signature}", Route::kOther,
       "A payment file's bank advice (CSV) or the treasury's detached CMS signature (PEM). Its DDO, its treasury, admin.",
       {}, true, &Service::get_payment_file},
      {"POST", "/v1/payments/{message_id}/returns", Route::kOther,
       "Import the bank's pain.002.001.03 return (the XML as the body): its rejected credits become failed payments. "
       "Its treasury, admin.",
       {}, true, &Service::import_payment_return},
      {"GET", "/v1/reports/mismatches", Route::kMismatches, "Mismatched rows of a month's last run. In scope.",
       {"month", "ddo", "treasury", "reason", "page_size", "page_token"}, true, &Service::mismatches_report},
      {"GET", "/v1/reports/stopped", Route::kStopped, "Stopped rows of a month's last run. In scope.",
       {"month", "ddo", "treasury", "reason", "page_size", "page_token"}, true, &Service::stopped_report},
      {"GET", "/v1/runs", Route::kRunList, "Runs. Everyone.", {"page_size", "page_token"}, true, &Service::list_runs},
      {"POST", "/v1/runs", Route::kRunCreate, "Start a run {month, wait}. Admin.", {}, true, &Service::create_run},
      {"GET", "/v1/runs/{n}", Route::kRunGet, "A run. Everyone.", {}, true, &Service::get_run},
      {"POST", "/v1/months/{month}/close", Route::kRunCreate,
       "Close a month whose bills are all PASSED into the next month's master (FY figures, loans, increments). Admin.",
       {}, true, &Service::close_month_route},
      {"GET", "/v1/ddos/{ddo}", Route::kDdoGet, "A DDO's confirmation guard (wrong codes, lock). That DDO, analyst, admin.",
       {}, true, &Service::get_ddo},
      {"GET", "/v1/ddos/{ddo}/audit", Route::kDdoAudit, "A DDO's audit events. That DDO, analyst, admin.",
       {"after", "limit"}, true, &Service::ddo_audit},
      {"POST", "/v1/whatif", Route::kWhatIf, "Cost scenarios (whatif.md). Analyst, admin.", {"month"}, true,
       &Service::post_whatif},
      {"POST", "/v1/arrears", Route::kArrears, "Arrears of a revised profile or changes (whatif.md). In scope.",
       {"ddo", "treasury", "page_size", "page_token"}, true, &Service::post_arrears},
      {"POST", "/v1/session", Route::kSession,
       "Sign in to the web console {token}: sets the session cookie; the reply holds its CSRF token. Anyone.", {},
       false, &Service::create_session},
      {"GET", "/v1/session", Route::kSession, "Who is signed in, the CSRF token, the day's calendar windows. Everyone.",
       {}, true, &Service::get_session},
      {"DELETE", "/v1/session", Route::kSession, "Sign out of the web console. Everyone.", {}, true,
       &Service::delete_session},
      {"GET", "/v1/admin/rollout", Route::kAdminRollout,
       "Per treasury: DDOs, enrolled for TOTP, with bills of the month, confirmed online. Admin.", {"month"}, true,
       &Service::admin_rollout},
      // DDO onboarding, roll-out targets, subscriber sign-in (onboarding_routes.cc).
      {"POST", "/v1/admin/rollout/targets", Route::kAdminRollout, "Set a treasury's target {treasury_code, target}. Admin.",
       {}, true, &Service::admin_rollout_target},
      {"GET", "/v1/admin/ddos", Route::kAdminRollout, "DDOs registered online. Admin.",
       {"treasury", "page_size", "page_token"}, true, &Service::admin_ddo_list},
      {"POST", "/v1/admin/ddos", Route::kAdminRollout,
       "Register a DDO {ddo_code, name, office, treasury_code, mobile}. Admin.", {}, true, &Service::admin_ddo_register},
      {"GET", "/v1/admin/ddos/{ddo}", Route::kAdminRollout, "A registered DDO. Admin.", {}, true, &Service::admin_ddo_get},
      {"POST", "/v1/admin/ddos/{ddo}/{action:credentials|rotate|revoke}", Route::kAdminRollout,
       "Issue (token and TOTP QR code, shown once), rotate or revoke a DDO's credentials. Admin.", {}, true,
       &Service::admin_ddo_action},
      {"POST", "/v1/session/code", Route::kSession,
       "A subscriber's one-time sign-in code {employee_id}, sent to the master's mobile. Anyone.", {}, false,
       &Service::signin_code},
      {"POST", "/v1/session/employee", Route::kSession,
       "Sign in as a subscriber {employee_id, code}: a 15-minute session cookie. Anyone.", {}, false,
       &Service::signin_employee},
      // The GPF fund and the PF-9 case (gpf.md §6-§7, /work/notes/fund-routes.md).
      {"POST", "/v1/gpf/ledger/import", Route::kGpf, "Import an opening ledger (gpf.md §2 CSV body). Admin.", {}, true,
       &Service::gpf_import},
      {"GET", "/v1/gpf/export", Route::kGpf, "The fund's ledger as gpf.md §2 CSV. AG officers, analyst, admin.", {},
       true, &Service::gpf_export},
      {"GET", "/v1/gpf/ledger", Route::kGpf,
       "An account's postings (?account=). Its subscriber, DDO, HoO, AG, analyst, admin.", {"account"}, true,
       &Service::gpf_ledger},
      {"GET", "/v1/gpf/statement", Route::kGpf, "An account's statement (?account=, ?fy=; gpf.md §3-§4). As ledger.",
       {"account", "fy"}, true, &Service::gpf_statement},
      {"POST", "/v1/gpf/postings", Route::kGpf,
       "Post {gpf_account, kind, month, amount, reference}: ADVANCE, WITHDRAWAL, REFUND by its DDO; any but OPENING and "
       "SUBSCRIPTION by ag:approver, admin.",
       {}, true, &Service::gpf_post},
      {"POST", "/v1/pf9/cases", Route::kPf9, "Open a PF-9 case {reason, bank_account, ifsc, payable_month}. Employee.", {},
       true, &Service::pf9_create},
      {"GET", "/v1/pf9/cases", Route::kPf9, "PF-9 cases the caller may read, by id.", {"state", "page_size", "page_token"},
       true, &Service::pf9_list},
      {"GET", "/v1/pf9/cases/{case}", Route::kPf9, "A PF-9 case with its history. Its parties, AG, analyst, admin.", {}, true,
       &Service::pf9_get},
      {"PATCH", "/v1/pf9/cases/{case}", Route::kPf9, "Edit the application in DRAFT or RETURNED. Its employee.", {}, true,
       &Service::pf9_action},
      {"POST", "/v1/pf9/cases/{case}/documents/{kind:SIGNATURE|IDENTIFICATION_MARKS|ATTESTING_OFFICER}", Route::kPf9,
       "Upload a mandatory document (PDF body, at most 2 MiB). Its employee.", {}, true, &Service::pf9_document},
      {"POST",
       "/v1/pf9/cases/{case}/{action:lock|return|agree|sign|forward|send-back|initiate|check|approve|pay}",
       Route::kPf9, "A step of gpf.md §7 by the role it names (fund-routes.md).", {}, true, &Service::pf9_action},
      {"GET", "/v1/pf9/cases/{case}/authorisation", Route::kPf9,
       "The signed authorisation of an AUTHORISED or PAID case (text; vetan gpf verify). As the case.", {}, true,
       &Service::pf9_authorisation},
      {"GET", "/v1/gpf/authority-key", Route::kGpf, "The Ed25519 public key authorisations are signed with (PEM).", {},
       true, &Service::gpf_authority_key},
  };
  return kRoutes;
}

std::vector<std::pair<std::string, std::string>> Service::endpoints() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const RouteSpec& r : routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

namespace {

// The segments of a pattern ("/v1/bills/{month}" -> "v1", "bills", "{month}").
std::vector<std::string_view> segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= pattern.size()) {
    size_t end = std::min(pattern.find('/', start), pattern.size());
    out.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "{name}", "{name:a|b}" and "{name}.pdf" -> "name".
std::string_view parameter_name(std::string_view segment) {
  return segment.substr(1, std::min(segment.find(':'), segment.find('}')) - 1);
}

// "{name}.pdf" -> ".pdf": a literal the segment ends in, not captured; "{name}" -> "".
std::string_view parameter_suffix(std::string_view segment) {
  return segment.substr(std::min(segment.find('}') + 1, segment.size()));
}

// "{name:a|b}" -> "a", "b"; "{name}" -> none.
std::vector<std::string_view> choices(std::string_view segment) {
  std::vector<std::string_view> out;
  const size_t colon = segment.find(':');
  if (colon == std::string_view::npos) return out;
  std::string_view list = segment.substr(colon + 1, segment.size() - colon - 2);
  while (!list.empty()) {
    const size_t bar = std::min(list.find('|'), list.size());
    out.push_back(list.substr(0, bar));
    list.remove_prefix(std::min(bar + 1, list.size()));
  }
  return out;
}

// True iff the decoded path `parts` matches `pattern`; the captured segments go to *params.
bool match(const std::vector<std::string_view>& pattern_segments, const std::vector<std::string>& parts,
           std::vector<std::string>* params) {
  params->clear();
  if (pattern_segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view segment = pattern_segments[i];
    if (segment.front() != '{') {
      if (segment != parts[i]) return false;
      continue;
    }
    if (segment.find(':') != std::string_view::npos) {
      const std::vector<std::string_view> allowed = choices(segment);
      if (std::find(allowed.begin(), allowed.end(), parts[i]) == allowed.end()) return false;
    }
    if (const std::string_view suffix = parameter_suffix(segment); !suffix.empty()) {
      const std::string_view part = parts[i];
      if (part.size() <= suffix.size() || part.substr(part.size() - suffix.size()) != suffix) return false;
      params->push_back(std::string(part.substr(0, part.size() - suffix.size())));
      continue;
    }
    params->push_back(parts[i]);
  }
  return true;
}

}  // namespace

Reply Service::openapi(const Context&, const Params&, const std::string&) {
  static const std::string document = [] {
    JsonWriter w;
    w.begin_object().field("openapi", "3.1.0");
    w.key("info").begin_object().field("title", "vetan serve").field("version", "1");
    w.field("description", "The treasury's monthly cycle over the vetan engine (README 'REST').").end_object();
    w.key("components").begin_object().key("securitySchemes").begin_object();
    w.key("bearer").begin_object().field("type", "http").field("scheme", "bearer").end_object().end_object();
    w.key("schemas").begin_object().key("Error").begin_object().field("type", "object");
    w.key("properties").begin_object().key("error").begin_object().field("type", "object");
    w.key("properties").begin_object();
    w.key("code").begin_object().field("type", "string").end_object();
    w.key("message").begin_object().field("type", "string").end_object();
    w.end_object().end_object().end_object().end_object().end_object().end_object();
    // Paths in table order; a path's methods together.
    std::vector<std::string> paths;
    std::map<std::string, std::vector<const RouteSpec*>> by_path;
    for (const RouteSpec& r : routes()) {
      std::string path;
      for (std::string_view segment : segments(r.pattern)) {
        path += '/';
        if (segment.front() == '{') {
          path += '{';
          path.append(parameter_name(segment));
          path += '}';
          path.append(parameter_suffix(segment));
        } else {
          path.append(segment);
        }
      }
      if (!by_path.count(path)) paths.push_back(path);
      by_path[path].push_back(&r);
    }
    w.key("paths").begin_object();
    for (const std::string& path : paths) {
      w.key(path).begin_object();
      for (const RouteSpec* r : by_path[path]) {
        std::string method = r->method;
        for (char& c : method) c = char(std::tolower(uint8_t(c)));
        w.key(method).begin_object().field("operationId", std::string(route_name(r->metric)) + "_" + method);
        w.field("summary", r->summary).key("parameters").begin_array();
        for (std::string_view segment : segments(r->pattern)) {
          if (segment.front() != '{') continue;
          w.begin_object().field("name", parameter_name(segment)).field("in", "path").field("required", true);
          w.key("schema").begin_object().field("type", "string");
          if (const std::vector<std::string_view> values = choices(segment); !values.empty()) {
            w.key("enum").begin_array();
            for (std::string_view v : values) w.value(v);
            w.end_array();
          }
          w.end_object().end_object();
        }
        for (const char* q : r->query) {
          w.begin_object().field("name", q).field("in", "query").field("required", false);
          w.key("schema").begin_object().field("type", "string").end_object().end_object();
        }
        w.end_array();
        if (std::string_view(r->method) != "GET") {
          w.key("requestBody").begin_object().field("required", false).key("content").begin_object();
          w.key("application/json").begin_object().key("schema").begin_object().field("type", "object");
          w.end_object().end_object().end_object().end_object();
        }
        w.key("security").begin_array();
        if (r->authenticated) w.begin_object().key("bearer").begin_array().end_array().end_object();
        w.end_array();
        w.key("responses").begin_object();
        w.key("200").begin_object().field("description", "done").end_object();
        w.key("default").begin_object().field("description", "refused: {\"error\": {\"code\", \"message\"}}");
        w.key("content").begin_object().key("application/json").begin_object().key("schema").begin_object();
        w.field("$ref", "#/components/schemas/Error").end_object().end_object().end_object().end_object();
        w.end_object().end_object();
      }
      w.end_object();
    }
    w.end_object().end_object();
    return w.take();
  }();
  return Reply{200, document};
}

Reply Service::handle(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  Route route = Route::kOther;
  Reply reply = route_request(request, &route);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.record_request(route, reply.status, seconds);
  return reply;
}

Reply Service::route_request(const Request& request, Route* route) {
  std::string_view target = request.target;
  if (target.empty() || target[0] != '/') {
    return error_reply(400, "INVALID_ARGUMENT", "the request target must be an absolute path");
  }
  if (std::optional<Reply> asset = serve_static(request)) {
    *route = Route::kStatic;
    return std::move(*asset);
  }
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query = question == std::string_view::npos ? "" : target.substr(question + 1);

  // Split the path into decoded segments.
  std::vector<std::string> parts;
  {
    size_t start = 1;
    while (start <= raw_path.size()) {
      size_t end = raw_path.find('/', start);
      if (end == std::string_view::npos) end = raw_path.size();
      std::string segment;
      if (Status s = decode(raw_path.substr(start, end - start), false, &segment); !s.ok()) {
        return error_reply(400, "INVALID_ARGUMENT", s.message());
      }
      if (!(end == raw_path.size() && segment.empty() && !parts.empty())) parts.push_back(segment);
      start = end + 1;
    }
  }
  const std::string path(raw_path);

  // The route: the first whose pattern matches; 405 when only other methods match.
  const RouteSpec* spec = nullptr;
  Params params;
  bool other_method = false;
  static const std::vector<std::vector<std::string_view>> kPatterns = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const RouteSpec& r : routes()) out.push_back(segments(r.pattern));
    return out;
  }();
  for (size_t i = 0; i < routes().size(); ++i) {
    const RouteSpec& r = routes()[i];
    Params captured;
    if (!match(kPatterns[i], parts, &captured)) continue;
    if (request.method != r.method) {
      other_method = true;
      if (spec == nullptr) *route = r.metric;
      continue;
    }
    spec = &r;
    params = std::move(captured);
    break;
  }
  Context c;
  c.request = &request;
  if (store_->shared() && store_->behind()) {
    // Servers share the store (issue 9 §4): what the others wrote is applied before answering.
    std::lock_guard lock(state_mutex_);
    if (!closed_) {
      if (Status s = catch_up(); !s.ok()) return status_reply(s);
    }
  }
  if (spec != nullptr && !spec->authenticated) {
    *route = spec->metric;
    return (this->*spec->handler)(c, params, request.body);
  }

  // Query parameters: each at most once.
  if (!raw_query.empty()) {
    size_t start = 0;
    while (start <= raw_query.size()) {
      size_t end = raw_query.find('&', start);
      if (end == std::string_view::npos) end = raw_query.size();
      const std::string_view pair = raw_query.substr(start, end - start);
      if (!pair.empty()) {
        const size_t eq = pair.find('=');
        std::string key, value;
        if (Status s = decode(pair.substr(0, eq), true, &key); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
        if (eq != std::string_view::npos) {
          if (Status s = decode(pair.substr(eq + 1), true, &value); !s.ok()) {
            return error_reply(400, "INVALID_ARGUMENT", s.message());
          }
        }
        if (c.query.count(key)) return error_reply(400, "INVALID_ARGUMENT", "query parameter '" + key + "' is given twice");
        c.query[key] = value;
      }
      start = end + 1;
    }
  }

  // Authentication: every route but /healthz: a bearer token, else the console's session cookie.
  if (request.authorization.empty()) {
    if (std::optional<Reply> refused = session_principal(request, &c)) return std::move(*refused);
  } else {
    std::string_view auth = request.authorization;
    if (auth.rfind("Bearer ", 0) != 0) {
      return error_reply(401, "UNAUTHENTICATED", "an 'Authorization: Bearer <token>' header is required");
    }
    c.who = authenticate_token(auth.substr(7));
    if (c.who == nullptr) return error_reply(401, "UNAUTHENTICATED", "the token is not valid");
  }
  {
    std::shared_lock lock(state_mutex_);  // a reader
    if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  }
  if (spec == nullptr) {
    if (other_method) return method_not_allowed(request.method, path);
    return error_reply(404, "NOT_FOUND", "no route " + path);
  }
  *route = spec->metric;
  // The employee's own self-service beside the fund's routes: its payslips (JSON and PDF),
  // its deduction proposals (list, file) and its recoveries; the handlers keep it to its own
  // row (may_read_row, create_proposal, list_proposals, list_recoveries).
  const bool employee_self_service =
      c.who != nullptr && c.who->role == Role::kEmployee &&
      ((request.method == "GET" && (spec->metric == Route::kRecovery || spec->metric == Route::kPayslip ||
                                    spec->metric == Route::kProposalList)) ||
       (request.method == "POST" && spec->metric == Route::kProposalCreate));
  if (c.who != nullptr && fund_only_role(c.who->role) && spec->metric != Route::kGpf && spec->metric != Route::kPf9 &&
      spec->metric != Route::kSession && !employee_self_service) {
    return forbidden(c.who->label() + " may use the GPF and PF-9 routes (and its web session) only");
  }
  for (const std::string& p : params) {
    if (Status s = check_segment(p); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  for (const auto& [key, value] : c.query) {
    if (std::find_if(spec->query.begin(), spec->query.end(), [&](const char* n) { return key == n; }) ==
        spec->query.end()) {
      return error_reply(400, "INVALID_ARGUMENT", "unknown query parameter '" + key + "'");
    }
  }
  return (this->*spec->handler)(c, params, request.body);
}

}  // namespace vetan::serve
