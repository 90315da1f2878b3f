#include "request_stream.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ipto::front {
namespace {

constexpr std::size_t kReadSize = 16 * 1024;

bool poll_fd(int fd, short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    int r;
    do {
        r = ::poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

// Most reads and writes need no wait: try first, and poll only when the
// socket is not ready (one system call per read instead of two).
ssize_t recv_or_wait(int fd, char* ptr, std::size_t n, int timeout_ms) {
    for (;;) {
        ssize_t r = ::recv(fd, ptr, n, MSG_DONTWAIT);
        if (r >= 0) return r;
        if (errno == EINTR) continue;
        if ((errno != EAGAIN && errno != EWOULDBLOCK) || !poll_fd(fd, POLLIN, timeout_ms)) return -1;
    }
}

ssize_t send_or_wait(int fd, const char* ptr, std::size_t n, int timeout_ms) {
    for (;;) {
        ssize_t r = ::send(fd, ptr, n, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r >= 0) return r;
        if (errno == EINTR) continue;
        if ((errno != EAGAIN && errno != EWOULDBLOCK) || !poll_fd(fd, POLLOUT, timeout_ms)) return -1;
    }
}

void numeric_name(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        ip = host;
        port = std::atoi(serv);
    }
}

// The method a malformed head began with, for logs and metrics (labelled
// "other" unless standard).
std::string leading_token(const char* data, std::size_t n) {
    std::size_t i = 0;
    while (i < n && i < 16 && framing::is_tchar(static_cast<unsigned char>(data[i]))) ++i;
    return std::string(data, i);
}

}  // namespace

RequestStream::RequestStream(int fd, int read_timeout_sec, int write_timeout_sec)
    : fd_(fd), read_timeout_ms_(read_timeout_sec * 1000), write_timeout_ms_(write_timeout_sec * 1000),
      buf_(framing::kMaxRequestHead + kReadSize) {}

void RequestStream::next_request() {
    phase_ = Phase::head;
    scan_resume_ = 0;
    left_ = 0;
    verdict_ = framing::Verdict{};
    chunks_ = framing::ChunkedScanner{};
    refusal_.reset();
}

bool RequestStream::wait_in(int timeout_ms) const { return poll_fd(fd_, POLLIN, timeout_ms); }

bool RequestStream::is_readable() const { return has_buffered() || wait_in(read_timeout_ms_); }

bool RequestStream::is_writable() const { return poll_fd(fd_, POLLOUT, write_timeout_ms_); }

ssize_t RequestStream::fill() {
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == buf_.size()) {  // room at the end: move the unread bytes to the front
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buf_.size()) return -1;
    ssize_t n = recv_or_wait(fd_, buf_.data() + end_, buf_.size() - end_, read_timeout_ms_);
    if (n > 0) end_ += static_cast<std::size_t>(n);
    return n;
}

void RequestStream::refuse(int status, std::string message, std::string method, bool in_head) {
    phase_ = Phase::refused;
    refusal_ = FramingRefusal{status, std::move(message), std::move(method), in_head};
}

// The head, whole and judged; false when refused or the peer is gone.
bool RequestStream::read_head() {
    for (;;) {
        // Empty lines before a request line are ignored (RFC 9112 §2.2).
        while (scan_resume_ == 0 && end_ - begin_ >= 2 && buf_[begin_] == '\r' && buf_[begin_ + 1] == '\n') {
            begin_ += 2;
        }
        const char* data = buf_.data() + begin_;
        std::size_t n = end_ - begin_;
        bool lone_cr = scan_resume_ == 0 && n == 1 && data[0] == '\r';
        if (n > 0 && !lone_cr) {
            framing::HeadScan s = framing::scan_head(std::string_view(data, n), scan_resume_);
            if (s.state == framing::HeadScan::State::malformed) {
                refuse(400, s.message, leading_token(data, n), true);
                return false;
            }
            if (s.state == framing::HeadScan::State::complete) {
                verdict_ = framing::check_request_head(std::string_view(data, s.length));
                if (!verdict_.ok()) {
                    refuse(verdict_.status, verdict_.message, verdict_.method, true);
                    return false;
                }
                phase_ = Phase::head_out;
                left_ = s.length;
                return true;
            }
            scan_resume_ = s.resume;
            if (n > framing::kMaxRequestHead) {
                framing::Verdict v = framing::check_request_head(std::string_view(data, n));  // the 431
                refuse(v.status, v.message, leading_token(data, n), true);
                return false;
            }
        }
        if (fill() <= 0) {
            phase_ = Phase::ended;
            return false;
        }
    }
}

ssize_t RequestStream::hand_out(char* ptr, std::size_t n) {
    std::memcpy(ptr, buf_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
}

ssize_t RequestStream::read(char* ptr, std::size_t size) {
    if (size == 0) return 0;
    if (phase_ == Phase::head && !read_head()) return -1;
    switch (phase_) {
        case Phase::head_out: {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, left_));
            left_ -= n;
            if (left_ == 0) {
                phase_ = verdict_.body == framing::Body::length    ? Phase::length
                         : verdict_.body == framing::Body::chunked ? Phase::chunked
                                                                   : Phase::complete;
                left_ = verdict_.length;
            }
            return hand_out(ptr, n);
        }
        case Phase::length: {
            std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, left_));
            ssize_t n;
            if (has_buffered()) {
                n = hand_out(ptr, std::min(want, end_ - begin_));
            } else {  // straight into the caller's buffer: no copy for bodies
                n = recv_or_wait(fd_, ptr, want, read_timeout_ms_);
                if (n <= 0) return n;
            }
            left_ -= static_cast<std::uint64_t>(n);
            if (left_ == 0) phase_ = Phase::complete;
            return n;
        }
        case Phase::chunked: {
            if (!has_buffered()) {
                ssize_t got = fill();
                if (got <= 0) return got;
            }
            std::size_t n = chunks_.feed(buf_.data() + begin_, std::min(size, end_ - begin_));
            if (chunks_.failed()) {
                refuse(chunks_.status(), chunks_.message(), verdict_.method, false);
                return -1;
            }
            if (chunks_.done()) phase_ = Phase::complete;
            return hand_out(ptr, n);
        }
        case Phase::complete:
            return 0;  // nothing past the request's end
        default:
            return -1;
    }
}

ssize_t RequestStream::write(const char* ptr, std::size_t size) {
    return send_or_wait(fd_, ptr, size, write_timeout_ms_);
}

void RequestStream::get_remote_ip_and_port(std::string& ip, int& port) const {
    if (!remote_) {
        remote_.emplace(std::string(), 0);
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            numeric_name(addr, len, remote_->first, remote_->second);
        }
    }
    ip = remote_->first;
    port = remote_->second;
}

void RequestStream::get_local_ip_and_port(std::string& ip, int& port) const {
    if (!local_) {
        local_.emplace(std::string(), 0);
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            numeric_name(addr, len, local_->first, local_->second);
        }
    }
    ip = local_->first;
    port = local_->second;
}

}  // namespace ipto::front
