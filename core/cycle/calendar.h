// The calendar windows of the monthly cycle (profile.md `calendar`, README "REST"): on which
// days of the month (IST) each kind of change is open.
//
// Thread-safety: pure functions.
#pragma once

#include "core/common/status.h"
#include "core/profile/profile.h"

namespace vetan::cycle {

enum class Window {
  kMasterEdit,         // PATCH of master fields: calendar.master_edit
  kEmployeeProposals,  // filing deduction proposals: calendar.employee_proposals
  kDdoApproval,        // deciding proposals: calendar.ddo_approval
  kStopPayment,        // stopping a payment: days 1 .. calendar.stop_payment_until
  kOtherSalary,        // other salary requests: from calendar.other_salary_from
  kAutoRun,            // the automatic run: calendar.auto_run
};

// The first and last day of the month (1..31) the window is open.
void window_days(const Calendar& calendar, Window window, int* first, int* last);

// Ok when day `day` of the month is in the window; else a conflict (OUTSIDE_WINDOW) saying
// which days it is open and which day it is.
Status check_window(const Calendar& calendar, Window window, int day);

}  // namespace vetan::cycle
