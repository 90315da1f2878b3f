#include "fair_share.hpp"

#include <algorithm>

namespace ipto::front {

FairShare::FairShare(std::size_t capacity, std::chrono::milliseconds active_window)
    : capacity_(std::max<std::size_t>(capacity, 1)), active_window_(active_window) {}

FairShare::Turn::Turn(Turn&& other) noexcept : gate_(other.gate_), key_(std::move(other.key_)) { other.gate_ = nullptr; }

FairShare::Turn& FairShare::Turn::operator=(Turn&& other) noexcept {
    if (this != &other) {
        if (gate_) gate_->leave(key_);
        gate_ = other.gate_;
        key_ = std::move(other.key_);
        other.gate_ = nullptr;
    }
    return *this;
}

FairShare::Turn::~Turn() {
    if (gate_) gate_->leave(key_);
}

std::size_t FairShare::active_keys(Clock::time_point now) {
    std::size_t active = 0;
    for (auto it = keys_.begin(); it != keys_.end();) {
        const Key& k = it->second;
        bool busy = k.in_flight > 0 || !k.queue.empty();
        if (busy || now - k.last_seen < active_window_) {
            ++active;
            ++it;
        } else {
            it = keys_.erase(it);
        }
    }
    return active;
}

void FairShare::dispatch(Clock::time_point now) {
    if (waiting_ == 0 || in_flight_ >= capacity_) return;
    const std::size_t active = active_keys(now);
    const std::size_t share = active > 1 ? std::max<std::size_t>(capacity_ / (kContention * active), 1) : capacity_;
    while (in_flight_ < capacity_ && waiting_ > 0) {
        // The waiting key holding the fewest; among equals, the oldest waiter.
        Key* next = nullptr;
        for (auto& [name, k] : keys_) {
            if (k.queue.empty()) continue;
            if (!next || k.in_flight < next->in_flight ||
                (k.in_flight == next->in_flight && k.queue.front()->arrival < next->queue.front()->arrival)) {
                next = &k;
            }
        }
        if (!next || next->in_flight >= share) return;  // every waiting key has its share
        Waiter* w = next->queue.front();
        next->queue.pop_front();
        --waiting_;
        ++next->in_flight;
        ++in_flight_;
        w->granted = true;
        w->cv.notify_one();
    }
}

std::optional<FairShare::Turn> FairShare::enter(const std::string& key, Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto now = Clock::now();
    Key& k = keys_[key];
    k.last_seen = now;
    Waiter w;
    w.arrival = ++arrivals_;
    k.queue.push_back(&w);
    ++waiting_;
    dispatch(now);
    while (!w.granted) {
        if (w.cv.wait_until(lock, deadline) == std::cv_status::timeout && !w.granted) {
            Key& mine = keys_[key];
            mine.queue.erase(std::find(mine.queue.begin(), mine.queue.end(), &w));
            --waiting_;
            return std::nullopt;
        }
    }
    return Turn(this, key);
}

void FairShare::leave(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = Clock::now();
    Key& k = keys_[key];
    --k.in_flight;
    --in_flight_;
    k.last_seen = now;
    dispatch(now);
}

FairShare::Stats FairShare::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Stats s;
    s.in_flight = in_flight_;
    s.waiting = waiting_;
    auto now = Clock::now();
    for (const auto& [name, k] : keys_) {
        if (k.in_flight > 0 || !k.queue.empty() || now - k.last_seen < active_window_) ++s.active_keys;
    }
    return s;
}

std::size_t FairShare::held_by(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = keys_.find(key);
    return it == keys_.end() ? 0 : it->second.in_flight;
}

}  // namespace ipto::front
