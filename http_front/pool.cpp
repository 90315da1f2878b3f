#include "pool.hpp"

#include <poll.h>

#include <cerrno>

namespace ipto::front {

using Clock = std::chrono::steady_clock;

Pool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_), broken_(other.broken_) {
    other.pool_ = nullptr;
    other.conn_ = nullptr;
}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = other.pool_;
        conn_ = other.conn_;
        broken_ = other.broken_;
        other.pool_ = nullptr;
        other.conn_ = nullptr;
    }
    return *this;
}

Pool::Lease::~Lease() { release(); }

void Pool::Lease::release() {
    if (pool_ && conn_) pool_->give_back(conn_, broken_);
    pool_ = nullptr;
    conn_ = nullptr;
}

Pool::Pool(PoolOptions options, Setup setup) : options_(std::move(options)), setup_(std::move(setup)) {}

Pool::~Pool() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (PGconn* c : idle_) PQfinish(c);
    idle_.clear();
}

bool connection_is_dead(PGconn* conn) {
    if (PQstatus(conn) != CONNECTION_OK) return true;
    // An idle connection's socket has something to read only when the server
    // spoke first: typically its "terminating connection" error, then EOF.
    // PQconsumeInput reads what is there without blocking (libpq's socket is
    // non-blocking) but returns after the data, before noticing the EOF, so
    // keep reading while the socket says there is more.
    for (int i = 0; i < 8; ++i) {
        pollfd p{PQsocket(conn), static_cast<short>(POLLIN | POLLRDHUP), 0};
        if (::poll(&p, 1, 0) <= 0) break;
        if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
        if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) return true;
    }
    return PQstatus(conn) != CONNECTION_OK;
}

namespace {

// libpq's default prints notices to stderr, where they would break our
// one-JSON-object-per-line logs; the server's notices are not for clients.
void ignore_notice(void*, const char*) {}

}  // namespace

PGconn* Pool::connect_new(std::string& error) {
    // Our defaults first; the conninfo (expanded from "dbname") may override
    // them; client_encoding last, because bodies and answers are UTF-8.
    const char* keys[] = {"fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "dbname", "client_encoding", nullptr};
    const char* values[] = {"ipto-front", "1", "30", "10", "3",
                            options_.conninfo.empty() ? nullptr : options_.conninfo.c_str(), "UTF8", nullptr};
    auto deadline = Clock::now() + options_.connect_timeout;
    PGconn* conn = PQconnectStartParams(keys, values, 1);
    if (!conn) {
        error = "out of memory";
        return nullptr;
    }
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (PQstatus(conn) != CONNECTION_BAD && state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            error = "timed out connecting to the database";
            PQfinish(conn);
            return nullptr;
        }
        pollfd p{PQsocket(conn), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno != EINTR) {
            error = "poll failed while connecting";
            PQfinish(conn);
            return nullptr;
        }
        if (r > 0) state = PQconnectPoll(conn);
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
        while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
        PQfinish(conn);
        return nullptr;
    }
    PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    if (setup_) {
        error = setup_(conn);
        if (!error.empty()) {
            PQfinish(conn);
            return nullptr;
        }
    }
    return conn;
}

// Fills a slot already counted in open_ with a new connection; on failure
// frees the slot and starts the back-off. Called and returns with `lock` held.
Pool::Lease Pool::connect_slot(std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    std::string error;
    PGconn* conn = connect_new(error);
    lock.lock();
    if (conn) return Lease(this, conn);
    --open_;
    down_until_ = Clock::now() + options_.backoff;
    last_error_ = error;
    available_.notify_one();
    throw PoolUnavailable(PoolUnavailable::Reason::connect_failed, error);
}

Pool::Lease Pool::acquire(std::chrono::milliseconds wait) {
    auto deadline = Clock::now() + wait;
    std::unique_lock<std::mutex> lock(mutex_);
    ++waiting_;
    for (;;) {
        if (!idle_.empty()) {
            PGconn* conn = idle_.back();
            idle_.pop_back();
            --waiting_;
            lock.unlock();
            if (!connection_is_dead(conn)) return Lease(this, conn);
            // Closed by the server while idle: replace it with a fresh one,
            // unless a connect just failed (then fail fast, as below).
            PQfinish(conn);
            lock.lock();
            if (Clock::now() < down_until_) {
                --open_;
                available_.notify_one();
                throw PoolUnavailable(PoolUnavailable::Reason::backoff, last_error_);
            }
            return connect_slot(lock);
        }
        if (open_ < options_.size) {
            if (Clock::now() < down_until_) {
                --waiting_;
                throw PoolUnavailable(PoolUnavailable::Reason::backoff, last_error_);
            }
            ++open_;
            --waiting_;
            return connect_slot(lock);
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= options_.size) {
            --waiting_;
            throw PoolUnavailable(PoolUnavailable::Reason::timeout, "no database connection became free in time");
        }
    }
}

void Pool::give_back(PGconn* conn, bool broken) {
    // A connection left mid-transaction or mid-result cannot be reused safely.
    if (!broken && (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) != PQTRANS_IDLE)) broken = true;
    if (broken) PQfinish(conn);
    std::lock_guard<std::mutex> lock(mutex_);
    if (broken) {
        --open_;
    } else {
        idle_.push_back(conn);
    }
    available_.notify_one();
}

PoolStats Pool::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    PoolStats s;
    s.idle = idle_.size();
    s.in_use = open_ - idle_.size();
    s.waiting = waiting_;
    s.size = options_.size;
    return s;
}

}  // namespace ipto::front
