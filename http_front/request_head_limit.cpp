#include "request_head_limit.hpp"

#include <dlfcn.h>
#include <sys/socket.h>

#include <cerrno>

namespace ipto::front::request_head {
namespace {

thread_local bool t_counting = false;
thread_local std::size_t t_bytes = 0;
thread_local int t_fd = -1;
std::function<std::string()> g_refusal;

using RecvFn = ssize_t (*)(int, void*, std::size_t, int);

RecvFn real_recv() {
    static RecvFn fn = reinterpret_cast<RecvFn>(dlsym(RTLD_NEXT, "recv"));
    return fn;
}

// Best effort: the client is gone or will not read.
void refuse(int fd) {
    if (g_refusal) {
        std::string bytes = g_refusal();
        (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

void begin_connection() {
    t_fd = -1;
    begin();
}

void begin() {
    t_counting = true;
    t_bytes = 0;
}

void end() { t_counting = false; }

int connection_fd() { return t_fd; }

void set_refusal(std::function<std::string()> render) { g_refusal = std::move(render); }

}  // namespace ipto::front::request_head

// The interposed recv(): the executable's definition comes first in symbol
// lookup, so cpp-httplib's (and libpq's) calls arrive here.
extern "C" ssize_t recv(int fd, void* buf, std::size_t len, int flags) {
    using namespace ipto::front::request_head;
    if (!t_counting) return real_recv()(fd, buf, len, flags);
    if (t_bytes >= kMaxRequestHead) {
        t_counting = false;  // once: cpp-httplib's own error answer then fails to write
        refuse(fd);
        errno = ECONNRESET;
        return -1;
    }
    t_fd = fd;
    ssize_t n = real_recv()(fd, buf, len, flags);
    if (n > 0) t_bytes += static_cast<std::size_t>(n);
    return n;
}
