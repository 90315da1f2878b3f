#include "response_cork.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "connection.hpp"

namespace ipto::front::response_cork {
namespace {

void set_cork(int on) {
    int fd = connection::current_fd();
    if (fd >= 0) (void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
}

}  // namespace

void hold() { set_cork(1); }
void release() { set_cork(0); }

}  // namespace ipto::front::response_cork
