// Tenants: the operator creates them; everything else hangs off one.
#include "errors.hpp"
#include "random.hpp"
#include "spi.hpp"
#include "sql_values.hpp"
#include "validation.hpp"

using namespace ipto;

IPTO_FUNCTION(ipto_create_tenant) {
    // Trimmed and checked like a dataset's name.
    std::string name = normalize_name(sql::arg_text_required(fcinfo, 0, "name"));
    static spi::Statement insert("INSERT INTO ipto.tenants (tenant_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                 {TEXTOID, TEXTOID});
    spi::Connection spi;
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::string id = ext::new_id(IdKind::tenant);
        spi::Params p;
        p.text(id).text(name);
        if (spi::execute(insert, p).rows() == 1) {
            spi.finish();
            return sql::text_datum(id);
        }
    }
    throw Error(ErrorKind::internal, "could not allocate a tenant id");
}
