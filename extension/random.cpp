#include "random.hpp"

#include <array>

#include "boundary.hpp"
#include "errors.hpp"
#include "sql_values.hpp"

namespace ipto::ext {

RandomSource strong_random() {
    return [](std::uint8_t* buf, std::size_t n) {
        if (!pg_strong_random(buf, n)) throw Error(ErrorKind::internal, "no strong random source");
    };
}

std::string new_id(IdKind kind) {
    std::array<std::uint8_t, kIdRandomBytes> bytes{};
    strong_random()(bytes.data(), bytes.size());
    return make_id(kind, bytes);
}

}  // namespace ipto::ext

// ipto.new_id(prefix): the column default of objects.object_id, and a tool.
IPTO_FUNCTION(ipto_new_id) {
    using namespace ipto;
    std::string prefix = sql::arg_text_required(fcinfo, 0, "prefix");
    for (IdKind k : {IdKind::dataset, IdKind::tenant, IdKind::object, IdKind::api_key, IdKind::request}) {
        std::string_view p = id_prefix(k);
        if (prefix == p.substr(0, p.size() - 1)) return sql::text_datum(ext::new_id(k));
    }
    throw Error(ErrorKind::validation, "unknown identifier prefix \"" + prefix + "\"", "prefix",
                "prefixes: dset, tnt, obj, key, req");
}
