// The HTTP server: cpp-httplib 0.11.4 set up for production use, wired to
// Handlers, with graceful shutdown on SIGTERM/SIGINT.
#pragma once

#include "config.hpp"

namespace ipto::front {

// Blocks SIGTERM/SIGINT in the calling thread (call before starting any
// other thread, so every thread inherits the mask and only the signal
// thread receives them), ignores SIGPIPE.
void prepare_process_signals();
// Raises the soft limit on open descriptors to the hard one.
void raise_open_files_limit();

// Serves until SIGTERM/SIGINT (returns 0 once in-flight requests finish) or a
// fatal error (returns 1).
int run_server(const Config& config);

}  // namespace ipto::front
