// libFuzzer target: request-body parsing of vetan serve (parse_body). Build with clang:
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DVETAN_FUZZ=ON
//   ninja -C build-fuzz vetan_fuzz_request_body && build-fuzz/tests/serve/vetan_fuzz_request_body -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/serve/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  vetan::serve::JsonBody parsed;
  const vetan::Status s = vetan::serve::parse_body(body, {"lwp_days", "otp", "reason", "month", "wait", "name"}, &parsed);
  if (s.ok() && parsed.size() > vetan::serve::kMaxBodyFields) __builtin_trap();
  if (!s.ok() && s.message().empty()) __builtin_trap();
  return 0;
}
