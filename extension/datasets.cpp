// The operator face of datasets (docs/architecture.md): the same rules as REST,
// results as rows of ipto.dataset for psql.
#include "dataset_store.hpp"
#include "errors.hpp"
#include "sql_values.hpp"

using namespace ipto;

namespace {

std::string tenant_arg(FunctionCallInfo fcinfo) {
    std::string tenant = sql::arg_text_required(fcinfo, 0, "tenant_id");
    store::require_tenant(tenant);
    return tenant;
}

}  // namespace

IPTO_FUNCTION(ipto_create_dataset) {
    std::string tenant = tenant_arg(fcinfo);
    DatasetFields f;
    f.name = sql::arg_text_required(fcinfo, 1, "name");
    f.description = sql::arg_text(fcinfo, 2);
    f.source_modality = sql::arg_text_required(fcinfo, 3, "source_modality");
    f.monetization_mode = sql::arg_text_required(fcinfo, 4, "monetization_mode");
    f.pricing_model = sql::arg_text_required(fcinfo, 5, "pricing_model");
    f.visibility = sql::arg_text_required(fcinfo, 6, "visibility");
    validate_dataset_fields(f, BodyPurpose::create);
    return sql::dataset_tuple(fcinfo, store::create_dataset(tenant, f));
}

IPTO_FUNCTION(ipto_get_dataset) {
    std::string tenant = tenant_arg(fcinfo);
    return sql::dataset_tuple(fcinfo, store::get_dataset(tenant, sql::arg_text_required(fcinfo, 1, "dataset_id")));
}

IPTO_FUNCTION(ipto_list_datasets) {
    std::string tenant = tenant_arg(fcinfo);
    store::ListQuery q;
    q.cursor = sql::arg_text(fcinfo, 1);
    auto limit = sql::arg_int64(fcinfo, 2);
    if (!limit) throw Error(ErrorKind::validation, "limit must not be null", "limit", "limit is 1 to 100 (default 20)");
    validate_limit(*limit);
    q.limit = static_cast<int>(*limit);
    q.status = sql::arg_text(fcinfo, 3);
    q.visibility = sql::arg_text(fcinfo, 4);
    q.owner = sql::arg_text(fcinfo, 5);
    store::DatasetPage page = store::list_datasets(tenant, q);

    sql::RowSink sink(fcinfo);
    Datum values[17];
    bool nulls[17];
    for (const auto& d : page.datasets) {
        sql::dataset_values(d, values, nulls);
        values[15] = Int64GetDatum(page.total);
        nulls[15] = false;
        nulls[16] = !page.next_cursor;
        values[16] = page.next_cursor ? sql::text_datum(*page.next_cursor) : 0;
        sink.put(values, nulls);
    }
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_update_dataset) {
    std::string tenant = tenant_arg(fcinfo);
    std::string id = sql::arg_text_required(fcinfo, 1, "dataset_id");
    auto changes = sql::arg_jsonb_text(fcinfo, 2);
    if (!changes) throw Error(ErrorKind::validation, "changes must not be null", "changes", "pass a jsonb object, e.g. '{\"name\": \"…\"}'");
    DatasetFields f = parse_dataset_body(*changes, BodyPurpose::update);
    store::Precondition expected;
    expected.updated_at_us = sql::arg_timestamp_us(fcinfo, 3);
    return sql::dataset_tuple(fcinfo, store::update_dataset(tenant, id, f, expected));
}

IPTO_FUNCTION(ipto_delete_dataset) {
    std::string tenant = tenant_arg(fcinfo);
    store::Precondition expected;
    expected.updated_at_us = sql::arg_timestamp_us(fcinfo, 2);
    store::delete_dataset(tenant, sql::arg_text_required(fcinfo, 1, "dataset_id"), expected);
    return sql::void_datum();
}
