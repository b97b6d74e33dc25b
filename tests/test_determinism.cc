// rules §8: the output of a run does not depend on the number of threads, on how the file
// is split into chunks, or on the order of rows in the file (except the line numbers).
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "loaders/csv/csv_record.h"
#include "tests/test_support.h"

namespace vetan {
namespace {

using Files = std::map<std::string, std::string>;

Files outputs(std::string_view profile, std::string_view month, const std::string& csv,
              size_t threads = 0, const CsvLoadOptions& options = {}) {
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  threads);
  }
  auto run = test::run_csv(profile, month, csv, options);
  EXPECT_TRUE(run->ok());
  return test::run_output_files(*run);
}

// A CSV file's rows without `column`, one text per row (fields joined by a unit separator).
std::vector<std::string> rows_without(const std::string& text, const char* column) {
  const test::CsvFile f = test::parse_csv_text(text);
  const size_t skip = f.column(column);
  std::vector<std::string> rows;
  std::string header;
  for (size_t i = 0; i < f.header.size(); ++i) {
    if (i != skip) header += f.header[i] + "\x1f";
  }
  rows.push_back(header);
  for (const auto& r : f.rows) {
    std::string joined;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i != skip) joined += r[i] + "\x1f";
    }
    rows.push_back(joined);
  }
  return rows;
}

void expect_same_except_lines(const Files& a, const Files& b) {
  for (const char* name : {"bills.csv", "bill_heads.csv", "summary.json"}) {
    EXPECT_EQ(a.at(name), b.at(name)) << name;
  }
  // Payslips are sorted by employee_id: same order, only `line` differs.
  EXPECT_EQ(rows_without(a.at("payslips.csv"), "line"), rows_without(b.at("payslips.csv"), "line"));
  // Mismatches and stopped rows are sorted by line: compare them as sorted lists.
  for (const char* name : {"mismatches.csv", "stopped.csv"}) {
    auto x = rows_without(a.at(name), "line"), y = rows_without(b.at(name), "line");
    std::sort(x.begin() + 1, x.end());
    std::sort(y.begin() + 1, y.end());
    EXPECT_EQ(x, y) << name;
  }
}

// Splits a CSV text into its raw records (each with its line end), header first.
std::vector<std::string> raw_records(const std::string& csv) {
  CsvRecordReader reader;
  std::vector<std::string> records;
  size_t position = 0;
  while (true) {
    const size_t start = position;
    if (!reader.next(csv, &position)) break;
    std::string r = csv.substr(start, position - start);
    if (r.empty() || (r.back() != '\n' && r.back() != '\r')) r += "\n";
    records.push_back(std::move(r));
  }
  return records;
}

std::string shuffled(const std::string& csv, uint32_t seed) {
  std::vector<std::string> records = raw_records(csv);
  std::mt19937 rng(seed);
  std::shuffle(records.begin() + 1, records.end(), rng);
  std::string out;
  for (const std::string& r : records) out += r;
  return out;
}

class DeterminismRules8 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    csv_ = new std::string(test::synthetic_master(30000, 3, "2026-11", 0.05).csv());
  }
  static void TearDownTestSuite() {
    delete csv_;
    csv_ = nullptr;
  }
  static std::string* csv_;
};
std::string* DeterminismRules8::csv_ = nullptr;

TEST_F(DeterminismRules8, ThreadCountDoesNotMatter) {
  const Files one = outputs(test::mini_profile_json(), "2026-11", *csv_, 1);
  const Files two = outputs(test::mini_profile_json(), "2026-11", *csv_, 2);
  const Files all = outputs(test::mini_profile_json(), "2026-11", *csv_);
  EXPECT_GT(one.at("payslips.csv").size(), 1000000u);
  for (const auto& [name, text] : one) {
    EXPECT_EQ(text, two.at(name)) << name << " differs with 2 threads";
    EXPECT_EQ(text, all.at(name)) << name << " differs with all threads";
  }
}

TEST_F(DeterminismRules8, ChunkingDoesNotMatter) {
  const Files reference = outputs(test::mini_profile_json(), "2026-11", *csv_);
  for (size_t chunk : {size_t(4096), size_t(65536), size_t(1) << 20}) {
    CsvLoadOptions options;
    options.chunk_bytes = chunk;
    const Files other = outputs(test::mini_profile_json(), "2026-11", *csv_, 0, options);
    for (const auto& [name, text] : reference) {
      EXPECT_EQ(text, other.at(name)) << name << " differs with chunk_bytes " << chunk;
    }
  }
}

TEST_F(DeterminismRules8, RowOrderChangesOnlyLineNumbers) {
  const Files reference = outputs(test::mini_profile_json(), "2026-11", *csv_);
  for (uint32_t seed : {1u, 2u}) {
    SCOPED_TRACE("shuffle seed " + std::to_string(seed));
    const std::string other_csv = shuffled(*csv_, seed);
    ASSERT_NE(other_csv, *csv_);
    const Files other = outputs(test::mini_profile_json(), "2026-11", other_csv, 1);
    expect_same_except_lines(reference, other);
    // The line numbers did change.
    EXPECT_NE(reference.at("payslips.csv"), other.at("payslips.csv"));
  }
}

TEST(DeterminismRules8Cases, ConformanceCasesShuffled) {
  if (!test::have_conformance_kit())
    GTEST_SKIP() << "conformance kit absent: " << test::conformance_dir();
  for (const auto& entry :
       std::filesystem::directory_iterator(test::conformance_dir() + "/cases")) {
    const std::string dir = entry.path().string();
    if (!std::filesystem::exists(dir + "/employees.csv")) continue;
    SCOPED_TRACE(dir);
    std::string month = test::read_text(dir + "/month");
    while (!month.empty() && (month.back() == '\n' || month.back() == ' ')) month.pop_back();
    const std::string profile = test::read_text(dir + "/profile.json");
    const std::string csv = test::read_text(dir + "/employees.csv");
    const Files reference = outputs(profile, month, csv, 1);
    expect_same_except_lines(reference, outputs(profile, month, shuffled(csv, 9)));
  }
}

}  // namespace
}  // namespace vetan
