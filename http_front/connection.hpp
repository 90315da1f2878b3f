// One client connection, served request after request.
//
// Replaces cpp-httplib 0.11.4's own loop (Server::process_and_close_socket)
// so that the connection's bytes go through one RequestStream for its whole
// life: pipelined requests are answered in order, none dropped, and a
// request refused by the framing gate is answered here and ends the
// connection, with nothing after it read as a request. A connection whose
// request was not read to its end (refused, or a body a handler left) is
// closed too: its next bytes cannot be trusted to start a request.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "httplib_compat.hpp"
#include "request_stream.hpp"

namespace ipto::front::connection {

struct Settings {
    int read_timeout_sec = 10;
    int write_timeout_sec = 10;
    int keep_alive_timeout_sec = 5;      // idle time between requests
    std::size_t keep_alive_max_count = 1000;
};

// cpp-httplib's per-request work (Server::process_request).
using ProcessRequest = std::function<bool(httplib::Stream&, bool close_connection, bool& connection_closed)>;
// The whole HTTP response to a request refused in its head (also logs it).
using RenderRefusal = std::function<std::string(const FramingRefusal&)>;

// Serves the connection until it ends or `listening` is closed, then closes fd.
bool serve(int fd, const Settings& settings, const std::atomic<int>& listening, const ProcessRequest& process,
           const RenderRefusal& render);

// The socket of the connection this thread serves, or -1.
int current_fd();
// The framing refusal of the request this thread is reading a body of, if any.
const FramingRefusal* current_body_refusal();

}  // namespace ipto::front::connection
