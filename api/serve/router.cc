// Service::handle: the route table (README "REST"), authentication and metrics. A route is
// a method, a path pattern and its handler; adding an endpoint is adding one line to
// routes(). Pattern segments: a literal ("bills"), "{name}" (any one segment, passed to the
// handler in order) or "(a|b)" (one of the literals, passed too).
#include <simdjson.h>

#include <algorithm>
#include <chrono>

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
  std::vector<const char*> query;  // the query parameters it takes
  bool authenticated;
  Reply (Service::*handler)(const Context&, const Params&, const std::string&);
};

const std::vector<Service::RouteSpec>& Service::routes() {
  static const std::vector<RouteSpec> kRoutes = {
      {"GET", "/healthz", Route::kHealthz, {}, false, &Service::healthz},
      {"GET", "/metrics", Route::kMetrics, {}, true, &Service::get_metrics},
      {"GET", "/v1/employees/{id}", Route::kEmployeeGet, {}, true, &Service::get_employee},
      {"PATCH", "/v1/employees/{id}", Route::kEmployeePatch, {}, true, &Service::patch_employee},
      {"POST", "/v1/employees/{id}/stop", Route::kEmployeeStop, {}, true, &Service::stop_employee},
      {"POST", "/v1/employees/{id}/release", Route::kEmployeeRelease, {}, true, &Service::release_employee},
      {"GET", "/v1/employees/{id}/audit", Route::kEmployeeAudit, {"after", "limit"}, true, &Service::employee_audit},
      {"POST", "/v1/employees/{id}/other-salary", Route::kOtherSalary, {}, true, &Service::file_other_salary},
      {"POST", "/v1/employees/{id}/proposals", Route::kProposalCreate, {}, true, &Service::create_proposal},
      {"GET", "/v1/employees/{id}/payslips/{month}", Route::kPayslip, {}, true, &Service::get_payslip},
      {"GET", "/v1/proposals", Route::kProposalList, {"status", "page_size", "page_token"}, true,
       &Service::list_proposals},
      {"POST", "/v1/proposals/{n}/(approve|reject)", Route::kProposalDecide, {}, true, &Service::decide_proposal},
      {"GET", "/v1/bills", Route::kBillList, {"month", "ddo", "treasury", "state", "page_size", "page_token"}, true,
       &Service::list_bills},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}", Route::kBillGet, {}, true, &Service::get_bill},
      {"GET", "/v1/bills/{month}/{treasury}/{ddo}/{group}/audit", Route::kBillAudit, {"after", "limit"}, true,
       &Service::bill_audit},
      {"POST", "/v1/bills/{month}/{treasury}/{ddo}/{group}/(confirm|reject|pass|object)", Route::kBillAction, {},
       true, &Service::bill_action},
      {"GET", "/v1/reports/mismatches", Route::kMismatches,
       {"month", "ddo", "treasury", "reason", "page_size", "page_token"}, true, &Service::mismatches_report},
      {"GET", "/v1/reports/stopped", Route::kStopped, {"month", "ddo", "treasury", "reason", "page_size", "page_token"},
       true, &Service::stopped_report},
      {"GET", "/v1/runs", Route::kRunList, {"page_size", "page_token"}, true, &Service::list_runs},
      {"POST", "/v1/runs", Route::kRunCreate, {}, true, &Service::create_run},
      {"GET", "/v1/runs/{n}", Route::kRunGet, {}, true, &Service::get_run},
      {"GET", "/v1/ddos/{ddo}", Route::kDdoGet, {}, true, &Service::get_ddo},
      {"GET", "/v1/ddos/{ddo}/audit", Route::kDdoAudit, {"after", "limit"}, true, &Service::ddo_audit},
      {"POST", "/v1/whatif", Route::kWhatIf, {"month"}, true, &Service::post_whatif},
      {"POST", "/v1/arrears", Route::kArrears, {"ddo", "treasury", "page_size", "page_token"}, true,
       &Service::post_arrears},
  };
  return kRoutes;
}

namespace {

// True iff the decoded path `parts` matches `pattern`; the captured segments go to *params.
bool match(std::string_view pattern, const std::vector<std::string>& parts, std::vector<std::string>* params) {
  params->clear();
  size_t i = 0, start = 1;
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    const std::string_view segment = pattern.substr(start, end - start);
    start = end + 1;
    if (i >= parts.size()) return false;
    const std::string& part = parts[i++];
    if (segment.front() == '{') {
      params->push_back(part);
    } else if (segment.front() == '(') {
      bool any = false;
      std::string_view choices = segment.substr(1, segment.size() - 2);
      while (!choices.empty() && !any) {
        const size_t bar = std::min(choices.find('|'), choices.size());
        any = choices.substr(0, bar) == part;
        choices.remove_prefix(std::min(bar + 1, choices.size()));
      }
      if (!any) return false;
      params->push_back(part);
    } else if (segment != part) {
      return false;
    }
  }
  return i == parts.size();
}

}  // namespace

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
  for (const RouteSpec& r : routes()) {
    Params captured;
    if (!match(r.pattern, parts, &captured)) continue;
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

  // Authentication: every route but /healthz.
  {
    std::string_view auth = request.authorization;
    if (auth.rfind("Bearer ", 0) != 0) {
      return error_reply(401, "UNAUTHENTICATED", "an 'Authorization: Bearer <token>' header is required");
    }
    c.who = tokens_.authenticate(auth.substr(7));
    if (c.who == nullptr) return error_reply(401, "UNAUTHENTICATED", "the token is not valid");
  }
  {
    std::lock_guard lock(state_mutex_);
    if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  }
  if (spec == nullptr) {
    if (other_method) return method_not_allowed(request.method, path);
    return error_reply(404, "NOT_FOUND", "no route " + path);
  }
  *route = spec->metric;
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
