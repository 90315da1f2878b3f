#include "config.hpp"

#include <cerrno>
#include <cstdlib>

namespace ipto::front {
namespace {

constexpr int kMaxThreads = 4096;
constexpr int kMaxPool = 1000;

bool parse_int(const std::string& text, int min, int max, int& out) {
    if (text.empty() || text.size() > 9) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    long v = std::strtol(text.c_str(), nullptr, 10);
    if (v < min || v > max) return false;
    out = static_cast<int>(v);
    return true;
}

enum class Key { listen, db, threads, pool };

struct Setting {
    Key key;
    const char* flag;
    const char* env;
};

constexpr Setting kSettings[] = {
    {Key::listen, "--listen", "IPTO_LISTEN"},
    {Key::db, "--db", "IPTO_DATABASE_URL"},
    {Key::threads, "--threads", "IPTO_THREADS"},
    {Key::pool, "--pool", "IPTO_POOL"},
};

// Applies one value; `source` names the flag or variable in the error.
std::string apply(Config& c, const Setting& s, const std::string& value, const std::string& source) {
    auto bad = [&](const std::string& expected) { return source + ": expected " + expected + ", got \"" + value + "\""; };
    switch (s.key) {
        case Key::listen:
            if (!parse_listen_address(value, c.listen_host, c.listen_port)) {
                return bad("HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080, port 0-65535)");
            }
            break;
        case Key::db:
            c.database_url = value;
            break;
        case Key::threads:
            if (!parse_int(value, 1, kMaxThreads, c.threads)) {
                return bad("an integer from 1 to " + std::to_string(kMaxThreads));
            }
            break;
        case Key::pool:
            if (!parse_int(value, 1, kMaxPool, c.pool)) return bad("an integer from 1 to " + std::to_string(kMaxPool));
            break;
    }
    return {};
}

ConfigResult fail(std::string error) {
    ConfigResult r;
    r.error = std::move(error);
    return r;
}

}  // namespace

bool parse_listen_address(const std::string& text, std::string& host, int& port) {
    std::string h, p;
    if (!text.empty() && text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
        h = text.substr(1, close - 1);
        p = text.substr(close + 2);
    } else {
        std::size_t colon = text.rfind(':');
        if (colon == std::string::npos) return false;
        h = text.substr(0, colon);
        p = text.substr(colon + 1);
        if (h.find(':') != std::string::npos) return false;  // bare IPv6 needs brackets
    }
    int parsed = 0;
    if (h.empty() || !parse_int(p, 0, 65535, parsed)) return false;
    host = h;
    port = parsed;
    return true;
}

ConfigResult parse_config(const std::vector<std::string>& args, const EnvLookup& env) {
    Config c;
    // Environment first, so flags override it.
    for (const Setting& s : kSettings) {
        if (auto v = env(s.env)) {
            if (s.key != Key::db && v->empty()) continue;  // VAR= means unset
            std::string err = apply(c, s, *v, s.env);
            if (!err.empty()) return fail(err);
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            c.help = true;
            continue;
        }
        const Setting* match = nullptr;
        std::string value;
        for (const Setting& s : kSettings) {
            std::string flag = s.flag;
            if (arg == flag) {
                if (i + 1 >= args.size()) return fail(flag + " needs a value");
                value = args[++i];
                match = &s;
            } else if (arg.compare(0, flag.size() + 1, flag + "=") == 0) {
                value = arg.substr(flag.size() + 1);
                match = &s;
            }
            if (match) break;
        }
        if (!match) return fail("unknown argument \"" + arg + "\" (see --help)");
        std::string err = apply(c, *match, value, match->flag);
        if (!err.empty()) return fail(err);
    }
    ConfigResult r;
    r.config = c;
    return r;
}

std::string usage_text() {
    return "usage: ipto-front [--listen HOST:PORT] [--db CONNINFO] [--threads N] [--pool N]\n"
           "\n"
           "The HTTP front of ipto: serves /v1/datasets over the ipto PostgreSQL extension.\n"
           "\n"
           "  --listen HOST:PORT  address to listen on (IPTO_LISTEN; default 127.0.0.1:8080;\n"
           "                      [::1]:8080 for IPv6; port 0 picks a free port, logged at start)\n"
           "  --db CONNINFO       libpq conninfo or postgresql:// URI (IPTO_DATABASE_URL;\n"
           "                      default: libpq's PGHOST, PGPORT, PGUSER, ... environment)\n"
           "  --threads N         HTTP worker threads kept ready (IPTO_THREADS; default 64;\n"
           "                      more are started on demand, see server.cpp)\n"
           "  --pool N            database connections at most (IPTO_POOL; default 8)\n"
           "  --help              this text\n"
           "\n"
           "Flags override the environment. SIGTERM or SIGINT stops the server gracefully.\n";
}

}  // namespace ipto::front
