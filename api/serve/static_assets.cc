// The web console's files (issue 11 §1): GET / is index.html, GET /assets/<path> the files of
// web/src/, embedded in the binary (web_assets.h). Each reply has its Content-Type, a strong
// ETag with `Cache-Control: no-cache` (a browser revalidates and gets 304 while the file is
// the same), the gzip form when the client accepts it, and a Content-Security-Policy that
// allows only this origin's scripts, styles and requests (no inline script, no frames).
#include <algorithm>

#include "api/serve/service.h"
#include "api/serve/web_assets.h"

namespace vetan::serve {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const WebAsset* find_asset(std::string_view path) {
  const std::vector<WebAsset>& all = web_assets();
  auto it = std::lower_bound(all.begin(), all.end(), path,
                             [](const WebAsset& a, std::string_view p) { return std::string_view(a.path) < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

// True when the If-None-Match list names `etag` (or is "*").
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = std::min(header.find(','), header.size());
    std::string_view tag = header.substr(0, comma);
    header.remove_prefix(std::min(comma + 1, header.size()));
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    if (tag == etag || tag == "*") return true;
  }
  return false;
}

}  // namespace

std::optional<Reply> Service::serve_static(const Request& request) {
  std::string_view path = request.target;
  path = path.substr(0, std::min(path.find('?'), path.size()));
  if (path != "/" && path.rfind("/assets/", 0) != 0) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    Reply r = error_reply(405, "METHOD_NOT_ALLOWED", request.method + " is not allowed on " + std::string(path));
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const WebAsset* asset = find_asset(path == "/" ? "/assets/index.html" : path);
  if (asset == nullptr) return error_reply(404, "NOT_FOUND", "no file " + std::string(path));
  Reply reply;
  reply.content_type = asset->content_type;
  reply.headers = {{"ETag", asset->etag},
                   {"Cache-Control", "no-cache"},
                   {"Vary", "Accept-Encoding"},
                   {"Content-Security-Policy", kContentSecurityPolicy},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"}};
  if (etag_matches(request.if_none_match, asset->etag)) {
    reply.status = 304;
    return reply;
  }
  const bool gzip = request.accept_encoding.find("gzip") != std::string::npos;
  if (gzip) {
    reply.body.assign(reinterpret_cast<const char*>(asset->gzip), asset->gzip_size);
    reply.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    reply.body.assign(reinterpret_cast<const char*>(asset->data), asset->size);
  }
  if (request.method == "HEAD") reply.body.clear();
  return reply;
}

}  // namespace vetan::serve
