// The request stream over a socket pair: each request handed out to its last
// byte and never past it, whatever arrived with it; refusals decided from
// what arrived.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "request_stream.hpp"

namespace ipto::front {
namespace {

class RequestStreamTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
    void TearDown() override {
        ::close(fds_[0]);
        if (fds_[1] >= 0) ::close(fds_[1]);
    }

    void send(const std::string& bytes) {
        ASSERT_EQ(::send(fds_[1], bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    }
    void close_peer() {
        ::close(fds_[1]);
        fds_[1] = -1;
    }

    // Reads the current request as cpp-httplib would, in reads of `step`
    // bytes, until the stream says it is over (0) or fails (-1).
    std::string read_request(RequestStream& s, std::size_t step = 7, bool* failed = nullptr) {
        std::string out;
        char buf[64];
        for (;;) {
            ssize_t n = s.read(buf, std::min(step, sizeof buf));
            if (n <= 0) {
                if (failed) *failed = n < 0;
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }

    int fds_[2] = {-1, -1};
};

const std::string kGet = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";

TEST_F(RequestStreamTest, PipelinedRequestsAreCutAtTheirEnds) {
    std::string post = "POST /v1/datasets HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    std::string chunked = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;e\r\nhi\r\n0\r\n\r\n";
    send(kGet + post + chunked + kGet);
    RequestStream s(fds_[0], 1, 1);
    for (const std::string* want : std::initializer_list<const std::string*>{&kGet, &post, &chunked, &kGet}) {
        s.next_request();
        EXPECT_EQ(read_request(s), *want);
        EXPECT_TRUE(s.request_complete());
        EXPECT_FALSE(s.refusal());
    }
    EXPECT_FALSE(s.has_buffered());
}

TEST_F(RequestStreamTest, EmptyLinesBeforeARequestAreDropped) {
    send("\r\n\r\n" + kGet);
    RequestStream s(fds_[0], 1, 1);
    s.next_request();
    EXPECT_EQ(read_request(s, 1), kGet);
}

TEST_F(RequestStreamTest, ARefusedHeadReadsAsFailureWithTheRule) {
    send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n" + kGet);
    RequestStream s(fds_[0], 1, 1);
    s.next_request();
    bool failed = false;
    EXPECT_EQ(read_request(s, 7, &failed), "");  // not a byte of it reaches the parser
    EXPECT_TRUE(failed);
    ASSERT_TRUE(s.refusal());
    EXPECT_EQ(s.refusal()->status, 400);
    EXPECT_TRUE(s.refusal()->in_head);
    EXPECT_EQ(s.refusal()->method, "POST");
    EXPECT_FALSE(s.request_complete());
}

TEST_F(RequestStreamTest, ADeclaredBodyOverTheLimitIs413BeforeAnyBody) {
    send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n");  // and no body, ever
    RequestStream s(fds_[0], 10, 1);
    s.next_request();
    char c;
    EXPECT_EQ(s.read(&c, 1), -1);
    ASSERT_TRUE(s.refusal());
    EXPECT_EQ(s.refusal()->status, 413);
}

TEST_F(RequestStreamTest, ABareLineFeedIsRefusedBeforeTheHeadEnds) {
    send("GET / HTTP/1.1\nHost: a");  // the head never ends; the answer does not wait for it
    RequestStream s(fds_[0], 10, 1);
    s.next_request();
    char c;
    EXPECT_EQ(s.read(&c, 1), -1);
    ASSERT_TRUE(s.refusal());
    EXPECT_EQ(s.refusal()->status, 400);
}

TEST_F(RequestStreamTest, AHeadPastTheLimitIs431) {
    send("GET / HTTP/1.1\r\nX-Big: " + std::string(framing::kMaxRequestHead, 'a'));
    RequestStream s(fds_[0], 10, 1);
    s.next_request();
    char c;
    EXPECT_EQ(s.read(&c, 1), -1);
    ASSERT_TRUE(s.refusal());
    EXPECT_EQ(s.refusal()->status, 431);
}

TEST_F(RequestStreamTest, ABrokenChunkIsRefusedInTheBody) {
    std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    send(head + "+2\r\nhi\r\n0\r\n\r\n" + kGet);
    RequestStream s(fds_[0], 1, 1);
    s.next_request();
    bool failed = false;
    EXPECT_EQ(read_request(s, 1, &failed), head);  // the head passed; the body did not
    EXPECT_TRUE(failed);
    ASSERT_TRUE(s.refusal());
    EXPECT_FALSE(s.refusal()->in_head);
    EXPECT_EQ(s.refusal()->status, 400);
}

TEST_F(RequestStreamTest, ThePeerLeavingMidHeadIsNoRefusal) {
    send("GET / HTTP/1.1\r\nHo");
    close_peer();
    RequestStream s(fds_[0], 1, 1);
    s.next_request();
    bool failed = false;
    EXPECT_EQ(read_request(s, 7, &failed), "");
    EXPECT_TRUE(failed);
    EXPECT_FALSE(s.refusal());
}

TEST_F(RequestStreamTest, AHeadInPiecesIsReadWhole) {
    RequestStream s(fds_[0], 5, 1);
    int peer = fds_[1];
    std::thread sender([peer] {  // a byte per send, while the stream reads
        for (char c : kGet + kGet) (void)::send(peer, &c, 1, 0);
    });
    s.next_request();
    EXPECT_EQ(read_request(s), kGet);
    s.next_request();
    EXPECT_EQ(read_request(s), kGet);
    sender.join();
}

}  // namespace
}  // namespace ipto::front
