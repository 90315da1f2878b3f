// Grants: which tenants see a restricted dataset.
#include "dataset_store.hpp"
#include "errors.hpp"
#include "ids.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

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

Error no_dataset(const GrantArgs& a) {
    return Error(ErrorKind::not_found, "dataset " + std::string(is_valid_id(IdKind::dataset, a.dataset) ? a.dataset : "(malformed id)") + " not found for tenant " + a.owner,
                 "dataset_id", "a grant is made by the dataset's owner");
}

}  // namespace

IPTO_FUNCTION(ipto_grant_dataset) {
    GrantArgs a = grant_args(fcinfo);
    if (a.grantee == a.owner) {
        throw Error(ErrorKind::validation, "a tenant cannot be granted its own dataset", "grantee_tenant_id",
                    "the owner always sees its datasets");
    }
    static spi::Statement owned("SELECT FROM ipto.datasets WHERE tenant_id = $1 AND dataset_id = $2 FOR KEY SHARE",
                                {TEXTOID, TEXTOID});
    static spi::Statement grant(
        "INSERT INTO ipto.dataset_grants (tenant_id, dataset_id, grantee_tenant_id) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        {TEXTOID, TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(a.owner).text(a.dataset);
    if (spi::execute(owned, p).rows() == 0) throw no_dataset(a);
    spi.finish();
    try {
        store::require_tenant(a.grantee);
    } catch (const Error& e) {
        throw Error(ErrorKind::not_found, e.what(), "grantee_tenant_id", e.detail());
    }
    spi::Connection spi2;
    spi::Params g;
    g.text(a.owner).text(a.dataset).text(a.grantee);
    spi::execute(grant, g);  // granting twice is harmless
    spi2.finish();
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
        throw Error(ErrorKind::not_found, "no grant of dataset " + a.dataset + " to tenant " + a.grantee, "grantee_tenant_id",
                    "see ipto.dataset_grants for the grants that exist");
    }
    spi.finish();
    return sql::void_datum();
}
