// Chunked bodies: where they end, and every malformed form refused at its first bad byte.
#include <gtest/gtest.h>

#include <string>

#include "chunked_framing.hpp"

namespace ipto::front::framing {
namespace {

struct Scan {
    std::size_t consumed;
    ChunkedScanner scanner;
};

Scan scan(const std::string& body, std::size_t step = 0) {
    Scan s{0, {}};
    step = step ? step : body.size();
    for (std::size_t at = 0; at < body.size(); at += step) {
        std::size_t n = std::min(step, body.size() - at);
        std::size_t k = s.scanner.feed(body.data() + at, n);
        s.consumed += k;
        if (k < n || s.scanner.done() || s.scanner.failed()) break;
    }
    return s;
}

TEST(FrontChunked, WellFormedBodiesEndExactly) {
    for (std::string body : {"0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", "5;ext=1\r\nhello\r\n000\r\n\r\n",
                             "A\r\n0123456789\r\n0\r\n\r\n", "a\r\n0123456789\r\n1\r\nx\r\n0;last\r\n\r\n",
                             "00005\r\nhello\r\n0\r\n\r\n"}) {
        for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
            Scan s = scan(body + "GET / HTTP/1.1\r\n", step);
            EXPECT_TRUE(s.scanner.done()) << body << " step " << step;
            EXPECT_EQ(s.consumed, body.size()) << body;
        }
    }
}

TEST(FrontChunked, IncompleteIsNeitherDoneNorFailed) {
    Scan s = scan("5\r\nhel");
    EXPECT_FALSE(s.scanner.done());
    EXPECT_FALSE(s.scanner.failed());
    EXPECT_EQ(s.consumed, 6u);
}

TEST(FrontChunked, MalformedSizesAndFraming) {
    for (std::string body : {"+2\r\nhi\r\n0\r\n\r\n", " 2\r\nhi\r\n0\r\n\r\n", "2 \r\nhi\r\n0\r\n\r\n",
                             "0x2\r\nhi\r\n0\r\n\r\n", "-1\r\n", "\r\n", "g\r\n", "2\nhi\r\n0\r\n\r\n",
                             "2\rhi", "2\r\nhiX\r\n0\r\n\r\n", "2\r\nh\r\n0\r\n\r\n", "2\r\nhi\n0\r\n\r\n",
                             "2;a\x01\r\nhi\r\n", "2\t;a\r\nhi\r\n", "0\r\nX-Trailer: 1\r\n\r\n", "0\r\n\n",
                             "0\r\n\rX", ";\r\n0\r\n\r\n"}) {
        Scan s = scan(body);
        EXPECT_TRUE(s.scanner.failed()) << body;
        EXPECT_EQ(s.scanner.status(), 400) << body;
        EXPECT_FALSE(s.scanner.message().empty());
    }
}

TEST(FrontChunked, DeclaredOverOneMebibyteIs413) {
    Scan s = scan("100001\r\n");
    EXPECT_TRUE(s.scanner.failed());
    EXPECT_EQ(s.scanner.status(), 413);
    s = scan("ffffffffffffffffffffffff\r\n");  // would overflow 64 bits
    EXPECT_EQ(s.scanner.status(), 413);
    std::string half(512 * 1024, 'a');
    std::string body = "80000\r\n" + half + "\r\n80000\r\n" + half + "\r\n1\r\n";
    s = scan(body);
    EXPECT_EQ(s.scanner.status(), 413);
    body = "80000\r\n" + half + "\r\n80000\r\n" + half + "\r\n0\r\n\r\n";  // exactly 1 MiB
    EXPECT_TRUE(scan(body).scanner.done());
}

TEST(FrontChunked, LongSizeLinesAreRefused) {
    Scan s = scan("1;" + std::string(5000, 'a') + "\r\n");
    EXPECT_TRUE(s.scanner.failed());
    s = scan(std::string(5000, '0') + "\r\n");
    EXPECT_TRUE(s.scanner.failed());
}

}  // namespace
}  // namespace ipto::front::framing
