// A connection's bytes, cut at request boundaries, for cpp-httplib.
//
// cpp-httplib 0.11.4 reads through a fresh SocketStream per request, whose
// 4 KiB read-ahead buffer dies with it: the bytes of a pipelined request
// that arrived with the one before were dropped (the second request was
// never answered). This stream lives as long as the connection, so read-ahead
// bytes wait for their request, and it never hands cpp-httplib a byte past the
// end of the current request, as the framing gate (framing.hpp) fixed it:
// - the head is read whole (at most framing::kMaxRequestHead bytes) and
//   judged before cpp-httplib sees its first byte; a refused head reads as a
//   failed read, so cpp-httplib answers nothing and the connection loop
//   (connection.hpp) sends the refusal;
// - then exactly Content-Length bytes, or a chunked body checked as it
//   passes (chunked_framing.hpp); then end of stream until next_request().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chunked_framing.hpp"
#include "framing.hpp"
#include "httplib_compat.hpp"

namespace ipto::front {

// A request refused for its framing.
struct FramingRefusal {
    int status = 400;     // 400, 413 or 431
    std::string message;  // the rule broken
    std::string method;   // as received, if the request line had one
    bool in_head = true;  // false: found in a chunked body, which a handler was reading and answers
};

class RequestStream : public httplib::Stream {
public:
    RequestStream(int fd, int read_timeout_sec, int write_timeout_sec);

    bool is_readable() const override;
    bool is_writable() const override;
    ssize_t read(char* ptr, std::size_t size) override;
    ssize_t write(const char* ptr, std::size_t size) override;
    void get_remote_ip_and_port(std::string& ip, int& port) const override;
    void get_local_ip_and_port(std::string& ip, int& port) const override;
    int socket() const override { return fd_; }

    // The next request starts with the next byte.
    void next_request();
    // Every byte of the current request has been read (so the next may be parsed).
    bool request_complete() const { return phase_ == Phase::complete; }
    // Bytes of a next request are already here.
    bool has_buffered() const { return begin_ < end_; }
    const std::optional<FramingRefusal>& refusal() const { return refusal_; }

private:
    enum class Phase { head, head_out, length, chunked, complete, refused, ended };

    bool read_head();
    void refuse(int status, std::string message, std::string method, bool in_head);
    ssize_t fill();               // reads more into the buffer: >0 bytes, 0 at the peer's end, -1
    bool wait_in(int timeout_ms) const;
    ssize_t hand_out(char* ptr, std::size_t n);

    int fd_;
    int read_timeout_ms_;
    int write_timeout_ms_;
    std::vector<char> buf_;
    std::size_t begin_ = 0, end_ = 0;  // unread bytes: buf_[begin_, end_)
    Phase phase_ = Phase::complete;
    std::size_t scan_resume_ = 0;  // head: where scan_head resumes
    std::uint64_t left_ = 0;       // head_out: head bytes still to hand out; length: body bytes
    framing::Verdict verdict_;
    framing::ChunkedScanner chunks_;
    std::optional<FramingRefusal> refusal_;
    // cpp-httplib asks for both addresses on every request; they do not change.
    mutable std::optional<std::pair<std::string, int>> remote_, local_;
};

}  // namespace ipto::front
