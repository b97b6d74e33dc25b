// Reads what `vetan pay` pays from a run folder (docs/outputs.md): payslips.csv (the bill,
// employee, name, account, IFSC and net of each PAID row) and bills.csv (each bill's
// employees and net, to check the payslips against). Columns are found by name.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/money.h"
#include "core/common/status.h"
#include "loaders/csv/csv_file.h"

namespace vetan {

// The payslips, as columns in file order (record k is line k + 2 of payslips.csv). The
// views point into the mapped file or into `quoted` (fields that were quoted).
struct RunCredits {
  std::vector<std::string_view> bill_id, employee_id, name, bank_account, ifsc;
  std::vector<uint32_t> file_line;  // the payslip's line in payslips.csv
  std::vector<Money> net;
  std::deque<std::string> quoted;
  MappedFile file;
  size_t size() const { return net.size(); }
};

// Fails naming the file, line and column: a missing column, a record with another number
// of fields than the header, a net that is not a whole number of rupees.
Status read_run_credits(const std::string& path, RunCredits* credits);

struct RunBill {
  std::string bill_id, month, treasury_code, ddo_code;
  int64_t employees = 0;
  Money net = 0;
};

// bills.csv, in file order.
Status read_run_bills(const std::string& path, std::vector<RunBill>* bills);

}  // namespace vetan
