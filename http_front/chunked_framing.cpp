#include "chunked_framing.hpp"

#include <algorithm>

#include "framing.hpp"

namespace ipto::front::framing {
namespace {

// A size line with extensions; longer ones are not chunk framing anyone sends.
constexpr std::size_t kMaxChunkLine = 4096;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void ChunkedScanner::fail(int status, const char* message) {
    state_ = State::failed;
    status_ = status;
    message_ = message;
}

std::size_t ChunkedScanner::feed(const char* data, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
        if (state_ == State::done || state_ == State::failed) return i;
        if (state_ == State::data) {  // the bulk of the bytes: no per-byte work
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size_, n - i));
            size_ -= take;
            i += take;
            if (size_ == 0) state_ = State::data_cr;
            continue;
        }
        char c = data[i];
        if ((state_ == State::size_first || state_ == State::size || state_ == State::ext) &&
            ++line_ > kMaxChunkLine) {
            fail(400, "a chunk size line is too long");
            return i;
        }
        switch (state_) {
            case State::size_first:
            case State::size: {
                int v = hex_value(c);
                if (v >= 0) {
                    size_ = size_ * 16 + static_cast<std::uint64_t>(v);
                    if (total_ + size_ > kMaxBody) {
                        fail(413, "the request body is larger than 1 MiB (1048576 bytes)");
                        return i;
                    }
                    state_ = State::size;
                } else if (state_ == State::size && c == ';') {
                    state_ = State::ext;
                } else if (state_ == State::size && c == '\r') {
                    state_ = State::size_lf;
                } else {
                    fail(400, "a chunk size that is not hexadecimal digits");
                    return i;
                }
                break;
            }
            case State::ext: {
                auto u = static_cast<unsigned char>(c);
                if (c == '\r') {
                    state_ = State::size_lf;
                } else if (u == 0x7F || (u < 0x20 && c != '\t')) {
                    fail(400, "a control character in a chunk extension");
                    return i;
                }
                break;
            }
            case State::size_lf:
                if (c != '\n') {
                    fail(400, "a chunk size line not ended by CRLF");
                    return i;
                }
                line_ = 0;
                total_ += size_;
                state_ = size_ == 0 ? State::trailer : State::data;
                break;
            case State::data_cr:
                if (c != '\r') {
                    fail(400, "chunk data not followed by CRLF (the size does not match the data)");
                    return i;
                }
                state_ = State::data_lf;
                break;
            case State::data_lf:
                if (c != '\n') {
                    fail(400, "chunk data not followed by CRLF (the size does not match the data)");
                    return i;
                }
                state_ = State::size_first;
                break;
            case State::trailer:
                if (c != '\r') {
                    fail(400, "trailer fields after a chunked body are not accepted");
                    return i;
                }
                state_ = State::end_lf;
                break;
            case State::end_lf:
                if (c != '\n') {
                    fail(400, "the chunked body does not end with CRLF");
                    return i;
                }
                state_ = State::done;
                return i + 1;
            default:
                return i;
        }
        ++i;
    }
    return i;
}

}  // namespace ipto::front::framing
