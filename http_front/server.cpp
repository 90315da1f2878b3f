#include "server.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>

#include "access_log.hpp"
#include "connection.hpp"
#include "database.hpp"
#include "envelope.hpp"
#include "error_map.hpp"
#include "handlers.hpp"
#include "rate_limits.hpp"
#include "httplib_compat.hpp"
#include "log.hpp"
#include "media_type.hpp"
#include "metrics.hpp"
#include "response_cork.hpp"
#include "worker_queue.hpp"

namespace ipto::front {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxBody = 1024 * 1024;  // DESIGN §3: bodies over 1 MiB are a 413
constexpr int kReadTimeoutSec = 10;             // a client that stalls mid-request is dropped
constexpr int kWriteTimeoutSec = 10;
constexpr int kKeepAliveTimeoutSec = 5;         // idle time a keep-alive connection may hold a thread
constexpr std::size_t kKeepAliveMaxCount = 1000;  // requests per connection (0.11.4's default is 5)
constexpr std::size_t kMaxWorkers = 4096;       // the elastic ceiling (see worker_queue.hpp)
constexpr int kListenBacklog = 1024;            // 0.11.4 listens with a backlog of 5

// Exposes the listening socket, which 0.11.4 keeps protected, to widen its
// backlog; serves each connection with the front's own loop (connection.hpp).
class FrontServer : public httplib::Server {
public:
    int listening_socket() const { return svr_sock_; }
    void set_refusal(connection::RenderRefusal render) { render_ = std::move(render); }

private:
    bool process_and_close_socket(socket_t sock) override {
        connection::Settings s;
        s.read_timeout_sec = static_cast<int>(read_timeout_sec_);
        s.write_timeout_sec = static_cast<int>(write_timeout_sec_);
        s.keep_alive_timeout_sec = static_cast<int>(keep_alive_timeout_sec_);
        s.keep_alive_max_count = keep_alive_max_count_;
        return connection::serve(
            sock, s, svr_sock_,
            [this](httplib::Stream& strm, bool close_connection, bool& connection_closed) {
                return process_request(strm, close_connection, connection_closed, nullptr);
            },
            render_);
    }

    connection::RenderRefusal render_;
};

// What the logger needs about the request being answered on this thread.
// cpp-httplib answers a request on the thread that handled it and calls the
// logger right after writing the response, so a thread_local carries it from
// the handler (or error handler) to the logger without touching headers.
struct Exchange {
    const httplib::Response* response = nullptr;  // which response this describes
    Clock::time_point start;
    std::string request_id;
    std::string route;
    std::optional<std::string> tenant;
};
thread_local Exchange t_exchange;

HttpRequest to_request(const httplib::Request& req) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    std::size_t q = req.target.find('?');
    if (q != std::string::npos) r.query = req.target.substr(q + 1);
    for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
    return r;
}

void apply(const Outcome& o, httplib::Response& res, Clock::time_point start) {
    res.status = o.response.status;
    res.headers.clear();
    for (const auto& [k, v] : o.response.headers) res.set_header(k, v);
    res.set_header("X-Request-Id", o.request_id);  // also marks the response as ours
    if (!o.response.content_type.empty()) res.set_content(o.response.body, o.response.content_type);  // 304: none
    t_exchange.response = &res;
    t_exchange.start = start;
    t_exchange.request_id = o.request_id;
    t_exchange.route = o.route;
    t_exchange.tenant = o.tenant;
}

// 0.11.4 gives a handler no way to end the connection after its response,
// which we need whenever a request body is left unread (else its bytes would
// be parsed as the next request: a desync, and with a proxy in front, request
// smuggling). A content provider that writes the whole body and then reports
// failure does it: the client gets a complete response, and 0.11.4, seeing
// the "failed" write, closes the socket.
void close_after(httplib::Response& res) {
    auto body = std::make_shared<std::string>(std::move(res.body));
    res.body.clear();
    std::string type = res.get_header_value("Content-Type");
    auto range = res.headers.equal_range("Content-Type");
    res.headers.erase(range.first, range.second);
    res.set_header("Connection", "close");
    res.set_content_provider(body->size(), type, [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        if (offset < body->size()) sink.write(body->data() + offset, std::min(length, body->size() - offset));
        return false;
    });
}

bool has_body(const httplib::Request& req) {
    if (req.has_header("Transfer-Encoding")) return true;
    return req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0";
}

// The methods whose bodies 0.11.4 reads (and we therefore must read or drop).
bool reads_body(const std::string& method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// The codings 0.11.4 (built with zlib and Brotli) decodes; it passes any
// other through as if it were identity, so those are refused instead.
bool is_decodable(const std::string& coding) {
    return coding.empty() || iequals(coding, "identity") || iequals(coding, "gzip") || iequals(coding, "deflate") ||
           iequals(coding, "br");
}

bool is_ours(const httplib::Response& res) { return res.has_header("X-Request-Id"); }

std::atomic<bool> g_stop_requested{false};

}  // namespace

void prepare_process_signals() {
    // A client that disconnects mid-response must cost a failed write, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void raise_open_files_limit() {
    // Every connection is a descriptor; the common soft limit of 1,024 would
    // cap the front below its thread ceiling (kMaxWorkers), so take the hard limit.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

namespace {

const char* reason_phrase(int status) {
    switch (status) {
        case 413: return "Payload Too Large";
        case 431: return "Request Header Fields Too Large";
        default: return "Bad Request";
    }
}

// The whole response to a request the framing gate refused, which no
// handler saw: logged and counted here like any other.
std::string framing_refusal(const Handlers& handlers, Metrics& metrics, const FramingRefusal& refusal) {
    ApiError e = from_http_status(refusal.status);
    e.message = refusal.message;
    HttpRequest r;
    r.method = refusal.method;
    Outcome o = handlers.error(r, e);
    // Operators see both: the smuggling attempt or oversized head, and the request.
    log_event("warning", refusal.status == 431 ? "request_head_too_large" : "request_framing_refused",
              {{"request_id", o.request_id}, {"status", std::to_string(refusal.status)}});
    AccessRecord rec;
    std::string ts = current_timestamp();
    rec.timestamp = ts;
    rec.request_id = o.request_id;
    rec.method = method_label(refusal.method);
    rec.route = kUnmatchedRoute;
    rec.status = o.response.status;
    write_access_line(rec);
    metrics.observe(kUnmatchedRoute, method_label(refusal.method), o.response.status, 0.0);
    std::string out = "HTTP/1.1 " + std::to_string(o.response.status) + " " + reason_phrase(o.response.status) +
                      "\r\nContent-Type: " + o.response.content_type +
                      "\r\nContent-Length: " + std::to_string(o.response.body.size()) +
                      "\r\nConnection: close\r\nX-Request-Id: " + o.request_id + "\r\n\r\n";
    return out + o.response.body;
}

// cpp-httplib 0.11.4's defaults are client-grade; these are a server's.
void configure(FrontServer& svr, const Config& config, std::atomic<WorkerQueue*>& queue) {
    svr.set_tcp_nodelay(true);  // 0.11.4 defaults to off: Nagle + delayed ACK cost ~40 ms per response
    svr.set_payload_max_length(kMaxBody);
    svr.set_read_timeout(kReadTimeoutSec, 0);
    svr.set_write_timeout(kWriteTimeoutSec, 0);
    svr.set_keep_alive_timeout(kKeepAliveTimeoutSec);
    svr.set_keep_alive_max_count(kKeepAliveMaxCount);
    const std::size_t core = static_cast<std::size_t>(config.threads);
    svr.new_task_queue = [&queue, core] {
        auto* q = new WorkerQueue(core, std::max(core, kMaxWorkers));
        queue.store(q);
        return q;
    };
}

void install_handlers(FrontServer& svr, const Handlers& handlers, Metrics& metrics) {
    svr.set_refusal([&handlers, &metrics](const FramingRefusal& r) { return framing_refusal(handlers, metrics, r); });
    // Every request without a body, and every request whose body we would
    // not use, is answered here, before cpp-httplib reads any body:
    // - No Content-Length and no Transfer-Encoding: RFC 9112 §6.3 says the
    //   body is empty, but 0.11.4 reads POST/PUT/PATCH/DELETE bodies "until
    //   the connection closes", so `curl -X DELETE` or fetch() without a body
    //   would hang until the read timeout and then get a 400.
    // - A body that is not JSON: 0.11.4 would parse forms (413 past 8 KiB) and
    //   multipart bodies itself. We answer (415 where a body is taken) and
    //   close, since the body stays unread. Likewise a Content-Encoding that
    //   0.11.4 cannot decode (it would pass the coded bytes on as the body).
    // Only a JSON body on POST/PUT/PATCH/DELETE goes on to read_body below.
    svr.set_pre_routing_handler([&handlers](const httplib::Request& req, httplib::Response& res) {
        bool body = has_body(req);
        bool json = body && reads_body(req.method) && is_json_media_type(req.get_header_value("Content-Type"));
        bool decodable = is_decodable(req.get_header_value("Content-Encoding"));
        if (json && decodable) return httplib::Server::HandlerResponse::Unhandled;
        Clock::time_point start = Clock::now();
        // An API answer is never partial: RFC 9110 lets a server ignore Range,
        // and 0.11.4 would otherwise cut our JSON to the requested bytes.
        const_cast<httplib::Request&>(req).ranges.clear();
        HttpRequest r = to_request(req);
        if (body && req.method == "HEAD") {
            // 0.11.4 never reads a HEAD body, and writes no body for HEAD, so
            // close_after() could not end the connection: the body's bytes
            // would be parsed as the next request (smuggling, behind a
            // proxy). Answered as a GET-shaped error, so that the write, and
            // with it the connection, ends.
            const_cast<httplib::Request&>(req).method = "GET";
            apply(handlers.error(r, front_error(FrontError::bad_request, "a HEAD request cannot have a body")), res,
                  start);
            close_after(res);
            return httplib::Server::HandlerResponse::Handled;
        }
        if (json) {  // a JSON body in a coding we cannot decode
            auto early = handlers.reject_early(r);
            apply(early ? *early : handlers.error(r, front_error(FrontError::unsupported_encoding)), res, start);
        } else {
            apply(handlers.handle(r), res, start);
        }
        if (body) close_after(res);
        return httplib::Server::HandlerResponse::Handled;
    });

    // A JSON body, read through a content reader so that the 1 MiB limit
    // applies to the bytes as decoded: 0.11.4 checks payload_max_length only
    // against Content-Length, so a chunked body was unbounded, and a gzip or
    // deflate body would have been inflated without limit (a small bomb, a
    // large allocation). Whatever stops the read early also closes the
    // connection. A request refused for its route or headers is refused
    // before its body is read.
    auto read_body = [&handlers](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
        Clock::time_point start = Clock::now();
        const_cast<httplib::Request&>(req).ranges.clear();
        HttpRequest r = to_request(req);
        if (auto early = handlers.reject_early(r)) {
            apply(*early, res, start);
            close_after(res);
            return;
        }
        bool too_large = false;
        bool ok = reader([&](const char* data, std::size_t n) {
            if (r.body.size() + n > kMaxBody) {
                too_large = true;
                return false;
            }
            r.body.append(data, n);
            return true;
        });
        if (!ok || too_large) {
            const FramingRefusal* framing = connection::current_body_refusal();  // a broken chunk
            ApiError e = framing && framing->status != 413 ? front_error(FrontError::bad_request, framing->message)
                         : too_large || res.status == 413 || framing ? front_error(FrontError::payload_too_large)
                         : res.status == 415            ? front_error(FrontError::unsupported_encoding)
                                                        : front_error(FrontError::bad_request,
                                                                      "the request body could not be read");
            r.body.clear();
            apply(handlers.error(r, e), res, start);
            close_after(res);
            return;
        }
        apply(handlers.handle(r), res, start);
    };
    // [\s\S]: unlike ".", also matches a path with a (decoded) newline.
    const std::string any = "[\\s\\S]*";
    svr.Post(any, read_body);
    svr.Put(any, read_body);
    svr.Patch(any, read_body);
    svr.Delete(any, read_body);

    // With Expect: 100-continue, a request we would refuse anyway (route,
    // credential, media type, or a declared body over 1 MiB) is refused at
    // once instead of inviting the client to send its body.
    svr.set_expect_100_continue_handler([&handlers](const httplib::Request& req, httplib::Response& res) {
        Clock::time_point start = Clock::now();
        HttpRequest r = to_request(req);
        std::optional<Outcome> refusal = handlers.reject_early(r);
        std::uint64_t length = 0;
        if (req.has_header("Content-Length")) length = req.get_header_value<std::uint64_t>("Content-Length");
        if (!refusal && length > kMaxBody) refusal = handlers.error(r, front_error(FrontError::payload_too_large));
        if (!refusal) return 100;
        apply(*refusal, res, start);
        close_after(res);
        return res.status;
    });

    // Errors cpp-httplib answers itself (400 for a malformed request line or
    // header, 404 when no handler matches, 414, 416) get our envelope too.
    // 0.11.4 calls this for every status >= 400, ours included: a response
    // with our X-Request-Id is left alone.
    svr.set_error_handler(httplib::Server::HandlerWithResponse(
        [&handlers](const httplib::Request& req, httplib::Response& res) {
            if (is_ours(res)) return httplib::Server::HandlerResponse::Unhandled;
            HttpRequest r = to_request(req);
            if (res.status == 404 || (res.status == 400 && (req.method == "TRACE" || req.method == "CONNECT"))) {
                // No handler for the method or the path: route it ourselves
                // for an honest 404 or 405.
                apply(handlers.handle(r), res, Clock::now());
            } else {
                apply(handlers.error(r, from_http_status(res.status)), res, Clock::now());
            }
            return httplib::Server::HandlerResponse::Handled;
        }));

    // 0.11.4 without this answers an escaping exception with its what() in a
    // response header. Handlers never throw; this is the last fence.
    svr.set_exception_handler([&handlers](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        apply(handlers.error(to_request(req), front_error(FrontError::internal)), res, Clock::now());
    });

    // 0.11.4 calls the post-routing handler right before it writes a
    // response, and the logger right after.
    svr.set_post_routing_handler([](const httplib::Request&, httplib::Response&) { response_cork::hold(); });
    svr.set_logger([&metrics](const httplib::Request& req, const httplib::Response& res) {
        response_cork::release();
        Clock::time_point now = Clock::now();
        Exchange ex = std::move(t_exchange);
        t_exchange = Exchange{};
        if (ex.response != &res) {  // a response none of our handlers saw
            ex.start = now;
            ex.request_id = res.get_header_value("X-Request-Id");
            ex.route = std::string(kUnmatchedRoute);
            ex.tenant.reset();
        }
        double seconds = std::chrono::duration<double>(now - ex.start).count();
        AccessRecord rec;
        std::string ts = current_timestamp();
        rec.timestamp = ts;
        rec.request_id = ex.request_id;
        rec.method = method_label(req.method);
        rec.route = ex.route;
        rec.status = res.status;
        rec.duration_ms = seconds * 1000.0;
        if (ex.tenant) rec.tenant = *ex.tenant;
        write_access_line(rec);
        metrics.observe(ex.route, method_label(req.method), res.status, seconds);
    });
}

// Binds, serves until SIGTERM/SIGINT, and returns the exit code.
int serve(FrontServer& svr, const Config& config) {
    // cpp-httplib's default sets SO_REUSEPORT, with which a second front
    // (or anything else) started on a port in use binds it too and silently
    // takes half its connections. SO_REUSEADDR alone still allows a quick
    // restart (past TIME_WAIT) and refuses a port someone listens on.
    svr.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    if (!svr.bind_to_port(config.listen_host, config.listen_port)) {
        log_event("error", "listen_failed",
                  {{"address", config.listen_host}, {"port", std::to_string(config.listen_port)}});
        return 1;
    }
    // Re-listening on a bound socket only raises its backlog (Linux): a burst
    // of connects is queued by the kernel instead of being dropped and retried
    // a second later.
    ::listen(svr.listening_socket(), kListenBacklog);
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int port = config.listen_port;
    if (::getsockname(svr.listening_socket(), reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
        if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    }

    // SIGTERM/SIGINT arrive only here (blocked elsewhere, see
    // prepare_process_signals). stop() closes the listening socket; listen
    // then stops accepting, lets every worker finish its request, and returns.
    // stop() is a no-op before listening starts, so it is repeated until the
    // listen loop is known to have returned.
    std::atomic<bool> listen_returned{false};
    std::thread signals([&svr, &listen_returned] {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        int sig = 0;
        if (sigwait(&set, &sig) != 0) return;
        if (listen_returned.load()) return;  // woken by serve() itself
        g_stop_requested = true;
        log_event("info", "stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        while (!listen_returned.load()) {
            svr.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });

    log_event("info", "listening",
              {{"address", config.listen_host}, {"port", std::to_string(port)},
               {"threads", std::to_string(config.threads)}, {"pool", std::to_string(config.pool)}});
    bool clean = svr.listen_after_bind();
    listen_returned = true;
    if (!g_stop_requested.load()) pthread_kill(signals.native_handle(), SIGTERM);  // wake sigwait
    signals.join();

    if (g_stop_requested.load()) {
        log_event("info", "stopped");
        return 0;
    }
    log_event("error", "listen_loop_failed", {{"clean", clean ? "true" : "false"}});
    return 1;
}

}  // namespace

int run_server(const Config& config) {
    PoolOptions pool_options;
    pool_options.conninfo = config.database_url;
    pool_options.size = static_cast<std::size_t>(config.pool);
    Database database(pool_options);
    RateLimits limits(database.credential_tenants());
    RateSync rate_sync(limits, config.database_url);
    Metrics metrics;
    std::atomic<WorkerQueue*> queue{nullptr};
    Handlers handlers(
        database, metrics,
        [&queue] {
            WorkerQueue* q = queue.load();
            return q ? q->threads() : std::size_t{0};
        },
        &limits);
    FrontServer svr;
    configure(svr, config, queue);
    install_handlers(svr, handlers, metrics);
    return serve(svr, config);
}

}  // namespace ipto::front
