#include "transition_rows.hpp"

#include <cstring>

#include "errors.hpp"

namespace ipto::transition {

std::vector<std::vector<std::string>> text_columns(Tuplestorestate* rows, TupleDesc desc,
                                                   std::initializer_list<const char*> names) {
    std::vector<std::vector<std::string>> out;
    if (!rows) return out;
    std::vector<int> columns;
    for (const char* name : names) {
        int n = pg::call([&] { return SPI_fnumber(desc, name); });
        if (n <= 0) throw Error(ErrorKind::internal, std::string("transition table lacks column ") + name);
        columns.push_back(n);
    }
    TupleTableSlot* slot = pg::call([&] { return MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple); });
    pg::call([&] { tuplestore_rescan(rows); });
    for (;;) {
        bool more = pg::call([&] { return tuplestore_gettupleslot(rows, true, false, slot); });
        if (!more) break;
        std::vector<std::string> row;
        for (int column : columns) {
            bool null = false;
            Datum v = pg::call([&] { return slot_getattr(slot, column, &null); });
            if (null) {
                row.emplace_back();
                continue;
            }
            struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(v))); });
            row.emplace_back(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
        }
        out.push_back(std::move(row));
    }
    pg::call([&] { ExecDropSingleTupleTableSlot(slot); });
    return out;
}

bool on_shard(TriggerData* td, const char* table) {
    return std::strcmp(RelationGetRelationName(td->tg_relation), table) != 0;
}

}  // namespace ipto::transition
