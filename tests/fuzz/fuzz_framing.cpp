// libFuzzer: the framing gate. Scanning a head in pieces finds what one scan
// finds; a head that passes names one framing and breaks no line rule; the
// chunk scanner, fed the rest in pieces or at once, ends (or fails) at the
// same byte.
#include <cstdint>
#include <string_view>

#include "chunked_framing.hpp"
#include "framing.hpp"

namespace {

using namespace ipto::front::framing;

void check_verdict(std::string_view head, const Verdict& v) {
    if (v.status != 0 && v.status != 400 && v.status != 413 && v.status != 431) __builtin_trap();
    if (v.ok() != v.message.empty()) __builtin_trap();
    if (!v.ok()) return;
    if (head.find('\0') != std::string_view::npos) __builtin_trap();
    for (std::size_t i = 0; i < head.size(); ++i) {  // every CR before an LF, every LF after a CR
        if (head[i] == '\r' && (i + 1 == head.size() || head[i + 1] != '\n')) __builtin_trap();
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) __builtin_trap();
    }
    if (v.body == Body::length && (v.length == 0 || v.length > kMaxBody)) __builtin_trap();
    if (v.body != Body::length && v.length != 0) __builtin_trap();
}

struct ChunkEnd {
    std::size_t consumed;
    bool done, failed;
};

ChunkEnd scan_chunks(std::string_view body, std::size_t step) {
    ChunkedScanner s;
    std::size_t consumed = 0;
    for (std::size_t at = 0; at < body.size(); at += step) {
        std::size_t n = std::min(step, body.size() - at);
        std::size_t k = s.feed(body.data() + at, n);
        if (k > n) __builtin_trap();
        consumed += k;
        if (s.done() && s.failed()) __builtin_trap();
        if (k < n || s.done() || s.failed()) break;
    }
    return {consumed, s.done(), s.failed()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t step = size ? 1 + data[0] % 7 : 1;

    HeadScan whole = scan_head(input);
    HeadScan piece;
    std::size_t resume = 0;
    for (std::size_t n = std::min(step, size); ; n = std::min(n + step, size)) {
        piece = scan_head(input.substr(0, n), resume);
        if (piece.state != HeadScan::State::incomplete || n == size) break;
        if (piece.resume > n) __builtin_trap();
        resume = piece.resume;
    }
    if (piece.state != whole.state || piece.length != whole.length) __builtin_trap();
    if (whole.state != HeadScan::State::complete) {
        check_verdict(input, check_request_head(input));  // any bytes: never a crash
        return 0;
    }
    std::string_view head = input.substr(0, whole.length);
    Verdict v = check_request_head(head);
    check_verdict(head, v);

    std::string_view rest = input.substr(whole.length);
    ChunkEnd at_once = scan_chunks(rest, rest.size() ? rest.size() : 1);
    ChunkEnd bytewise = scan_chunks(rest, 1);
    ChunkEnd stepped = scan_chunks(rest, step);
    for (const ChunkEnd& e : {bytewise, stepped}) {
        if (e.consumed != at_once.consumed || e.done != at_once.done || e.failed != at_once.failed) __builtin_trap();
    }
    return 0;
}
