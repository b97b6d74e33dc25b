// Flags of the form --name VALUE or --name=VALUE, with clear errors for unknown, missing
// or repeated flags.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/commands.h"
#include "core/common/status.h"

namespace vetan {

class Flags {
 public:
  // `valued` take a value; `switches` take none; `repeated` take a value and may be given
  // more than once (read them with get_all).
  Flags(std::set<std::string> valued, std::set<std::string> switches,
        std::set<std::string> repeated = {})
      : valued_(std::move(valued)), switches_(std::move(switches)), repeated_(std::move(repeated)) {}

  Status parse(const Arguments& args) {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string arg = args[i];
      if (arg.rfind("--", 0) != 0) return Status::invalid_argument("unexpected argument '" + arg + "'");
      std::string name = arg.substr(2), value;
      const size_t eq = name.find('=');
      const bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (switches_.count(name) && !inline_value) {
        switched_.insert(name);
        continue;
      }
      if (!valued_.count(name) && !repeated_.count(name)) {
        return Status::invalid_argument("unknown flag '--" + name + "'");
      }
      if (!inline_value) {
        if (i + 1 >= args.size()) return Status::invalid_argument("flag '--" + name + "' needs a value");
        value = args[++i];
      }
      if (repeated_.count(name)) {
        if (!values_.count(name)) values_[name] = value;
        all_[name].push_back(value);
        continue;
      }
      if (values_.count(name)) return Status::invalid_argument("flag '--" + name + "' is given twice");
      values_[name] = value;
    }
    return Status();
  }
  bool has(const std::string& name) const { return values_.count(name) || switched_.count(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  std::vector<std::string> get_all(const std::string& name) const {
    auto it = all_.find(name);
    return it == all_.end() ? std::vector<std::string>() : it->second;
  }
  Status require(std::initializer_list<const char*> names) const {
    for (const char* n : names) {
      if (!values_.count(n)) return Status::invalid_argument(std::string("missing flag '--") + n + "'");
    }
    return Status();
  }

 private:
  std::set<std::string> valued_, switches_, repeated_, switched_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> all_;
};

// Parses a whole number flag in [minimum, maximum].
inline bool parse_count(const std::string& text, long long minimum, long long maximum, long long* out) {
  if (text.empty() || text.size() > 18) return false;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < minimum || v > maximum) return false;
  *out = v;
  return true;
}

}  // namespace vetan
