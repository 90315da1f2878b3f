#include "worker_queue.hpp"

#include <stdexcept>
#include <system_error>

namespace ipto::front {

WorkerQueue::WorkerQueue(std::size_t core, std::size_t max, std::chrono::milliseconds idle_exit)
    : core_(core == 0 ? 1 : core), max_(max < core ? core : max), idle_exit_(idle_exit) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < core_; ++i) spawn_locked();
    if (threads_.empty()) throw std::runtime_error("could not start any worker thread");
}

WorkerQueue::~WorkerQueue() { shutdown(); }

void WorkerQueue::spawn_locked() {
    threads_.emplace_back();
    auto it = std::prev(threads_.end());
    try {
        *it = std::thread([this, it] { work(it); });
    } catch (const std::system_error&) {
        // Out of threads (RLIMIT_NPROC, pids.max): the job waits for a
        // running worker instead. Nothing may escape into the accept loop.
        threads_.erase(it);
        return;
    }
    ++threads_count_;
}

void WorkerQueue::reap_locked() {
    // Threads that exited for idleness; joining them here is immediate.
    for (auto it : finished_) {
        if (it->joinable()) it->join();
        threads_.erase(it);
    }
    finished_.clear();
}

void WorkerQueue::enqueue(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_) return;
    reap_locked();
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_count_.load() < max_) spawn_locked();
    if (threads_.empty()) spawn_locked();  // the core may have shrunk after a failed spawn
    cond_.notify_one();
}

void WorkerQueue::work(std::list<std::thread>::iterator self) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        ++idle_;
        bool got = cond_.wait_for(lock, idle_exit_, [this] { return !jobs_.empty() || shutdown_; });
        --idle_;
        if (!got) {
            // Idle too long: extra threads leave, the core stays.
            if (threads_count_.load() > core_) break;
            continue;
        }
        if (jobs_.empty()) break;  // shut down with nothing left to do
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;
        lock.lock();
    }
    --threads_count_;
    if (!shutdown_) finished_.push_back(self);
}

void WorkerQueue::shutdown() {
    std::list<std::thread> all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (shutdown_ && threads_.empty()) return;
        shutdown_ = true;
        cond_.notify_all();
    }
    // Threads never leave threads_ after shutdown_ is set, so joining each
    // (without the lock, as they need it to finish) is safe.
    for (;;) {
        std::thread t;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (threads_.empty()) break;
            t = std::move(threads_.front());
            threads_.pop_front();
        }
        if (t.joinable()) t.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    finished_.clear();
}

}  // namespace ipto::front
