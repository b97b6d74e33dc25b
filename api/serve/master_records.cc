#include "api/serve/master_records.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "api/serve/crypto.h"
#include "core/table/employee_table.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan::serve {

Status MasterRecords::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
  // Read straight into one string of the file's size (no second copy of a large master).
  std::string bytes;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    bytes.resize(size_t(size));
    in.read(bytes.data(), size);
    if (in.gcount() != size) return Status::io_error(path + ": cannot read");
  }
  if (in.bad()) return Status::io_error(path + ": cannot read");
  return load_bytes(std::move(bytes), path);
}

Status MasterRecords::index(std::string bytes, std::shared_ptr<Base>* out,
                            std::vector<std::string>* header) const {
  const std::string& name = name_;
  auto base = std::make_shared<Base>();
  base->bytes = std::move(bytes);
  header->clear();
  const std::string& data = base->bytes;
  size_t position = 0;
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) position = 3;
  CsvRecordReader reader;
  bool have_header = false;
  for (size_t begin = position; reader.next(data, &position); begin = position) {
    if (reader.blank()) continue;
    if (!have_header) {
      for (std::string_view f : reader.fields()) header->emplace_back(trim(f));
      base->header_end = position;
      have_header = true;
      continue;
    }
    base->records.emplace_back(begin, position);
  }
  if (!have_header) return Status::invalid_argument(name + ": no header");
  auto table = std::make_shared<EmployeeTable>();
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes_;
  if (Status s = parse_employees_csv(base->bytes, name, table.get(), options); !s.ok()) return s;
  if (table->rows != base->records.size()) {
    // Not expected (the loader and the records agree on what a record is): the master as
    // runs have always read it, its records rewritten.
    if (Status s = parse_employees_csv(snapshot_of(*base, {}), name, table.get(), options); !s.ok()) return s;
    if (table->rows != base->records.size()) {
      return Status::invalid_argument(name + ": " + std::to_string(table->rows) + " rows read, " +
                                      std::to_string(base->records.size()) + " records found");
    }
  }
  base->table = std::move(table);
  base->deduction_codes = deduction_codes_;
  *out = std::move(base);
  return Status();
}

Status MasterRecords::load_bytes(std::string bytes, const std::string& name) {
  fingerprint_ = sha256_hex(bytes);
  name_ = name;
  changed_.clear();
  frozen_.reset();
  std::shared_ptr<Base> base;
  std::vector<std::string> header;
  if (Status s = index(std::move(bytes), &base, &header); !s.ok()) return s;
  base_ = std::move(base);
  header_ = std::move(header);
  return Status();
}

Status MasterRecords::rebase(std::string bytes) {
  std::shared_ptr<Base> base;
  std::vector<std::string> header;
  if (Status s = index(std::move(bytes), &base, &header); !s.ok()) return s;
  if (base->records.size() != base_->records.size()) {
    return Status::invalid_argument("the next master has " + std::to_string(base->records.size()) +
                                    " records, the master " + std::to_string(base_->records.size()));
  }
  base_ = std::move(base);
  header_ = std::move(header);
  changed_.clear();
  frozen_.reset();
  return Status();
}

int MasterRecords::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return int(i);
  }
  return -1;
}

std::vector<std::string> MasterRecords::fields(size_t row) const {
  auto it = changed_.find(uint32_t(row));
  if (it != changed_.end()) return it->second.fields;
  const auto [begin, end] = base_->records[row];
  const std::string_view record(base_->bytes.data() + begin, end - begin);
  CsvRecordReader reader;
  size_t position = 0;
  std::vector<std::string> out;
  if (reader.next(record, &position)) {
    for (std::string_view f : reader.fields()) out.emplace_back(f);
  }
  return out;
}

void MasterRecords::set_field(size_t row, int column, std::string value) {
  auto it = changed_.find(uint32_t(row));
  if (it == changed_.end()) it = changed_.emplace(uint32_t(row), Change{fields(row), nullptr, false}).first;
  std::vector<std::string>& f = it->second.fields;
  if (size_t(column) >= f.size()) f.resize(size_t(column) + 1);
  f[size_t(column)] = std::move(value);
  it->second.row.reset();
  it->second.typed = false;
  frozen_.reset();
}

std::shared_ptr<const MasterRecords::Changes> MasterRecords::frozen_changes() {
  if (frozen_) return frozen_;
  for (auto& [row, change] : changed_) {
    if (change.typed) continue;
    EmployeeTable one;
    if (parse_row_with(change.fields, base_->deduction_codes, &one).ok()) {
      change.row = std::make_shared<const EmployeeRow>(one.row(0));
    }
    change.typed = true;
  }
  frozen_ = std::make_shared<const Changes>(changed_);
  return frozen_;
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
  return out;
}

Status MasterRecords::parse_row(const std::vector<std::string>& fields, EmployeeTable* table) const {
  return parse_row_with(fields, deduction_codes_, table);
}

Status MasterRecords::parse_row_with(const std::vector<std::string>& fields, const std::vector<std::string>& codes,
                                     EmployeeTable* table) const {
  std::string csv(base_->bytes.data(), base_->header_end);
  if (!csv.empty() && csv.back() != '\n' && csv.back() != '\r') csv += '\n';
  csv += csv_record(fields);
  CsvLoadOptions options;
  options.deduction_codes = codes;
  if (Status s = parse_employees_csv(csv, name_, table, options); !s.ok()) return s;
  if (table->rows != 1) return Status::invalid_argument("the record does not read as one row");
  return Status();
}

std::string MasterRecords::check_row(const std::vector<std::string>& fields) const {
  EmployeeTable table;
  if (Status s = parse_row(fields, &table); !s.ok()) return s.message();
  if (table.is_readable(0)) return "";
  return table.problems.empty() ? "unreadable" : table.problems[0].text;
}

std::string MasterRecords::snapshot() const { return snapshot_of(changed_); }

std::string MasterRecords::snapshot_of(const Base& base, const Changes& changed) {
  std::string out;
  out.reserve(base.bytes.size() + changed.size() * 64 + 1);
  out.append(base.bytes.data(), base.header_end);
  if (!out.empty() && out.back() != '\n' && out.back() != '\r') out += '\n';
  for (size_t row = 0; row < base.records.size(); ++row) {
    auto it = changed.find(uint32_t(row));
    if (it != changed.end()) {
      out += csv_record(it->second.fields);
      continue;
    }
    const auto [begin, end] = base.records[row];
    out.append(base.bytes.data() + begin, end - begin);
    if (out.back() != '\n' && out.back() != '\r') out += '\n';
  }
  return out;
}

}  // namespace vetan::serve

namespace vetan::serve {

Status MasterRecords::table_of(const Base& base, const Changes& changes,
                               const std::vector<std::string>& deduction_codes, const std::string& name,
                               EmployeeTable* table) {
  bool typed = base.table != nullptr && deduction_codes == base.deduction_codes;
  std::vector<std::pair<uint32_t, const EmployeeRow*>> rows;
  if (typed) {
    rows.reserve(changes.size());
    for (const auto& [row, change] : changes) {
      if (change.row == nullptr || row >= base.records.size()) {
        typed = false;
        break;
      }
      rows.emplace_back(row, change.row.get());
    }
  }
  if (typed) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return EmployeeTable::with_rows(*base.table, rows, table);
  }
  CsvLoadOptions load;
  load.deduction_codes = deduction_codes;
  return parse_employees_csv(snapshot_of(base, changes), name, table, load);
}

}  // namespace vetan::serve
