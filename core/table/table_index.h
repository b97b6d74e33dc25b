// TableIndex: what a loaded table says about itself, independent of profile and month,
// computed once and shared by every run that reads the table: the text checks and the
// duplicate marks of rules §2, payslip order (by employee_id) and bill grouping (§7).
//
// Thread-safety: immutable after build_table_index; read it from any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/table/employee_table.h"

namespace vetan {

// Bits of TableIndex::checks.
enum RowCheck : uint8_t {
  kPanValid = 1 << 0,
  kBankAccountValid = 1 << 1,
  kIfscValid = 1 << 2,
  kPranValid = 1 << 3,
  kGpfAccountPresent = 1 << 4,
  kDuplicateEmployeeId = 1 << 5,    // rules §2 step 1 (readable rows only)
  kDuplicateBankAccount = 1 << 6,   // rules §2 step 3
};

// One bill key (treasury_code, ddo_code, bill_group) of rules §7.
struct BillKey {
  Dictionary::Code treasury_code;
  Dictionary::Code ddo_code;
  Dictionary::Code bill_group;
  std::string id_suffix;  // "treasury/ddo/group": the bill id without "YYYY-MM/"
};

struct TableIndex {
  std::vector<uint8_t> checks;  // RowCheck bits, per row

  // Readable rows sorted by employee_id bytes (payslip order, formats.md).
  std::vector<uint32_t> rows_by_employee_id;

  // Bills sorted by id; readable rows grouped by bill, then budget_head, then fund_type,
  // each group's rows in file order. Bill b's rows are
  // rows_by_bill[bill_begin[b] .. bill_begin[b + 1]).
  std::vector<BillKey> bills;
  std::vector<uint32_t> rows_by_bill;
  std::vector<uint32_t> bill_begin;
  std::vector<uint32_t> bill_of_row;       // by row: its bill (readable rows only)
  std::vector<uint32_t> budget_head_rank;  // by budget_head code: byte order rank
};

// Builds the index of `table` (in parallel with TBB).
TableIndex build_table_index(const EmployeeTable& table);

}  // namespace vetan
