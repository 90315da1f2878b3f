// Admission to the database connections, fair between tenants.
//
// The database's CPU is what a flooding tenant takes from the others, and a
// pool connection is the unit of it: a request holds one for its whole
// call. Without a gate, requests queue for the pool in arrival order, and a
// tenant with 128 connections puts 128 requests ahead of everyone else's.
// Here each request enters under its tenant's key and:
//
// - a free connection goes to the waiting key that holds the fewest, the
//   longest-waiting request of that key first (so a tenant with one
//   request in flight goes before one with seven);
// - while several keys are active (a request within `active_window`), none
//   holds more than capacity / (kContention × active keys), at least one;
// - a key alone may use every connection: nothing is held back for nobody.
//
// Why a quarter of an even split: the front and the database share the
// CPU, and a tenant's calls beyond a few in flight do not finish sooner,
// they only queue on the CPU ahead of everyone else's. Measured with two
// tenants on 2 cores and a pool of 8 (bench/fairness.py), a reader's
// throughput under a 128-connection flood of GETs was 0.23 of its own
// alone with the flood holding 4 connections, 0.50 with 2, 0.62 with 1.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ipto::front {

class FairShare {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kContention = 4;

    explicit FairShare(std::size_t capacity, std::chrono::milliseconds active_window = std::chrono::milliseconds(200));
    FairShare(const FairShare&) = delete;
    FairShare& operator=(const FairShare&) = delete;

    // A connection's worth of admission; gives it back when destroyed.
    class Turn {
    public:
        Turn() = default;
        Turn(Turn&& other) noexcept;
        Turn& operator=(Turn&& other) noexcept;
        ~Turn();

    private:
        friend class FairShare;
        Turn(FairShare* gate, std::string key) : gate_(gate), key_(std::move(key)) {}
        FairShare* gate_ = nullptr;
        std::string key_;
    };

    // Waits until `key` may use a connection; nullopt if `deadline` passes first.
    std::optional<Turn> enter(const std::string& key, Clock::time_point deadline);

    struct Stats {
        std::size_t in_flight = 0;
        std::size_t waiting = 0;
        std::size_t active_keys = 0;
    };
    Stats stats() const;
    // Connections `key` holds now (for tests and metrics).
    std::size_t held_by(const std::string& key) const;

private:
    struct Waiter {
        std::condition_variable cv;
        bool granted = false;
        std::uint64_t arrival = 0;
    };
    struct Key {
        std::size_t in_flight = 0;
        std::deque<Waiter*> queue;
        Clock::time_point last_seen;
    };

    void leave(const std::string& key);
    void dispatch(Clock::time_point now);  // mutex_ held
    std::size_t active_keys(Clock::time_point now);  // mutex_ held; forgets idle keys

    const std::size_t capacity_;
    const std::chrono::milliseconds active_window_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Key> keys_;
    std::size_t in_flight_ = 0;
    std::size_t waiting_ = 0;
    std::uint64_t arrivals_ = 0;
};

}  // namespace ipto::front
