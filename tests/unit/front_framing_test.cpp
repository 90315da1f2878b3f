// The framing gate on request heads: every rule, and the valid forms it must pass.
#include <gtest/gtest.h>

#include <string>

#include "framing.hpp"

namespace ipto::front::framing {
namespace {

std::string head(const std::string& lines) { return lines + "\r\n"; }

Verdict check(const std::string& lines) { return check_request_head(head(lines)); }

void expect_refused(const std::string& lines, int status = 400) {
    Verdict v = check(lines);
    EXPECT_EQ(v.status, status) << lines;
    EXPECT_FALSE(v.message.empty()) << lines;
}

const std::string kGet = "GET /v1/datasets HTTP/1.1\r\nHost: api\r\n";
const std::string kPost = "POST /v1/datasets HTTP/1.1\r\nHost: api\r\n";

TEST(FrontFraming, ValidHeadsPass) {
    Verdict v = check(kGet);
    ASSERT_TRUE(v.ok()) << v.message;
    EXPECT_EQ(v.method, "GET");
    EXPECT_EQ(v.body, Body::none);
    v = check(kPost + "Content-Length: 21\r\n");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.body, Body::length);
    EXPECT_EQ(v.length, 21u);
    EXPECT_EQ(check(kPost + "Content-Length: 0\r\n").body, Body::none);
    EXPECT_EQ(check(kPost + "Content-Length: 007\r\n").length, 7u);
    EXPECT_EQ(check(kPost + "Transfer-Encoding: chunked\r\n").body, Body::chunked);
    // Names and the coding compare case-insensitively; OWS around values is no part of them.
    EXPECT_EQ(check(kPost + "TRANSFER-ENCODING: CHUNKED\r\n").body, Body::chunked);
    EXPECT_EQ(check(kPost + "transfer-encoding:\tChunked \t\r\n").body, Body::chunked);
    EXPECT_EQ(check(kPost + "content-length:5\r\n").length, 5u);
    EXPECT_EQ(check("GET / HTTP/1.1\r\nhost: a\r\n").status, 0);
    EXPECT_EQ(check("GET / HTTP/1.0\r\n").status, 0);  // HTTP/1.0 needs no Host
    EXPECT_EQ(check("GET / HTTP/1.1\r\nHost:\r\n").status, 0);  // empty Host is allowed
    EXPECT_EQ(check("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n").status, 0);
    EXPECT_EQ(check("OPTIONS * HTTP/1.1\r\nHost: a\r\n").status, 0);
    EXPECT_EQ(check("GET http://a/x?y=1 HTTP/1.1\r\nHost: a\r\n").status, 0);
    EXPECT_EQ(check(kGet + "X-Opaque: caf\xc3\xa9\r\n").status, 0);  // obs-text in an unrelated value
    EXPECT_EQ(check(kGet + "X-Empty:\r\n").status, 0);
    EXPECT_EQ(check(kGet + "Content_Length: 5\r\n").body, Body::none);  // not Content-Length
}

TEST(FrontFraming, BothTransferEncodingAndContentLength) {
    expect_refused(kPost + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n");
    expect_refused(kPost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n");
    expect_refused(kPost + "Transfer-Encoding: xchunked\r\nContent-Length: 3\r\n");
}

TEST(FrontFraming, DuplicateContentLength) {
    expect_refused(kPost + "Content-Length: 21\r\nContent-Length: 5\r\n");
    expect_refused(kPost + "Content-Length: 5\r\nContent-Length: 5\r\n");  // equal ones too
    expect_refused(kPost + "Content-Length: 5, 5\r\n");
}

TEST(FrontFraming, ContentLengthIsDigitsThatFit) {
    for (const char* v : {"+21", "-1", "2e0", "0x10", "5 5", "", " ", "1.0", "\xd9\xa1"}) {
        expect_refused(kPost + "Content-Length: " + v + "\r\n");
    }
    expect_refused(kPost + "Content-Length: 99999999999999999999\r\n");  // 20 digits: does not fit
    expect_refused(kPost + "Content-Length: 1048577\r\n", 413);
    expect_refused(kPost + "Content-Length: 2000000\r\n", 413);
    EXPECT_EQ(check(kPost + "Content-Length: 1048576\r\n").length, 1048576u);
    EXPECT_EQ(check(kPost + "Content-Length: 00000000000000000000000001\r\n").length, 1u);
}

TEST(FrontFraming, TransferEncodingOnlyChunked) {
    for (const char* v : {"xchunked", "chunked, identity", "identity", "gzip, chunked", "chunked,chunked",
                          "chunked;q=1", "\"chunked\"", "chunk", "chunked\x0b", "", "cHuNkEd x"}) {
        expect_refused(kPost + "Transfer-Encoding: " + v + "\r\n");
    }
    expect_refused(kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n");
    expect_refused(kPost + "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n");
    expect_refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n");
}

TEST(FrontFraming, FieldSyntax) {
    expect_refused(kPost + "Transfer-Encoding : chunked\r\n");
    expect_refused(kPost + "Content-Length\t: 5\r\n");
    expect_refused(kGet + "X-A: b\r\n c\r\n");    // obs-fold
    expect_refused(kGet + "X-A: b\r\n\tc\r\n");   // obs-fold with a tab
    expect_refused(kPost + " Transfer-Encoding: chunked\r\n");
    expect_refused(kGet + "X-A b\r\n");
    expect_refused(kGet + ": b\r\n");
    expect_refused(kGet + "X A: b\r\n");
    expect_refused(kGet + "X-\x80: b\r\n");
    expect_refused(kGet + "X-A: b\x0b c\r\n");
    expect_refused(kGet + "X-A: b\x7f\r\n");
    expect_refused(kGet + "X-A: b\x01\r\n");
    EXPECT_EQ(check_request_head(kGet + "X-A: b\rc\r\n\r\n").status, 400);
    EXPECT_EQ(check_request_head(kGet + "X-A: b\nc\r\n\r\n").status, 400);
    EXPECT_EQ(check_request_head(kGet + std::string("X-A: b\0c\r\n\r\n", 11)).status, 400);
}

TEST(FrontFraming, RequestLine) {
    for (const char* line : {"GET /  HTTP/1.1", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET /",
                             "GET / HTTP/1.1 x", "GET\t/ HTTP/1.1", "G(T / HTTP/1.1", "GET / http/1.1",
                             "GET / HTTP/1.10", "GET / HTTP/2.0", "GET / HTTP/1.2", "GET /a\x7f HTTP/1.1",
                             "GET /\xc3\xa9 HTTP/1.1", "GET", "", "PRI * HTTP/2.0"}) {
        expect_refused(std::string(line) + "\r\nHost: a\r\n");
    }
}

TEST(FrontFraming, Host) {
    expect_refused("GET / HTTP/1.1\r\n");
    expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n");
    expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n");
    expect_refused("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n");
    expect_refused("GET / HTTP/1.1\r\nHost: a b\r\n");
    expect_refused("GET / HTTP/1.1\r\nHost: a/b\r\n");
    expect_refused("GET / HTTP/1.1\r\nHost: a@b\r\n");
}

TEST(FrontFraming, HeadSizeIs431) {
    std::string big = kGet + "X-Big: " + std::string(kMaxRequestHead, 'a') + "\r\n";
    expect_refused(big, 431);
}

TEST(FrontFraming, NotCrlfLines) {
    EXPECT_EQ(check_request_head("").status, 400);
    EXPECT_EQ(check_request_head("\r\n").status, 400);
    EXPECT_EQ(check_request_head(kGet).status, 400);  // no empty line
    EXPECT_EQ(check_request_head(kGet + "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").status, 400);  // two heads
}

TEST(FrontFraming, MethodIsReportedWhenRefused) {
    EXPECT_EQ(check(kPost + "Content-Length: +1\r\n").method, "POST");
}

TEST(FrontFramingScan, FindsTheEnd) {
    std::string h = kGet + "\r\n";
    HeadScan s = scan_head(h + "GET /next");
    ASSERT_EQ(s.state, HeadScan::State::complete);
    EXPECT_EQ(s.length, h.size());
    s = scan_head(h.substr(0, h.size() - 1));
    EXPECT_EQ(s.state, HeadScan::State::incomplete);
    EXPECT_EQ(s.resume, h.size() - 2);  // at the CR whose LF has not come
    s = scan_head(h.substr(0, h.size() - 2));
    EXPECT_EQ(s.state, HeadScan::State::incomplete);
    EXPECT_EQ(s.resume, h.size() - 2);
}

TEST(FrontFramingScan, ResumesWhereItStopped) {
    std::string h = kGet + "\r\n";
    std::size_t resume = 0;
    for (std::size_t n = 1; n <= h.size(); ++n) {  // a byte at a time
        HeadScan s = scan_head(std::string_view(h).substr(0, n), resume);
        if (n < h.size()) {
            ASSERT_EQ(s.state, HeadScan::State::incomplete) << n;
            resume = s.resume;
        } else {
            ASSERT_EQ(s.state, HeadScan::State::complete);
            EXPECT_EQ(s.length, h.size());
        }
    }
}

TEST(FrontFramingScan, DecidesBeforeTheEnd) {
    EXPECT_EQ(scan_head("GET / HTTP/1.1\nHost: a").state, HeadScan::State::malformed);
    EXPECT_EQ(scan_head("GET / HTTP/1.1\r\nHost: a\rX").state, HeadScan::State::malformed);
    EXPECT_EQ(scan_head(std::string("GET /\0", 6)).state, HeadScan::State::malformed);
    EXPECT_EQ(scan_head("\n").state, HeadScan::State::malformed);
}

}  // namespace
}  // namespace ipto::front::framing
