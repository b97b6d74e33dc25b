#include "bench/bench_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "loaders/csv/csv_loader.h"
#include "loaders/generate/master_generator.h"

// Same allocator settings as the vetan executable (api/main.cc): huge pages, no decay.
extern "C" {
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}

namespace vetan::bench {
namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(2);
}

}  // namespace

const Profile& bench_profile() {
  static const Profile profile = [] {
    std::ifstream in(VETAN_SOURCE_DIR "/profiles/central-7cpc.json");
    std::stringstream text;
    text << in.rdbuf();
    Profile p;
    if (Status s = parse_profile(text.str(), &p); !s.ok()) die(s.message());
    return p;
  }();
  return profile;
}

CsvLoadOptions bench_load_options() {
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes(bench_profile());
  return options;
}

const std::string& bench_csv(size_t rows) {
  static std::map<size_t, std::unique_ptr<std::string>> cache;
  auto& slot = cache[rows];
  if (!slot) {
    slot = std::make_unique<std::string>();
    GeneratorOptions options;
    options.rows = rows;
    options.seed = 42;
    options.month = kBenchMonth;
    options.fault_rate = 0.02;
    if (Status s = generate_master_csv(bench_profile(), options, slot.get()); !s.ok()) {
      die(s.message());
    }
  }
  return *slot;
}

const LoadedMaster& bench_master(size_t rows) {
  static std::map<size_t, std::unique_ptr<LoadedMaster>> cache;
  auto& slot = cache[rows];
  if (!slot) {
    slot = std::make_unique<LoadedMaster>();
    if (Status s = parse_employees_csv(bench_csv(rows), "bench", &slot->table, bench_load_options()); !s.ok()) {
      die(s.message());
    }
    slot->index = build_table_index(slot->table);
  }
  return *slot;
}

}  // namespace vetan::bench
