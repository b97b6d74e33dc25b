// The web console's files (issue 11 §1), embedded at build time: web/build.py writes the
// table from web/src/ (web_assets.cc in the build folder). Each is served as its path.
//
// Thread-safety: immutable.
#pragma once

#include <cstddef>
#include <vector>

namespace vetan::serve {

struct WebAsset {
  const char* path;          // "/assets/app.js"
  const char* content_type;  // "text/javascript; charset=utf-8"
  const char* etag;          // strong, quoted: the SHA-256 of the bytes, 32 hex digits
  const unsigned char* data;
  size_t size;
  const unsigned char* gzip;  // the same bytes gzipped (level 9, mtime 0)
  size_t gzip_size;
};

// In path order.
const std::vector<WebAsset>& web_assets();

}  // namespace vetan::serve
