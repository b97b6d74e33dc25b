#include "loaders/payment/csv_table.h"

#include <cstdint>
#include <filesystem>

#include "loaders/csv/csv_file.h"
#include "loaders/csv/csv_record.h"

namespace vetan {

size_t CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return SIZE_MAX;
}

Status read_csv_table(const std::string& path, const std::vector<std::string_view>& required,
                      bool missing_is_empty, CsvTable* table) {
  CsvTable t;
  std::error_code error;
  if (missing_is_empty && !std::filesystem::exists(path, error)) {
    for (std::string_view r : required) t.header.emplace_back(r);
    *table = std::move(t);
    return Status();
  }
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  const std::string_view data = file.data();
  CsvRecordReader reader;
  size_t position = 0, line = 0;
  while (reader.next(data, &position)) {
    ++line;
    if (reader.blank()) continue;
    std::vector<std::string> fields(reader.fields().begin(), reader.fields().end());
    if (t.header.empty()) {
      t.header = std::move(fields);
      for (std::string_view r : required) {
        if (t.column(r) == SIZE_MAX) {
          return Status::invalid_argument(path + ": line " + std::to_string(line) +
                                          ": no column '" + std::string(r) + "'");
        }
      }
      continue;
    }
    if (fields.size() != t.header.size()) {
      return Status::invalid_argument(path + ": line " + std::to_string(line) + ": " +
                                      std::to_string(fields.size()) + " fields, the header has " +
                                      std::to_string(t.header.size()));
    }
    t.rows.push_back(std::move(fields));
    t.lines.push_back(line);
  }
  if (t.header.empty()) return Status::invalid_argument(path + ": no header");
  *table = std::move(t);
  return Status();
}

}  // namespace vetan
