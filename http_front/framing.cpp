#include "framing.hpp"

#include <vector>

namespace ipto::front::framing {
namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

Verdict refuse(int status, std::string message, std::string method = {}) {
    Verdict v;
    v.status = status;
    v.message = std::move(message);
    v.method = std::move(method);
    return v;
}

// RFC 9110 §5.5: field-vchar, SP and HTAB; obs-text is tolerated in values.
bool is_field_value_byte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7F); }

// RFC 9112 §3.2 with RFC 3986 §3.2.2: what a Host value (uri-host [":" port]) may hold.
bool is_host_byte(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(static_cast<char>(c))) return true;
    return std::string_view("-._~%!$&'()*+,;=:[]").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string_view trim_ows(std::string_view v) {
    while (!v.empty() && is_ows(v.front())) v.remove_prefix(1);
    while (!v.empty() && is_ows(v.back())) v.remove_suffix(1);
    return v;
}

// The lines of a complete head, CRLF removed, the final empty line dropped.
// scan_head has ruled out bare CR and LF; checked again so that this stays
// safe on any input.
bool split_lines(std::string_view head, std::vector<std::string_view>& lines) {
    std::size_t at = 0;
    while (at < head.size()) {
        std::size_t lf = head.find('\n', at);
        if (lf == std::string_view::npos || lf == at || head[lf - 1] != '\r') return false;
        std::string_view line = head.substr(at, lf - 1 - at);
        if (line.find('\r') != std::string_view::npos) return false;
        at = lf + 1;
        if (line.empty()) return at == head.size();
        lines.push_back(line);
    }
    return false;
}

struct RequestLine {
    std::string_view method;
    std::string_view target;
    int minor = -1;  // HTTP/1.<minor>
};

// RFC 9112 §3: method SP request-target SP HTTP-version, single spaces.
std::string parse_request_line(std::string_view line, RequestLine& out) {
    std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return "malformed request line: expected method, target and version";
    out.method = line.substr(0, sp1);
    if (out.method.empty()) return "malformed request line: no method";
    for (char c : out.method) {
        if (!is_tchar(static_cast<unsigned char>(c))) return "malformed request line: the method is not a token";
    }
    std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return "malformed request line: expected method, target and version";
    out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (out.target.empty()) return "malformed request line: no request target (or two spaces)";
    for (char c : out.target) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return "malformed request line: a request target byte outside visible ASCII";
    }
    std::string_view version = line.substr(sp2 + 1);
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) || version[6] != '.' ||
        !is_digit(version[7])) {
        return "malformed request line: the version is not HTTP/x.y (or there is an extra space)";
    }
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
        return "unsupported HTTP version: only HTTP/1.0 and HTTP/1.1";
    }
    out.minor = version[7] - '0';
    return {};
}

// RFC 9112 §6.3: 1*DIGIT, one value; false when it does not fit 64 bits.
bool parse_length(std::string_view v, std::uint64_t& out) {
    out = 0;
    for (char c : v) {
        std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (out > (UINT64_MAX - d) / 10) return false;
        out = out * 10 + d;
    }
    return true;
}

bool all_digits(std::string_view v) {
    if (v.empty()) return false;
    for (char c : v) {
        if (!is_digit(c)) return false;
    }
    return true;
}

}  // namespace

bool is_tchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

HeadScan scan_head(std::string_view data, std::size_t from) {
    HeadScan s;
    for (std::size_t i = from; i < data.size(); ++i) {
        char c = data[i];
        if (c == '\0') {
            s.state = HeadScan::State::malformed;
            s.message = "a NUL byte in the request head";
            return s;
        }
        if (c == '\r') {
            if (i + 1 == data.size()) {  // its LF may come with the next read
                s.resume = i;
                return s;
            }
            if (data[i + 1] != '\n') {
                s.state = HeadScan::State::malformed;
                s.message = "a CR not followed by LF in the request head";
                return s;
            }
            continue;
        }
        if (c == '\n') {
            if (i == 0 || data[i - 1] != '\r') {
                s.state = HeadScan::State::malformed;
                s.message = "a line of the request head ends with a bare LF";
                return s;
            }
            if (i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') {
                s.state = HeadScan::State::complete;
                s.length = i + 1;
                return s;
            }
        }
    }
    s.resume = data.size();
    return s;
}

Verdict check_request_head(std::string_view head) {
    if (head.size() > kMaxRequestHead) {
        return refuse(431, "the request line and headers are larger than " + std::to_string(kMaxRequestHead) +
                               " bytes");
    }
    if (head.find('\0') != std::string_view::npos) return refuse(400, "a NUL byte in the request head");
    std::vector<std::string_view> lines;
    if (!split_lines(head, lines) || lines.empty()) {
        return refuse(400, "the request head is not CRLF-delimited lines ending with an empty line");
    }
    RequestLine rl;
    std::string error = parse_request_line(lines[0], rl);
    std::string method(rl.method);
    if (!error.empty()) return refuse(400, error, method);

    int lengths = 0, encodings = 0, hosts = 0;
    std::string_view length_value, encoding_value, host_value;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (is_ows(line[0])) {
            return refuse(400, "a header line starts with whitespace (obs-fold is not accepted)", method);
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return refuse(400, "a header line without a colon", method);
        std::string_view name = line.substr(0, colon);
        if (name.empty()) return refuse(400, "a header line without a name", method);
        if (is_ows(name.back())) return refuse(400, "whitespace between a header name and its colon", method);
        for (char c : name) {
            if (!is_tchar(static_cast<unsigned char>(c))) {
                return refuse(400, "a header name with a byte outside token characters", method);
            }
        }
        std::string_view value = line.substr(colon + 1);
        for (char c : value) {
            if (!is_field_value_byte(static_cast<unsigned char>(c))) {
                return refuse(400, "a control character in a header value", method);
            }
        }
        value = trim_ows(value);
        if (iequals(name, "Content-Length")) {
            ++lengths;
            length_value = value;
        } else if (iequals(name, "Transfer-Encoding")) {
            ++encodings;
            encoding_value = value;
        } else if (iequals(name, "Host")) {
            ++hosts;
            host_value = value;
        }
    }

    if (rl.minor == 1 && hosts != 1) return refuse(400, "an HTTP/1.1 request needs exactly one Host header", method);
    if (hosts > 1) return refuse(400, "more than one Host header", method);
    for (char c : host_value) {
        if (!is_host_byte(static_cast<unsigned char>(c))) return refuse(400, "the Host header is not a host", method);
    }
    if (encodings > 0 && lengths > 0) {
        return refuse(400, "both Transfer-Encoding and Content-Length: the body's end is ambiguous", method);
    }
    if (lengths > 1) return refuse(400, "more than one Content-Length header", method);
    if (encodings > 1) return refuse(400, "more than one Transfer-Encoding header", method);

    Verdict v;
    v.method = method;
    if (encodings == 1) {
        if (rl.minor == 0) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request", method);
        if (!iequals(encoding_value, "chunked")) {
            return refuse(400, "Transfer-Encoding other than chunked is not accepted", method);
        }
        v.body = Body::chunked;
        return v;
    }
    if (lengths == 1) {
        if (!all_digits(length_value)) return refuse(400, "Content-Length is not a decimal number", method);
        if (!parse_length(length_value, v.length)) return refuse(400, "Content-Length does not fit 64 bits", method);
        if (v.length > kMaxBody) {
            return refuse(413, "the request body is larger than 1 MiB (1048576 bytes)", method);
        }
        v.body = v.length > 0 ? Body::length : Body::none;
    }
    return v;
}

}  // namespace ipto::front::framing
