// The elastic worker queue: jobs never wait behind busy workers while the
// ceiling allows another thread, and shutdown runs what was queued.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "worker_queue.hpp"

namespace ipto::front {
namespace {

using namespace std::chrono_literals;

TEST(FrontWorkerQueue, BusyWorkersDoNotStarveANewJob) {
    WorkerQueue q(2, 64, 200ms);
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    std::atomic<int> blocked{0};
    // Like idle keep-alive connections: ten jobs that hold their thread.
    for (int i = 0; i < 10; ++i) {
        q.enqueue([&] {
            ++blocked;
            std::unique_lock<std::mutex> lock(m);
            cv.wait(lock, [&] { return release; });
        });
    }
    std::atomic<bool> ran{false};
    q.enqueue([&] { ran = true; });
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!ran && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(ran.load());
    EXPECT_GE(q.threads(), 11u);
    {
        std::lock_guard<std::mutex> lock(m);
        release = true;
    }
    cv.notify_all();
    // Extra threads leave once idle; the core stays.
    deadline = std::chrono::steady_clock::now() + 3s;
    while (q.threads() > 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(q.threads(), 2u);
    q.enqueue([&] { ran = false; });  // and it still works after shrinking
    deadline = std::chrono::steady_clock::now() + 2s;
    while (ran && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(ran.load());
}

TEST(FrontWorkerQueue, CeilingHolds) {
    WorkerQueue q(1, 3, 1s);
    std::atomic<bool> release{false};
    std::atomic<int> done{0};
    for (int i = 0; i < 6; ++i) {
        q.enqueue([&] {
            while (!release) std::this_thread::sleep_for(1ms);
            ++done;
        });
    }
    std::this_thread::sleep_for(50ms);
    EXPECT_LE(q.threads(), 3u);
    release = true;
    q.shutdown();
    EXPECT_EQ(done.load(), 6);  // queued jobs still ran
}

TEST(FrontWorkerQueue, ShutdownRunsQueuedJobs) {
    std::atomic<int> done{0};
    {
        WorkerQueue q(1, 1, 1s);
        for (int i = 0; i < 20; ++i) q.enqueue([&] { ++done; });
        q.shutdown();
    }
    EXPECT_EQ(done.load(), 20);
}

}  // namespace
}  // namespace ipto::front
