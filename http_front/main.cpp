// ipto-front: the HTTP front of ipto. See server.cpp, docs/http-front.md and docs/api.md.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config.hpp"
#include "server.hpp"

int main(int argc, char** argv) {
    // Before any thread exists, so all inherit the mask (see server.hpp).
    ipto::front::prepare_process_signals();
    ipto::front::raise_open_files_limit();

    std::vector<std::string> args(argv + 1, argv + argc);
    auto result = ipto::front::parse_config(args, [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        if (!v) return std::nullopt;
        return std::string(v);
    });
    if (!result.config) {
        std::fprintf(stderr, "ipto-front: %s\n\n%s", result.error.c_str(), ipto::front::usage_text().c_str());
        return 2;
    }
    if (result.config->help) {
        std::fputs(ipto::front::usage_text().c_str(), stdout);
        return 0;
    }
    return ipto::front::run_server(*result.config);
}
