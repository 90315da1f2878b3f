// The framing gate: where a request ends, decided from its head alone.
//
// A proxy in front and this server must agree byte for byte on where each
// request ends, or the bytes one of them takes for a body the other takes
// for a request (request smuggling, RFC 9112 §11.2). So every head that is
// ambiguous or invalid is refused before anything acts on it, and a head
// that passes names exactly one framing: no body, Content-Length bytes, or
// chunked. Pure: no I/O, no cpp-httplib; the rules are in docs/http-front.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ipto::front::framing {

// Bodies over 1 MiB are a 413 (declared ones at once).
inline constexpr std::uint64_t kMaxBody = 1024 * 1024;
// A request line and its headers; past this a 431.
inline constexpr std::size_t kMaxRequestHead = 64 * 1024;

enum class Body { none, length, chunked };

struct Verdict {
    int status = 0;        // 0: the head is valid; else 400, 413 or 431
    std::string message;   // the rule broken, for the error envelope
    std::string method;    // as received, once the request line had one
    Body body = Body::none;
    std::uint64_t length = 0;  // Body::length only

    bool ok() const { return status == 0; }
};

// Where a head ends in the bytes received so far (request line first; the
// caller drops empty lines before it, RFC 9112 §2.2).
struct HeadScan {
    enum class State { incomplete, complete, malformed } state = State::incomplete;
    std::size_t length = 0;  // complete: the head's bytes, its final CRLF CRLF included
    std::size_t resume = 0;  // incomplete: where the next scan of the same bytes, grown, may start
    std::string message;     // malformed: why
};

// Scans data[from..]: data must hold every byte of the head received so far.
// A bare CR, a bare LF or a NUL decides the answer before the head is whole,
// so a client that will never send CRLF CRLF is not waited for.
HeadScan scan_head(std::string_view data, std::size_t from = 0);

// Judges a complete head (as scan_head delimited it).
Verdict check_request_head(std::string_view head);

// RFC 9110 §5.6.2 tchar.
bool is_tchar(unsigned char c);

}  // namespace ipto::front::framing
