// Metrics in Prometheus text format (issue 3 §4): requests and latencies by route, run
// durations, and rows per fate of each month's last run.
//
// Thread-safety: record_* use atomics; call them from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace vetan::serve {

// Route names, the `route` label.
enum class Route : int {
  kHealthz, kMetrics, kEmployeeGet, kEmployeePatch, kEmployeeStop, kEmployeeRelease,
  kEmployeeAudit, kPayslip, kProposalCreate, kProposalList, kProposalDecide, kBillList, kBillGet,
  kBillAction, kBillAudit, kMismatches, kStopped, kRunList, kRunGet, kRunCreate, kWhatIf, kArrears, kOtherSalary, kDdoGet, kDdoAudit, kOpenApi, kSession, kStatic, kAdminRollout, kGpf, kPf9, kRecovery, kOther,
  kCount
};
const char* route_name(Route route);

class Metrics {
 public:
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0};
  void record_request(Route route, int status, double seconds);
  void record_run(double seconds, bool completed);
  // Appends the request and run metrics.
  void render(std::string* out) const;

 private:
  static constexpr int kRoutes = int(Route::kCount);
  static constexpr int kClasses = 5;  // 1xx .. 5xx
  std::array<std::array<std::atomic<uint64_t>, kClasses>, kRoutes> requests_{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kRoutes> latency_{};
  std::array<std::atomic<uint64_t>, kRoutes> latency_micros_sum_{};
  std::array<std::atomic<uint64_t>, 2> runs_{};  // failed, completed
  std::atomic<uint64_t> run_millis_sum_{0};
};

}  // namespace vetan::serve
