// The data folder's lock (issue 9 §2): one server per data folder, whichever store it uses.
// DIR/vetan.lock is held with an exclusive flock for the server's life and names its holder.
#pragma once

#include <string>

#include "core/common/status.h"

namespace vetan::serve {

// Creates `folder` when missing and locks DIR/vetan.lock, writing who holds it; *fd is the
// lock's descriptor (closing it releases the folder). A conflict DATA_FOLDER_LOCKED naming the
// holder when another process holds it; an I/O error naming the file when it cannot be made.
Status lock_data_folder(const std::string& folder, int* fd);

}  // namespace vetan::serve
