// The one way the front includes cpp-httplib.
//
// Debian's libcpp-httplib-dev 0.11.4 is not header-only: httplib.h only
// declares, and libcpp-httplib.so (built with OpenSSL, zlib and Brotli) defines.
// Several class layouts depend on those macros (Request has an `ssl` member
// only under CPPHTTPLIB_OPENSSL_SUPPORT), so every file that includes the
// header must define exactly what the library was built with (pkg-config
// --cflags cpp-httplib), or the objects we share with the library disagree.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif

#include <httplib.h>
