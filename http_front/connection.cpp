#include "connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace ipto::front::connection {
namespace {

using Clock = std::chrono::steady_clock;

thread_local RequestStream* t_stream = nullptr;

// A stop (the listening socket closed) is noticed within this, even by an idle connection.
constexpr int kIdleSliceMs = 100;
// How long, and how much, a refused client is read from before the close.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1024 * 1024;

int ms_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<decltype(left)>(left, 0));
}

// Waits for the next request's first byte (or the peer's close).
bool next_request_arrives(const RequestStream& strm, int fd, int timeout_sec, const std::atomic<int>& listening) {
    if (strm.has_buffered()) return true;
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(timeout_sec);
    while (listening.load() != INVALID_SOCKET) {
        int ms = std::min(ms_until(deadline), kIdleSliceMs);
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, ms);
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
        if (ms_until(deadline) == 0) return false;
    }
    return false;
}

bool write_all(RequestStream& strm, const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = strm.write(bytes.data() + off, bytes.size() - off);
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

// Closing a socket with unread bytes in it sends a reset, which can destroy
// the response still on its way to the client. So the write side is closed
// first and what the client still sends is read and dropped, briefly
// (as web servers' "lingering close" does).
void close_lingering(int fd) {
    ::shutdown(fd, SHUT_WR);
    Clock::time_point deadline = Clock::now() + kLingerTime;
    char scratch[16 * 1024];
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, ms_until(deadline)) <= 0) break;
        ssize_t n = ::recv(fd, scratch, sizeof scratch, 0);
        if (n <= 0) break;
        drained += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

}  // namespace

bool serve(int fd, const Settings& settings, const std::atomic<int>& listening, const ProcessRequest& process,
           const RenderRefusal& render) {
    RequestStream strm(fd, settings.read_timeout_sec, settings.write_timeout_sec);
    t_stream = &strm;
    bool ret = false;
    bool clean = true;  // the connection ends between requests
    for (std::size_t left = settings.keep_alive_max_count; left > 0; --left) {
        if (!next_request_arrives(strm, fd, settings.keep_alive_timeout_sec, listening)) break;
        strm.next_request();
        bool closed = false;
        ret = process(strm, left == 1, closed);
        clean = strm.request_complete();
        if (strm.refusal() && strm.refusal()->in_head) {
            write_all(strm, render(*strm.refusal()));  // best effort: the client may be gone
            break;
        }
        if (!ret || closed || !clean) break;
    }
    t_stream = nullptr;
    if (clean && !strm.has_buffered()) {  // else a client pipelined past the last answer
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
    } else {
        close_lingering(fd);
    }
    return ret;
}

int current_fd() { return t_stream ? t_stream->socket() : -1; }

const FramingRefusal* current_body_refusal() {
    if (!t_stream || !t_stream->refusal() || t_stream->refusal()->in_head) return nullptr;
    return &*t_stream->refusal();
}

}  // namespace ipto::front::connection
