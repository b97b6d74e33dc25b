// HttpServer: HTTP/1.1 with keep-alive over Boost.Beast, answering with Service::handle.
// Hostile input is refused before the service sees it: a header block over
// `header_limit` bytes gets 431, a body over `body_limit` 413 (`large_body_limit` for POST
// /v1/whatif and /v1/arrears, whose bodies hold scenario lists and whole profiles), a
// malformed request 400, a client slower than `read_timeout` loses its connection. A
// Transfer-Encoding other than chunked gets 400 and the connection closed; `Expect:
// 100-continue` is answered before the body is read (not when the body is over its limit:
// then 413); beyond `max_connections` open connections a new one gets 503 and is closed;
// when descriptors run out, accepting backs off (up to 1 s) instead of spinning.
//
// Thread-safety: run() blocks on `threads` I/O threads; stop() may be called from any
// thread (and SIGTERM/SIGINT call it when handle_signals is set): the listener closes,
// idle connections close, requests in flight finish, then run() returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/serve/service.h"
#include "core/common/status.h"

namespace vetan::serve {

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see HttpServer::port())
  int threads = 2;
  size_t header_limit = 8 * 1024;
  size_t body_limit = 64 * 1024;
  size_t large_body_limit = 1024 * 1024;  // POST /v1/whatif and /v1/arrears (never below body_limit)
  std::chrono::milliseconds read_timeout{10000};
  size_t max_connections = 1024;
  bool handle_signals = false;
};

class HttpServer {
 public:
  HttpServer(Service* service, HttpOptions options);
  ~HttpServer();
  // Binds and listens. Fails with a message naming the address.
  Status listen();
  // The port bound by listen().
  uint16_t port() const;
  // Serves until stop().
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "host:port". Fails on anything else.
Status parse_listen_address(const std::string& text, std::string* host, uint16_t* port);

}  // namespace vetan::serve
