// vetan generate: placeholder until the generator lands.
#include <cstdio>

#include "api/commands.h"

namespace vetan {

int generate_command(const Arguments&) {
  std::fputs("vetan generate: not built yet\n", stderr);
  return kExitFailed;
}

}  // namespace vetan
