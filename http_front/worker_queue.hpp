// The HTTP worker threads: cpp-httplib's TaskQueue, made elastic.
//
// Why not httplib::ThreadPool(N): in 0.11.4 a connection holds its worker
// thread for its whole life, including the keep-alive wait between requests
// (up to the keep-alive timeout). With a fixed pool of 64, 200 idle keep-alive
// clients would occupy every worker and a new client would queue behind them
// for seconds. So `core` threads are kept ready, and whenever a connection
// arrives with no idle worker, another thread starts (up to `max`); threads
// above `core` exit after being idle for a while. An idle keep-alive client
// then costs a mostly-sleeping thread, never a new client's latency.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include "httplib_compat.hpp"

namespace ipto::front {

class WorkerQueue : public httplib::TaskQueue {
public:
    WorkerQueue(std::size_t core, std::size_t max, std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
    ~WorkerQueue() override;

    void enqueue(std::function<void()> fn) override;
    // Runs every job already queued, then joins every thread.
    void shutdown() override;

    std::size_t threads() const { return threads_count_.load(); }

private:
    void spawn_locked();
    void work(std::list<std::thread>::iterator self);
    void reap_locked();

    const std::size_t core_;
    const std::size_t max_;
    const std::chrono::milliseconds idle_exit_;

    std::mutex mutex_;
    std::condition_variable cond_;
    std::deque<std::function<void()>> jobs_;
    std::list<std::thread> threads_;
    std::list<std::list<std::thread>::iterator> finished_;
    std::size_t idle_ = 0;
    bool shutdown_ = false;
    std::atomic<std::size_t> threads_count_{0};
};

}  // namespace ipto::front
