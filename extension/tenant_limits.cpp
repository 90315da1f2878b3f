// Rate limits per tenant: a token bucket of requests_per_second with room
// for `burst`, shared by every front of the database. The fronts enforce it
// (before a request costs the database anything); each front draws down the
// shared bucket with what it let through, once per sync (a fraction of a
// second), never once per request, and lets through its share of what is
// left until the next sync (docs/api.md, Rate limits).
#include "errors.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

using namespace ipto;

namespace {

void require_positive(const char* field, std::int64_t v) {
    if (v < 1 || v > 1000000) {
        throw Error(ErrorKind::validation, std::string(field) + " is out of range", field,
                    "a whole number from 1 to 1000000, or NULL together with the other to remove the limit");
    }
}

}  // namespace

// ipto.set_tenant_limits(tenant_id, requests_per_second, burst): both NULL
// removes the limit. A new or changed limit starts with a full bucket.
IPTO_FUNCTION(ipto_set_tenant_limits) {
    std::string tenant = sql::arg_text_required(fcinfo, 0, "tenant_id");
    const bool limited = !PG_ARGISNULL(1), has_burst = !PG_ARGISNULL(2);
    const std::int32_t rate = limited ? PG_GETARG_INT32(1) : 0;
    const std::int32_t burst = has_burst ? PG_GETARG_INT32(2) : 0;
    static spi::Statement exists("SELECT FROM ipto.tenants WHERE tenant_id = $1", {TEXTOID});
    static spi::Statement remove("DELETE FROM ipto.tenant_limits WHERE tenant_id = $1", {TEXTOID});
    static spi::Statement set(
        "INSERT INTO ipto.tenant_limits AS l (tenant_id, requests_per_second, burst, tokens, refilled_at)"
        " VALUES ($1, $2, $3, $3, now()) ON CONFLICT (tenant_id) DO UPDATE SET"
        " requests_per_second = excluded.requests_per_second, burst = excluded.burst,"
        " tokens = excluded.tokens, refilled_at = excluded.refilled_at",
        {TEXTOID, INT4OID, INT4OID});
    if (limited != has_burst) {
        const char* missing = limited ? "burst" : "requests_per_second";
        throw Error(ErrorKind::validation, std::string(missing) + " is null but the other is not", missing,
                    "set both to limit the tenant, or both to NULL to remove its limit");
    }
    if (limited) {
        require_positive("requests_per_second", rate);
        require_positive("burst", burst);
    }
    spi::Connection spi;
    spi::Params t;
    t.text(tenant);
    if (spi::execute(exists, t).rows() == 0) {
        throw Error(ErrorKind::not_found, "tenant " + tenant + " not found", "tenant_id",
                    "create one with ipto.create_tenant(name)");
    }
    if (limited) {
        spi::Params p;
        p.text(tenant).int4(rate).int4(burst);
        spi::execute(set, p);
    } else {
        spi::execute(remove, t);
    }
    spi.finish();
    return sql::void_datum();
}

// ipto.api_rate_sync(front_id, tenant_ids, used): one front's sync. Marks
// the front present, refills every limited tenant's bucket for the time
// since its last refill (up to burst), takes off what this front let
// through since its last sync (a debt is kept, down to -burst), and
// returns every limit with what is left and how many fronts share it.
IPTO_FUNCTION(ipto_api_rate_sync) {
    static spi::Statement present(
        "INSERT INTO ipto.front_presence AS f (front_id, seen_at) VALUES ($1, clock_timestamp())"
        " ON CONFLICT (front_id) DO UPDATE SET seen_at = excluded.seen_at",
        {TEXTOID});
    static spi::Statement forget("DELETE FROM ipto.front_presence WHERE seen_at < clock_timestamp() - interval '1 minute'", {});
    static spi::Statement draw(
        "WITH fronts AS (SELECT count(*)::int4 AS n FROM ipto.front_presence"
        "                 WHERE seen_at > clock_timestamp() - interval '3 seconds'),"
        " drawn AS (UPDATE ipto.tenant_limits l SET"
        "   tokens = greatest(-l.burst::float8, least(l.burst::float8, l.tokens + l.requests_per_second"
        "            * extract(epoch FROM clock_timestamp() - l.refilled_at)::float8)"
        "            - coalesce((SELECT sum(u.used) FROM unnest($1::text[], $2::int4[]) AS u(tenant_id, used)"
        "                         WHERE u.tenant_id = l.tenant_id), 0)),"
        "   refilled_at = clock_timestamp()"
        "  RETURNING l.tenant_id, l.requests_per_second, l.burst, l.tokens)"
        " SELECT d.tenant_id, d.requests_per_second, d.burst, d.tokens, greatest(f.n, 1) FROM drawn d, fronts f"
        " ORDER BY d.tenant_id",
        {TEXTARRAYOID, INT4ARRAYOID});
    std::string front = sql::arg_text_required(fcinfo, 0, "front_id");
    sql::RowSink sink(fcinfo);
    spi::Connection spi;
    spi::Params f;
    f.text(front);
    spi::execute(present, f);
    spi::execute(forget);
    spi::Params p;
    p.datum(PG_ARGISNULL(1) ? Datum(0) : PG_GETARG_DATUM(1), PG_ARGISNULL(1));
    p.datum(PG_ARGISNULL(2) ? Datum(0) : PG_GETARG_DATUM(2), PG_ARGISNULL(2));
    auto r = spi::execute(draw, p);
    sink.put_all(r, 5);
    spi.finish();
    return sql::void_datum();
}
