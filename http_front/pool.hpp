// A bounded pool of libpq connections.
//
// acquire() hands out an idle connection (checking first that the server has
// not closed it), opens a new one while fewer than `size` exist, or waits up
// to a deadline. Connecting is bounded too (PQconnectStart/PQconnectPoll with a
// deadline), and after a failed connect the pool fails fast for a short
// back-off, so a database that is down costs each request microseconds, not
// seconds, and the first request after the back-off tries again: recovery
// needs no restart.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace ipto::front {

struct PoolOptions {
    std::string conninfo;  // libpq conninfo or URI; empty: PG* environment
    std::size_t size = 8;
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds backoff{500};
};

struct PoolStats {
    std::size_t in_use = 0;
    std::size_t idle = 0;
    std::size_t waiting = 0;
    std::size_t size = 0;
};

class PoolUnavailable : public std::runtime_error {
public:
    enum class Reason { connect_failed, backoff, timeout };
    PoolUnavailable(Reason reason, const std::string& what) : std::runtime_error(what), reason_(reason) {}
    Reason reason() const { return reason_; }

private:
    Reason reason_;
};

class Pool {
public:
    // Runs on each new connection before first use (e.g. PQprepare); returns
    // an empty string on success, else why it failed (the connection is dropped).
    using Setup = std::function<std::string(PGconn*)>;

    class Lease {
    public:
        Lease() = default;
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&& other) noexcept;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();

        PGconn* get() const { return conn_; }
        explicit operator bool() const { return conn_ != nullptr; }
        // The connection is unusable: close it instead of returning it.
        void mark_broken() { broken_ = true; }

    private:
        friend class Pool;
        Lease(Pool* pool, PGconn* conn) : pool_(pool), conn_(conn) {}
        void release();

        Pool* pool_ = nullptr;
        PGconn* conn_ = nullptr;
        bool broken_ = false;
    };

    Pool(PoolOptions options, Setup setup);
    ~Pool();  // every lease must have been returned
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Throws PoolUnavailable.
    Lease acquire(std::chrono::milliseconds wait);

    PoolStats stats() const;

private:
    PGconn* connect_new(std::string& error);  // nullptr on failure
    Lease connect_slot(std::unique_lock<std::mutex>& lock);
    void give_back(PGconn* conn, bool broken);

    const PoolOptions options_;
    const Setup setup_;

    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<PGconn*> idle_;
    std::size_t open_ = 0;     // idle + in use + being opened
    std::size_t waiting_ = 0;
    std::chrono::steady_clock::time_point down_until_{};
    std::string last_error_;
};

// True when the server has closed this idle connection (shutdown, restart,
// idle timeout): reads what is pending without blocking.
bool connection_is_dead(PGconn* conn);

}  // namespace ipto::front
