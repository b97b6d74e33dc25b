// vetan generate: a realistic synthetic employee master (CSV, docs/input.md).
#include <fcntl.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "api/commands.h"
#include "api/flags.h"
#include "core/profile/profile.h"
#include "loaders/generate/master_generator.h"

namespace vetan {


namespace {

const char kGenerateHelp[] =
    "usage: vetan generate --profile PROFILE.json --rows N --month YYYY-MM\n"
    "                      [--seed S] [--faults RATE] [--out FILE] [--threads N]\n"
    "\n"
    "Writes a realistic synthetic employee master (CSV; its columns in docs/input.md) for the\n"
    "month: pay levels, cells and basic pay from the profile's matrix in force, GPF\n"
    "subscriptions at or above the minimum, financial-year figures in step with each row's\n"
    "pay. The same flags give the same bytes whatever the number of threads.\n"
    "\n"
    "  --profile  the state's rules as JSON (docs/profile.md)\n"
    "  --rows     how many employees, 1 to 100000000\n"
    "  --month    the month the master is for, YYYY-MM\n"
    "  --seed     the random seed, a whole number (default 1)\n"
    "  --faults   the share of rows, 0 to 1, that carry one planted problem (every mismatch\n"
    "             reason of docs/mismatches.md and unreadable rows; default 0)\n"
    "  --out      the file to write (default: standard output); written whole or not at all\n"
    "  --threads  worker threads (default: all cores); the output never depends on it\n"
    "\n"
    "Exit 0 when the master was written; exit 2 with one line on stderr when it cannot start\n"
    "(a flag missing or malformed, the profile unreadable or invalid, no pay matrix in force\n"
    "for the month); exit 1 when writing fails.\n";

int refuse(const std::string& message) {
  std::fprintf(stderr, "vetan generate: %s\n", message.c_str());
  return kExitRefused;
}

// A share in [0, 1]: "0", "0.03", "1", ...
bool parse_rate(const std::string& text, double* out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!(c >= '0' && c <= '9') && c != '.') return false;
  }
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return false;
  if (!(v >= 0.0 && v <= 1.0)) return false;
  *out = v;
  return true;
}

Status write_all(int fd, std::string_view bytes, const std::string& name) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::io_error(name + ": cannot write (" + std::strerror(errno) + ")");
    bytes.remove_prefix(size_t(n));
  }
  return Status();
}

}  // namespace

int generate_command(const Arguments& args) {
  Flags flags({"profile", "rows", "month", "seed", "faults", "out", "threads"}, {"help"});
  if (Status s = flags.parse(args); !s.ok()) return refuse(s.message());
  if (flags.has("help")) {
    std::fputs(kGenerateHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "rows", "month"}); !s.ok()) return refuse(s.message());

  GeneratorOptions options;
  long long number = 0;
  if (!parse_count(flags.get("rows"), 1, 100000000, &number)) {
    return refuse("--rows '" + flags.get("rows") + "' is not a number of rows from 1 to 100000000");
  }
  options.rows = uint64_t(number);
  if (!parse_month(flags.get("month"), &options.month)) {
    return refuse("--month '" + flags.get("month") + "' is not YYYY-MM");
  }
  if (flags.has("seed")) {
    if (!parse_count(flags.get("seed"), 0, 999999999999999999LL, &number)) {
      return refuse("--seed '" + flags.get("seed") + "' is not a whole number");
    }
    options.seed = uint64_t(number);
  }
  if (flags.has("faults") && !parse_rate(flags.get("faults"), &options.fault_rate)) {
    return refuse("--faults '" + flags.get("faults") + "' is not a share from 0 to 1");
  }
  long long threads = tbb::info::default_concurrency();
  if (flags.has("threads") && !parse_count(flags.get("threads"), 1, 4096, &threads)) {
    return refuse("--threads '" + flags.get("threads") + "' is not a number of threads");
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));

  const std::string profile_path = flags.get("profile");
  std::string json;
  if (Status s = read_file(profile_path, &json); !s.ok()) return refuse(s.message());
  Profile profile;
  if (Status s = parse_profile(json, &profile); !s.ok())
    return refuse(profile_path + ": " + s.message());

  // Standard output, or a temporary file beside --out renamed over it at the end.
  const bool to_file = flags.has("out");
  const std::string out = flags.get("out");
  const std::string temporary = out + ".tmp-" + std::to_string(::getpid());
  int fd = STDOUT_FILENO;
  if (to_file) {
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return refuse(out + ": cannot write (" + std::strerror(errno) + ")");
  }
  const std::string name = to_file ? out : std::string("standard output");
  Status status = generate_master(
      profile, options, [fd, &name](std::string_view piece) { return write_all(fd, piece, name); });
  if (to_file) {
    if (::close(fd) != 0 && status.ok()) {
      status = Status::io_error(out + ": cannot write (" + std::strerror(errno) + ")");
    }
    if (status.ok() && ::rename(temporary.c_str(), out.c_str()) != 0) {
      status = Status::io_error(out + ": cannot write (" + std::strerror(errno) + ")");
    }
    if (!status.ok()) ::unlink(temporary.c_str());
  }
  if (!status.ok()) {
    // Bad input (the flags are checked above, so the profile: nothing in force) or a write.
    if (status.code() == Status::Code::kInvalidArgument)
      return refuse(profile_path + ": " + status.message());
    std::fprintf(stderr, "vetan generate: %s\n", status.message().c_str());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace vetan
