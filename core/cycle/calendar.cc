#include "core/cycle/calendar.h"

#include <string>

#include "core/cycle/errors.h"

namespace vetan::cycle {

namespace {
const char* const kWindowNames[] = {"master-data editing is", "deduction proposals are", "DDO approval is",
                                    "stopping payment is", "other salary requests are", "the automatic run is"};
}  // namespace

void window_days(const Calendar& c, Window window, int* first, int* last) {
  *first = 1;
  *last = 31;
  switch (window) {
    case Window::kMasterEdit: *first = c.master_edit[0], *last = c.master_edit[1]; break;
    case Window::kEmployeeProposals: *first = c.employee_proposals[0], *last = c.employee_proposals[1]; break;
    case Window::kDdoApproval: *first = c.ddo_approval[0], *last = c.ddo_approval[1]; break;
    case Window::kStopPayment: *last = c.stop_payment_until; break;
    case Window::kOtherSalary: *first = c.other_salary_from; break;
    case Window::kAutoRun: *first = c.auto_run[0], *last = c.auto_run[1]; break;
  }
}

Status check_window(const Calendar& calendar, Window window, int day) {
  int first, last;
  window_days(calendar, window, &first, &last);
  if (day >= first && day <= last) return Status();
  const std::string name = kWindowNames[int(window)];
  const std::string days = last >= 31 ? "from day " + std::to_string(first)
                                      : "on days " + std::to_string(first) + "–" + std::to_string(last);
  return cycle_error(ErrorKind::kOutsideWindow, name + " open " + days + " of the month; today is day " +
                                                    std::to_string(day));
}

}  // namespace vetan::cycle
