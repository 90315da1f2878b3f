// Grants: which tenants see a restricted dataset.
#include <set>
#include <utility>

#include "counters.hpp"
#include "dataset_store.hpp"
#include "errors.hpp"
#include "ids.hpp"
#include "spi.hpp"
#include "sql_values.hpp"
#include "transition_rows.hpp"

using namespace ipto;

namespace {

struct GrantArgs {
    std::string owner, dataset, grantee;
};

GrantArgs grant_args(FunctionCallInfo fcinfo) {
    GrantArgs a{sql::arg_text_required(fcinfo, 0, "tenant_id"), sql::arg_text_required(fcinfo, 1, "dataset_id"),
                sql::arg_text_required(fcinfo, 2, "grantee_tenant_id")};
    store::require_tenant(a.owner);
    return a;
}

}  // namespace

IPTO_FUNCTION(ipto_grant_dataset) {
    GrantArgs a = grant_args(fcinfo);
    if (a.grantee == a.owner) {
        throw Error(ErrorKind::validation, "a tenant cannot be granted its own dataset", "grantee_tenant_id",
                    "the owner always sees its datasets");
    }
    static spi::Statement grant(
        "INSERT INTO ipto.dataset_grants (tenant_id, dataset_id, grantee_tenant_id) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        {TEXTOID, TEXTOID, TEXTOID});
    store::require_owned(a.owner, a.dataset);  // 403 if it sees someone else's, 404 if not
    try {
        store::require_tenant(a.grantee);
    } catch (const Error& e) {
        throw Error(ErrorKind::not_found, e.what(), "grantee_tenant_id", e.detail());
    }
    spi::Connection spi;
    spi::Params g;
    g.text(a.owner).text(a.dataset).text(a.grantee);
    spi::execute(grant, g);  // granting twice is harmless
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_revoke_dataset_grant) {
    GrantArgs a = grant_args(fcinfo);
    static spi::Statement revoke(
        "DELETE FROM ipto.dataset_grants WHERE tenant_id = $1 AND dataset_id = $2 AND grantee_tenant_id = $3",
        {TEXTOID, TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(a.owner).text(a.dataset).text(a.grantee);
    if (spi::execute(revoke, p).rows() == 0) {
        store::require_owned(a.owner, a.dataset);
        throw Error(ErrorKind::not_found, "the dataset has no grant to that tenant", "grantee_tenant_id",
                    "see ipto.dataset_grants for the grants that exist");
    }
    spi.finish();
    return sql::void_datum();
}

// After grants change: each dataset's grantees column (which the
// row-level security policies read, since a policy on a distributed table
// may not query another table) becomes its grants again.
IPTO_FUNCTION(ipto_dataset_grants_changed) {
    static spi::Statement refresh(
        "UPDATE ipto.datasets d SET grantees = ARRAY(SELECT g.grantee_tenant_id FROM ipto.dataset_grants g"
        " WHERE g.tenant_id = $1 AND g.dataset_id = $2 ORDER BY 1) WHERE d.tenant_id = $1 AND d.dataset_id = $2",
        {TEXTOID, TEXTOID});
    TriggerData* td = counters::trigger_data(fcinfo);
    std::set<std::pair<std::string, std::string>> changed;
    for (Tuplestorestate* rows : {td->tg_newtable, td->tg_oldtable}) {
        for (const auto& r : transition::text_columns(rows, td->tg_relation->rd_att, {"tenant_id", "dataset_id"})) {
            changed.emplace(r[0], r[1]);
        }
    }
    spi::Connection spi;
    for (const auto& [tenant, dataset] : changed) {
        spi::Params p;
        p.text(tenant).text(dataset);
        spi::execute(refresh, p);
    }
    spi.finish();
    return PointerGetDatum(nullptr);
}
