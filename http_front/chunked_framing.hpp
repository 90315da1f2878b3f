// Where a chunked body ends (RFC 9112 §7.1), checked byte by byte as it
// arrives, so that nothing after the body is ever taken for part of it and
// no malformed chunk reaches cpp-httplib (0.11.4 reads a size with strtoul,
// so "+2", " 2" and "0x2" were sizes, and a chunk's data not followed by
// CRLF ended the body early). Strict on purpose: 1*HEXDIG sizes, no
// whitespace, extensions without control bytes, no trailer fields (0.11.4
// cannot read them), bodies whose chunks declare over 1 MiB refused at the
// size line. Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ipto::front::framing {

class ChunkedScanner {
public:
    // Scans the next bytes of the body; returns how many belong to it: all
    // n, unless the body ends (done()) or breaks (failed()) within them.
    std::size_t feed(const char* data, std::size_t n);

    bool done() const { return state_ == State::done; }
    bool failed() const { return state_ == State::failed; }
    int status() const { return status_; }  // failed(): 400, or 413 past 1 MiB
    const std::string& message() const { return message_; }

private:
    enum class State { size_first, size, ext, size_lf, data, data_cr, data_lf, trailer, end_lf, done, failed };
    void fail(int status, const char* message);

    State state_ = State::size_first;
    std::uint64_t size_ = 0;   // the chunk being declared, then the bytes of it still to come
    std::uint64_t total_ = 0;  // declared so far
    std::size_t line_ = 0;     // bytes of the current size line
    int status_ = 0;
    std::string message_;
};

}  // namespace ipto::front::framing
