// The pool against a database that is not there: 503 fast, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "database.hpp"
#include "pool.hpp"

namespace ipto::front {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Port 1 on loopback: refused at once.
const char* kRefused = "host=127.0.0.1 port=1 dbname=x user=x connect_timeout=1";

TEST(FrontPool, RefusedConnectFailsFastThenBacksOff) {
    PoolOptions o;
    o.conninfo = kRefused;
    o.size = 2;
    o.backoff = 300ms;
    Pool pool(o, nullptr);
    auto start = Clock::now();
    try {
        pool.acquire(1s);
        FAIL() << "connected to nothing";
    } catch (const PoolUnavailable& e) {
        EXPECT_EQ(e.reason(), PoolUnavailable::Reason::connect_failed);
    }
    try {
        pool.acquire(1s);
        FAIL();
    } catch (const PoolUnavailable& e) {
        EXPECT_EQ(e.reason(), PoolUnavailable::Reason::backoff);
    }
    EXPECT_LT(Clock::now() - start, 1s);
    std::this_thread::sleep_for(350ms);
    try {
        pool.acquire(1s);
        FAIL();
    } catch (const PoolUnavailable& e) {
        EXPECT_EQ(e.reason(), PoolUnavailable::Reason::connect_failed);  // tried again after the back-off
    }
    PoolStats s = pool.stats();
    EXPECT_EQ(s.in_use, 0u);
    EXPECT_EQ(s.idle, 0u);
    EXPECT_EQ(s.waiting, 0u);
    EXPECT_EQ(s.size, 2u);
}

TEST(FrontPool, DatabaseBackendAnswers503) {
    PoolOptions o;
    o.conninfo = kRefused;
    Database db(o, 1s);
    auto start = Clock::now();
    CallOutcome r = db.call(Operation::get_dataset, {"api_key", "abcd1234", std::string(64, '0'), "dset_x"}, "req_test");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->status, 503);
    EXPECT_EQ(r.error->code, "unavailable");
    EXPECT_FALSE(db.ready());
    EXPECT_LT(Clock::now() - start, 1500ms);
}

}  // namespace
}  // namespace ipto::front
