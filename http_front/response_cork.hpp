// One TCP segment per response instead of two.
//
// cpp-httplib 0.11.4 writes a response's status line and headers with one
// send() and its body with another. With TCP_NODELAY on (which the front
// needs: Nagle with delayed ACKs costs ~40 ms a response) each send leaves as
// its own segment, and the client wakes for each. Corking the connection
// from just before the response is written (0.11.4's post-routing handler)
// to just after (its logger) makes them one: measured, 4 TCP segments per
// request became 2, and the median single-connection GET fell by about a
// tenth (bench/README.md). Uncorking pushes whatever is queued, so nothing
// waits on the cork's 200 ms timer.
#pragma once

namespace ipto::front::response_cork {

// Both act on the connection this HTTP worker thread serves, if known.
void hold();
void release();

}  // namespace ipto::front::response_cork
