# The one list of sources and flags of ipto. Read by CMakeLists.txt and by
# Makefile.pgxs, so the two builds cannot drift. Keep it plain: NAME = words.

IPTO_VERSION = 0.4

# Pure C++: no PostgreSQL, no HTTP. Linked into the extension and the front.
IPTO_CORE_SOURCES = core/base64url.cpp core/credentials.cpp core/cursor.cpp core/dataset_json.cpp core/errors.cpp core/etag.cpp core/ids.cpp core/json_text.cpp core/scopes.cpp core/sha256.cpp core/timestamp.cpp core/utf8.cpp core/validation.cpp

# PostgreSQL glue: the boundary, SPI, SQL functions and triggers.
IPTO_EXTENSION_SOURCES = extension/auth.cpp extension/boundary.cpp extension/counters.cpp extension/purge.cpp extension/restore.cpp extension/tallies.cpp extension/tenant_limits.cpp extension/credentials_sql.cpp extension/dataset_store.cpp extension/datasets.cpp extension/grants.cpp extension/objects.cpp extension/placement.cpp extension/random.cpp extension/request_face.cpp extension/self_test.cpp extension/spi.cpp extension/sql_values.cpp extension/tenants.cpp extension/transition_rows.cpp

IPTO_CXXFLAGS = -std=c++17 -O2 -fPIC -Wall -Wextra -Werror
