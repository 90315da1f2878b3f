#include "request_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "ids.hpp"

namespace ipto::front {
namespace {

// getrandom(2) per id would be a syscall per request; a small per-thread
// buffer keeps the same source at a fraction of the cost.
struct RandomBuffer {
    std::uint8_t bytes[256];
    std::size_t used = sizeof bytes;

    void take(std::uint8_t* out, std::size_t n) {
        if (used + n > sizeof bytes) refill();
        std::memcpy(out, bytes + used, n);
        std::memset(bytes + used, 0, n);
        used += n;
    }

    void refill() {
        std::size_t got = 0;
        while (got < sizeof bytes) {
            ssize_t r = getrandom(bytes + got, sizeof bytes - got, 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                std::abort();  // no strong random source: ids would be guessable
            }
            got += static_cast<std::size_t>(r);
        }
        used = 0;
    }
};

}  // namespace

std::string new_request_id() {
    thread_local RandomBuffer buffer;
    std::array<std::uint8_t, kIdRandomBytes> random{};
    buffer.take(random.data(), random.size());
    return make_id(IdKind::request, random);
}

}  // namespace ipto::front
