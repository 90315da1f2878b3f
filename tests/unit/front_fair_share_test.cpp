// The fair share of database connections between tenants: who gets the next
// free connection, and how many a flooding tenant may hold while another is
// active. No timing: threads wait on the gate, and the test looks at who
// holds what.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "fair_share.hpp"

using ipto::front::FairShare;
using namespace std::chrono_literals;

namespace {

FairShare::Clock::time_point later() { return FairShare::Clock::now() + 60s; }

// Spins (yielding) until cond() holds; fails the test after a generous bound.
template <typename F>
void eventually(F cond) {
    for (int i = 0; i < 2000000 && !cond(); ++i) std::this_thread::yield();
    ASSERT_TRUE(cond());
}

TEST(FrontFairShare, AKeyAloneMayUseEveryConnection) {
    FairShare gate(4, 10s);
    std::vector<FairShare::Turn> turns;
    for (int i = 0; i < 4; ++i) {
        auto t = gate.enter("flood", later());
        ASSERT_TRUE(t);
        turns.push_back(std::move(*t));
    }
    EXPECT_EQ(gate.held_by("flood"), 4u);
    EXPECT_FALSE(gate.enter("flood", FairShare::Clock::now() + 1ms));  // full: a timeout, not a hang
    turns.clear();
    EXPECT_EQ(gate.stats().in_flight, 0u);
}

TEST(FrontFairShare, TheNextConnectionGoesToTheKeyHoldingFewest) {
    FairShare gate(4, 10s);
    std::vector<FairShare::Turn> flood;
    for (int i = 0; i < 4; ++i) flood.push_back(std::move(*gate.enter("flood", later())));
    // More of the flood waits first; then the other tenant arrives.
    std::atomic<int> flood_admitted{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) {
        waiters.emplace_back([&] {
            auto t = gate.enter("flood", later());
            ++flood_admitted;
        });
    }
    eventually([&] { return gate.stats().waiting == 3; });
    std::atomic<bool> other_admitted{false};
    std::thread other([&] {
        auto t = gate.enter("other", later());
        other_admitted = true;
        while (other_admitted) std::this_thread::yield();  // hold it until told
    });
    eventually([&] { return gate.stats().waiting == 4; });
    flood.pop_back();  // one connection frees: it goes to "other", not to the older flood waiters
    eventually([&] { return other_admitted.load(); });
    EXPECT_EQ(gate.held_by("other"), 1u);
    EXPECT_EQ(flood_admitted, 0);
    other_admitted = false;
    other.join();
    flood.clear();
    for (auto& t : waiters) t.join();
    EXPECT_EQ(flood_admitted, 3);
}

TEST(FrontFairShare, WhileAnotherKeyIsActiveAFloodHoldsAtMostItsShare) {
    FairShare gate(16, 10s);  // a long window: "active" for the whole test
    { auto t = gate.enter("other", later()); }  // the other tenant was just here
    std::atomic<bool> stop{false};
    std::vector<std::thread> flood;
    for (int i = 0; i < 12; ++i) {
        flood.emplace_back([&] {
            auto t = gate.enter("flood", later());
            while (!stop) std::this_thread::yield();
        });
    }
    eventually([&] { return gate.stats().waiting == 10; });
    EXPECT_EQ(gate.held_by("flood"), 2u);  // 16 connections / (4 x 2 active tenants)
    EXPECT_EQ(gate.stats().active_keys, 2u);
    // The other tenant gets in at once, though the flood waits; with a third
    // tenant active the flood's share drops to its floor of one.
    auto mine = gate.enter("other", FairShare::Clock::now() + 1ms);
    EXPECT_TRUE(mine);
    mine.reset();
    { auto t = gate.enter("third", later()); }
    EXPECT_EQ(gate.stats().active_keys, 3u);
    stop = true;
    for (auto& t : flood) t.join();
    EXPECT_EQ(gate.stats().in_flight, 0u);
    EXPECT_EQ(gate.stats().waiting, 0u);
}

TEST(FrontFairShare, AWaiterThatTimesOutLeavesTheQueue) {
    FairShare gate(1, 10s);
    auto held = gate.enter("a", later());
    EXPECT_FALSE(gate.enter("b", FairShare::Clock::now() + 2ms));
    EXPECT_EQ(gate.stats().waiting, 0u);
    held.reset();
    EXPECT_TRUE(gate.enter("b", later()));
}

}  // namespace
