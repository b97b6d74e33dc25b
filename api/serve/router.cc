// Service::handle: the REST routes (README "REST"), authentication and metrics.
#include <simdjson.h>

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

Reply Service::handle(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  Route route = Route::kOther;
  Reply reply = route_request(request, &route);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.record_request(route, reply.status, seconds);
  return reply;
}

Reply Service::route_request(const Request& request, Route* route) {
  const std::string& method = request.method;
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
  if (parts.size() == 1 && parts[0] == "healthz") {
    *route = Route::kHealthz;
    if (method != "GET") return method_not_allowed(method, path);
    return Reply{200, "{\"status\":\"ok\"}"};
  }

  Context c;
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
  const auto allow_query = [&](std::initializer_list<const char*> names) -> Status {
    for (const auto& [key, value] : c.query) {
      bool known = false;
      for (const char* n : names) known |= key == n;
      if (!known) return Status::invalid_argument("unknown query parameter '" + key + "'");
    }
    return Status();
  };
  const auto bad = [](const Status& s) { return error_reply(400, "INVALID_ARGUMENT", s.message()); };
  const bool reader = c.who->role == Role::kAdmin || c.who->role == Role::kAnalyst;

  if (parts.size() == 1 && parts[0] == "metrics") {
    *route = Route::kMetrics;
    if (method != "GET") return method_not_allowed(method, path);
    if (!reader) return error_reply(403, "FORBIDDEN", c.who->label() + " may not read metrics (analyst, admin)");
    return render_metrics();
  }
  if (parts.size() < 2 || parts[0] != "v1") return error_reply(404, "NOT_FOUND", "no route " + path);
  for (size_t i = 2; i < parts.size(); ++i) {
    if (Status s = check_segment(parts[i]); !s.ok()) return bad(s);
  }
  const std::string& noun = parts[1];
  if (noun == "employees" && parts.size() >= 3) {
    const std::string& id = parts[2];
    if (parts.size() == 3) {
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      if (method == "GET") {
        *route = Route::kEmployeeGet;
        return get_employee(c, id);
      }
      if (method == "PATCH") {
        *route = Route::kEmployeePatch;
        return patch_employee(c, id, request.body);
      }
      return method_not_allowed(method, path);
    }
    const std::string& verb = parts[3];
    if (parts.size() == 4 && (verb == "stop" || verb == "release")) {
      *route = verb == "stop" ? Route::kEmployeeStop : Route::kEmployeeRelease;
      if (method != "POST") return method_not_allowed(method, path);
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      return stop_employee(c, id, request.body, verb == "stop");
    }
    if (parts.size() == 4 && verb == "audit") {
      *route = Route::kEmployeeAudit;
      if (method != "GET") return method_not_allowed(method, path);
      if (Status s = allow_query({"after", "limit"}); !s.ok()) return bad(s);
      return employee_audit(c, id);
    }
    if (parts.size() == 4 && verb == "other-salary") {
      *route = Route::kOtherSalary;
      if (method != "POST") return method_not_allowed(method, path);
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      return file_other_salary(c, id, request.body);
    }
    if (parts.size() == 4 && verb == "proposals") {
      *route = Route::kProposalCreate;
      if (method != "POST") return method_not_allowed(method, path);
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      return create_proposal(c, id, request.body);
    }
    if (parts.size() == 5 && verb == "payslips") {
      *route = Route::kPayslip;
      if (method != "GET") return method_not_allowed(method, path);
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      return get_payslip(c, id, parts[4]);
    }
  }
  if (noun == "proposals") {
    if (parts.size() == 2) {
      *route = Route::kProposalList;
      if (method != "GET") return method_not_allowed(method, path);
      if (Status s = allow_query({"status"}); !s.ok()) return bad(s);
      return list_proposals(c);
    }
    if (parts.size() == 4 && (parts[3] == "approve" || parts[3] == "reject")) {
      *route = Route::kProposalDecide;
      if (method != "POST") return method_not_allowed(method, path);
      if (Status s = allow_query({}); !s.ok()) return bad(s);
      return decide_proposal(c, parts[2], parts[3], request.body);
    }
  }
  if (noun == "bills") {
    if (parts.size() == 2) {
      *route = Route::kBillList;
      if (method != "GET") return method_not_allowed(method, path);
      if (Status s = allow_query({"month", "ddo", "treasury", "state", "page_size", "page_token"}); !s.ok()) return bad(s);
      return list_bills(c);
    }
    if (parts.size() == 6 || parts.size() == 7) {
      const std::string bill_id = parts[2] + "/" + parts[3] + "/" + parts[4] + "/" + parts[5];
      if (parts.size() == 6) {
        *route = Route::kBillGet;
        if (method != "GET") return method_not_allowed(method, path);
        if (Status s = allow_query({}); !s.ok()) return bad(s);
        return get_bill(c, bill_id);
      }
      const std::string& verb = parts[6];
      if (verb == "audit" && method == "GET") {
        *route = Route::kBillAudit;
        if (Status s = allow_query({"after", "limit"}); !s.ok()) return bad(s);
        return bill_audit(c, bill_id);
      }
      if (verb == "confirm" || verb == "pass" || verb == "object" || verb == "reject") {
        *route = Route::kBillAction;
        if (method != "POST") return method_not_allowed(method, path);
        if (Status s = allow_query({}); !s.ok()) return bad(s);
        return bill_action(c, bill_id, verb, request.body);
      }
    }
  }
  if (noun == "reports" && parts.size() == 3 && (parts[2] == "mismatches" || parts[2] == "stopped")) {
    *route = parts[2] == "mismatches" ? Route::kMismatches : Route::kStopped;
    if (method != "GET") return method_not_allowed(method, path);
    if (Status s = allow_query({"month", "ddo", "treasury", "reason", "page_size", "page_token"}); !s.ok()) {
      return bad(s);
    }
    return report(c, parts[2] == "mismatches");
  }
  if (noun == "runs") {
    if (Status s = allow_query({}); !s.ok()) return bad(s);
    if (parts.size() == 2) {
      if (method == "GET") {
        *route = Route::kRunList;
        return list_runs(c);
      }
      if (method == "POST") {
        *route = Route::kRunCreate;
        return create_run(c, request.body);
      }
      return method_not_allowed(method, path);
    }
    if (parts.size() == 3) {
      *route = Route::kRunGet;
      if (method != "GET") return method_not_allowed(method, path);
      return get_run(c, parts[2]);
    }
  }
  if (parts.size() == 2 && noun == "whatif") {
    *route = Route::kWhatIf;
    if (method != "POST") return method_not_allowed(method, path);
    if (Status s = allow_query({"month"}); !s.ok()) return bad(s);
    return post_whatif(c, request.body);
  }
  if (parts.size() == 2 && noun == "arrears") {
    *route = Route::kArrears;
    if (method != "POST") return method_not_allowed(method, path);
    if (Status s = allow_query({"ddo", "treasury", "page_size", "page_token"}); !s.ok()) return bad(s);
    return post_arrears(c, request.body);
  }
  return error_reply(404, "NOT_FOUND", "no route " + path);
}

}  // namespace vetan::serve
