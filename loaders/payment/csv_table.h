// A small CSV file read whole into rows of fields by column name: the payment folder's own
// files (manifest.csv, the advice files, failed.csv), which vetan wrote itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace vetan {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each with header.size() fields
  std::vector<size_t> lines;                   // each row's line in the file
  // Index of column `name`, or SIZE_MAX.
  size_t column(std::string_view name) const;
};

// Reads `path`; every name of `required` must be a column. A missing file reads as an empty
// table when `missing_is_empty`. Fails naming the file and line.
Status read_csv_table(const std::string& path, const std::vector<std::string_view>& required,
                      bool missing_is_empty, CsvTable* table);

}  // namespace vetan
