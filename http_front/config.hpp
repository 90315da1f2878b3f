// The front's configuration, from flags and environment (flags win), parsed
// by a pure function so every rule is testable without starting anything.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ipto::front {

struct Config {
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;       // 0: let the kernel choose (logged at start)
    std::string database_url;     // libpq conninfo or URI; empty: libpq's PG* defaults
    int threads = 64;             // HTTP worker threads kept ready
    int pool = 8;                 // database connections at most
    bool help = false;
};

struct ConfigResult {
    std::optional<Config> config;  // set on success
    std::string error;             // set on failure: what was wrong and what is allowed
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// args excludes argv[0].
ConfigResult parse_config(const std::vector<std::string>& args, const EnvLookup& env);

// HOST:PORT, [IPv6]:PORT. False on anything else.
bool parse_listen_address(const std::string& text, std::string& host, int& port);

std::string usage_text();

}  // namespace ipto::front
