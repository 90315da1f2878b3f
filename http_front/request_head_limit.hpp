// A bound on the bytes of a request's head (request line and headers).
//
// cpp-httplib 0.11.4 reads a request line or a header line whole, however
// long, before it checks the line's length, and it counts no headers: a
// client that never sends a newline, or headers without end, grows one
// connection's memory without bound. Its parser offers no hook; the socket
// read beneath it is the one place before it. So the front interposes
// recv(): while an HTTP worker thread reads a request's head, at most
// kMaxRequestHead bytes reach cpp-httplib; past that the client is sent a
// 431 and the connection ends. Every other recv() (request bodies, which
// have their own 1 MiB limit, and libpq's) passes through untouched.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace ipto::front::request_head {

constexpr std::size_t kMaxRequestHead = 64 * 1024;

// This thread starts serving a new connection: its first request's head
// is about to be read.
void begin_connection();
// This thread is about to read the next request's head on its connection
// (after each response on a kept-alive connection).
void begin();
// This thread's request head is parsed (or its connection is over).
void end();
// The socket of the connection this thread serves, as its reads revealed
// (cpp-httplib does not tell): -1 before the first.
int connection_fd();
// The bytes of the whole HTTP response sent to a client past the limit
// (set once, before serving).
void set_refusal(std::function<std::string()> render);

}  // namespace ipto::front::request_head
