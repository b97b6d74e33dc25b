#include "api/serve/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace vetan::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session;

// POST /v1/whatif and /v1/arrears carry scenario lists and whole profiles; a GPF ledger
// import, a PF-9 document upload and a bank's payment return (pain.002) carry files.
bool takes_large_body(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  const auto ends_with = [&](std::string_view tail) {
    return path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail;
  };
  return path == "/v1/whatif" || path == "/v1/arrears" || path == "/v1/gpf/ledger/import" ||
         (path.rfind("/v1/pf9/cases/", 0) == 0 && path.find("/documents/") != std::string_view::npos) ||
         (path.rfind("/v1/payments/", 0) == 0 && ends_with("/returns"));
}

struct Shared {
  Service* service;
  HttpOptions options;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared* shared) : stream_(std::move(socket)), shared_(shared) {}

  void start() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->sessions.insert(weak_from_this());
    }
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this()));
  }

  // Closes the connection if it is waiting for a request; otherwise it closes after the reply.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_ && self->buffer_.size() == 0) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.cancel();
      }
    });
  }

  ~Session() {
    std::lock_guard lock(shared_->mutex);
    shared_->sessions.erase(weak_from_this());
  }

 private:
  void read() {
    busy_ = false;
    if (shared_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(uint32_t(shared_->options.header_limit));
    // The parser checks Content-Length against its limit as the header ends, before the
    // route is known: it gets the larger limit, and on_header applies the route's.
    body_limit_ = std::max(shared_->options.body_limit, shared_->options.large_body_limit);
    parser_->body_limit(body_limit_);
    stream_.expires_after(shared_->options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // The header is in: the route's body limit (POST /v1/whatif and /v1/arrears take large
  // bodies), then the body.
  void on_header(beast::error_code ec, size_t bytes) {
    if (ec && ec != http::error::body_limit) return on_read(ec, bytes);
    const auto& req = parser_->get();  // complete when the limit was hit, at the header's end
    // RFC 9112 §6.1: a request's transfer coding must end in chunked; only chunked is known.
    if (auto te = req.find(http::field::transfer_encoding); te != req.end()) {
      std::string coding(te->value());
      for (char& c : coding) c = char(std::tolower(uint8_t(c)));
      if (coding != "chunked") {
        busy_ = true;
        return send_error(400, "BAD_REQUEST",
                          "Transfer-Encoding '" + std::string(te->value()) + "' is not supported (only chunked)");
      }
    }
    const std::string_view target(req.target().data(), req.target().size());
    if (!(req.method() == http::verb::post && takes_large_body(target))) {
      body_limit_ = shared_->options.body_limit;
      if (ec) return on_read(ec, bytes);
      const auto length = parser_->content_length();
      if (length && *length > body_limit_) return on_read(http::error::body_limit, bytes);
      parser_->body_limit(body_limit_);  // a chunked body is counted as it comes
    }
    if (ec) return on_read(ec, bytes);
    if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      // RFC 9110 §10.1.1: tell the client to send the body.
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code error, size_t) {
        if (error) return self->close();
        http::async_read(self->stream_, self->buffer_, *self->parser_,
                         beast::bind_front_handler(&Session::on_read, self));
      });
    }
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return close();
    }
    busy_ = true;
    if (ec == http::error::body_limit) {
      return send_error(413, "BODY_TOO_LARGE",
                        "the body is larger than " + std::to_string(body_limit_) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return send_error(431, "HEADERS_TOO_LARGE",
                        "the header block is larger than " + std::to_string(shared_->options.header_limit) + " bytes");
    }
    if (ec) return send_error(400, "BAD_REQUEST", "malformed HTTP request (" + ec.message() + ")");
    const auto& req = parser_->get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.body = req.body();
    request.cookie = std::string(req[http::field::cookie]);
    request.csrf_token = std::string(req["X-CSRF-Token"]);
    request.forwarded_proto = std::string(req["X-Forwarded-Proto"]);
    request.if_none_match = std::string(req[http::field::if_none_match]);
    request.accept_encoding = std::string(req[http::field::accept_encoding]);
    keep_alive_ = req.keep_alive() && !shared_->stopping;
    version_ = req.version();
    Reply reply = shared_->service->handle(request);
    send(std::move(reply));
  }

  void send_error(int status, const char* code, const std::string& message) {
    keep_alive_ = false;
    version_ = 11;
    send(error_reply(status, code, message));
  }

  void send(Reply reply) {
    response_ = {};
    response_.version(version_);
    response_.result(http::int_to_status(unsigned(reply.status)));
    response_.set(http::field::server, "vetan");
    response_.set(http::field::content_type, reply.content_type);
    if (reply.status == 401) response_.set(http::field::www_authenticate, "Bearer");
    for (auto& [name, value] : reply.headers) response_.insert(name, value);
    response_.body() = std::move(reply.body);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    stream_.expires_after(shared_->options.read_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec || !keep_alive_) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  Shared* shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::optional<http::response<http::empty_body>> continue_;
  size_t body_limit_ = 0;
  bool keep_alive_ = false;
  bool busy_ = false;
  unsigned version_ = 11;
};

}  // namespace

struct HttpServer::Impl {
  Shared shared;
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<net::signal_set> signals;

  std::optional<net::steady_timer> backoff;
  std::chrono::milliseconds backoff_delay{10};

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (!acceptor.is_open() || shared.stopping) return;
        if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
            ec == net::error::no_memory || ec.value() == ENFILE) {
          // Out of descriptors: wait (10 ms doubling to 1 s) for connections to close.
          backoff.emplace(io, backoff_delay);
          backoff_delay = std::min(backoff_delay * 2, std::chrono::milliseconds(1000));
          backoff->async_wait([this](beast::error_code) {
            if (!shared.stopping) accept();
          });
          return;
        }
      } else {
        backoff_delay = std::chrono::milliseconds(10);
        size_t open = 0;
        {
          std::lock_guard lock(shared.mutex);
          open = shared.sessions.size();
        }
        if (open >= shared.options.max_connections) {
          refuse_connection(std::move(socket));
        } else {
          std::make_shared<Session>(std::move(socket), &shared)->start();
        }
      }
      if (!shared.stopping) accept();
    });
  }

  // 503 on a connection over the cap, then closed.
  static void refuse_connection(tcp::socket socket) {
    const std::string body =
        "{\"error\":{\"code\":\"TOO_MANY_CONNECTIONS\",\"message\":\"the server has its maximum of open "
        "connections; try again later\"}}";
    const std::string reply = "HTTP/1.1 503 Service Unavailable\r\nServer: vetan\r\nContent-Type: application/json\r\n"
                              "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    net::write(socket, net::buffer(reply), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  void stop() {
    net::post(io, [this] {
      if (shared.stopping.exchange(true)) return;
      beast::error_code ignored;
      acceptor.close(ignored);
      if (backoff) backoff->cancel();
      if (signals) signals->cancel(ignored);
      std::vector<std::shared_ptr<Session>> live;
      {
        std::lock_guard lock(shared.mutex);
        for (const auto& weak : shared.sessions) {
          if (auto s = weak.lock()) live.push_back(s);
        }
      }
      for (auto& s : live) s->close_if_idle();
    });
  }
};

HttpServer::HttpServer(Service* service, HttpOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->shared.service = service;
  impl_->shared.options = options;
}

HttpServer::~HttpServer() = default;

Status HttpServer::listen() {
  const HttpOptions& o = impl_->shared.options;
  beast::error_code ec;
  const auto address = net::ip::make_address(o.address, ec);
  if (ec) return Status::invalid_argument("--listen: '" + o.address + "' is not an IP address");
  const tcp::endpoint endpoint(address, o.port);
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::io_error("--listen: cannot listen on " + o.address + ":" + std::to_string(o.port) + " (" +
                            ec.message() + ")");
  }
  if (o.handle_signals) {
    impl_->signals.emplace(impl_->io, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](beast::error_code error, int) {
      if (!error) impl_->stop();
    });
  }
  impl_->accept();
  return Status();
}

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
  const int n = std::max(1, impl_->shared.options.threads);
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() { impl_->stop(); }

Status parse_listen_address(const std::string& text, std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) {
    return Status::invalid_argument("--listen '" + text + "' is not HOST:PORT");
  }
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    return Status::invalid_argument("--listen '" + text + "': the port must be 0..65535");
  }
  *host = text.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  *port = uint16_t(std::stoi(port_text));
  return Status();
}

}  // namespace vetan::serve
