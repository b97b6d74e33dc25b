#include "api/serve/metrics.h"

#include <cstdio>

namespace vetan::serve {

const char* route_name(Route route) {
  static const char* const kNames[] = {
      "healthz",         "metrics",        "employee_get",     "employee_patch", "employee_stop",
      "employee_release", "employee_audit", "payslip",         "proposal_create", "proposal_list",
      "proposal_decide", "bill_list",      "bill_get",         "bill_action",    "bill_audit",
      "mismatches",      "stopped",        "run_list",         "run_get",        "run_create",
      "whatif",          "arrears",        "other_salary",     "ddo_get",        "ddo_audit",
      "openapi",         "session",        "static",           "admin_rollout",    "gpf",
      "pf9",             "recovery",       "other"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == size_t(Route::kCount));
  return kNames[int(route)];
}

void Metrics::record_request(Route route, int status, double seconds) {
  const int r = int(route);
  int cls = status / 100 - 1;
  if (cls < 0 || cls >= kClasses) cls = kClasses - 1;
  requests_[r][cls].fetch_add(1, std::memory_order_relaxed);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_[r][bucket].fetch_add(1, std::memory_order_relaxed);
  latency_micros_sum_[r].fetch_add(uint64_t(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::record_run(double seconds, bool completed) {
  runs_[completed ? 1 : 0].fetch_add(1);
  run_millis_sum_.fetch_add(uint64_t(seconds * 1e3));
}

void Metrics::render(std::string* out) const {
  char line[1024];
  *out += "# HELP vetan_http_requests_total HTTP requests by route and status class.\n"
          "# TYPE vetan_http_requests_total counter\n";
  for (int r = 0; r < kRoutes; ++r) {
    for (int c = 0; c < kClasses; ++c) {
      const uint64_t n = requests_[r][c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::snprintf(line, sizeof line, "vetan_http_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n",
                    route_name(Route(r)), c + 1, (unsigned long long)n);
      *out += line;
    }
  }
  *out += "# HELP vetan_http_request_duration_seconds Time to handle a request, by route.\n"
          "# TYPE vetan_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRoutes; ++r) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) cumulative += latency_[r][b].load(std::memory_order_relaxed);
    if (cumulative == 0) continue;
    const char* name = route_name(Route(r));
    uint64_t running = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      running += latency_[r][b].load(std::memory_order_relaxed);
      if (b < kBuckets.size()) {
        std::snprintf(line, sizeof line,
                      "vetan_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", name,
                      kBuckets[b], (unsigned long long)running);
      } else {
        std::snprintf(line, sizeof line,
                      "vetan_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name,
                      (unsigned long long)running);
      }
      *out += line;
    }
    std::snprintf(line, sizeof line, "vetan_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                  double(latency_micros_sum_[r].load(std::memory_order_relaxed)) / 1e6);
    *out += line;
    std::snprintf(line, sizeof line, "vetan_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name,
                  (unsigned long long)running);
    *out += line;
  }
  std::snprintf(line, sizeof line,
                "# HELP vetan_runs_total Monthly runs finished, by outcome.\n"
                "# TYPE vetan_runs_total counter\n"
                "vetan_runs_total{outcome=\"completed\"} %llu\nvetan_runs_total{outcome=\"failed\"} %llu\n"
                "# HELP vetan_run_duration_seconds_sum Total time spent in runs.\n"
                "# TYPE vetan_run_duration_seconds_sum counter\n"
                "vetan_run_duration_seconds_sum %.3f\n",
                (unsigned long long)runs_[1].load(), (unsigned long long)runs_[0].load(),
                double(run_millis_sum_.load()) / 1e3);
  *out += line;
}

}  // namespace vetan::serve
