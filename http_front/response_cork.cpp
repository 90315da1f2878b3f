#include "response_cork.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "request_head_limit.hpp"

namespace ipto::front::response_cork {
namespace {

void set_cork(int on) {
    int fd = request_head::connection_fd();
    if (fd >= 0) (void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
}

}  // namespace

void hold() { set_cork(1); }
void release() { set_cork(0); }

}  // namespace ipto::front::response_cork
