// SPI, the C++ way: statements prepared once per backend and kept
// (SPI_keepplan, as ri_triggers.c does), typed parameters, and results
// copied out into C++ values. Every PostgreSQL call goes through pg::call.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boundary.hpp"

namespace ipto::spi {

// One SPI connection for a C++ scope. Call finish() on success; when an
// error unwinds instead, the transaction's abort releases the connection.
class Connection {
public:
    Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    void finish();

private:
    bool open_ = false;
};

// SQL text with typed parameters, planned on first use, kept for the life of
// the backend. Declare as a function-local static.
class Statement {
public:
    // How it is planned: as the installation needs (generic plans on one
    // node, custom plans where Citus must route them with their values), or
    // generic always (a statement on plain local tables only).
    enum class Plans { as_installed, generic };

    Statement(const char* sql, std::initializer_list<Oid> types) : sql_(sql), types_(types) {}
    Statement(std::string sql, std::vector<Oid> types, Plans plans)
        : owned_sql_(std::move(sql)), sql_(owned_sql_.c_str()), types_(std::move(types)), plans_(plans) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    SPIPlanPtr plan();
    const char* sql() const { return sql_; }
    Plans plans() const { return plans_; }

private:
    const std::string owned_sql_;
    const char* sql_;
    std::vector<Oid> types_;
    Plans plans_ = Plans::as_installed;
    SPIPlanPtr plan_ = nullptr;
};

// A trigger's statement on the tables that live beside the one it fires on,
// written with each such table as {name} (e.g. {dataset_counters}). On one
// node, or on a Citus table's coordinator, {name} is ipto.name. When the
// trigger fires on a shard (on a Citus worker), it is that shard's
// co-located shard of ipto.name, on the same node: the statement then runs
// on plain local tables, planned once, instead of through Citus's planner
// and its local execution (which plans each statement twice, on every
// call). Declare as a function-local static.
class ColocatedStatement {
public:
    ColocatedStatement(const char* sql, std::initializer_list<Oid> types) : sql_(sql), types_(types) {}
    ColocatedStatement(const ColocatedStatement&) = delete;
    ColocatedStatement& operator=(const ColocatedStatement&) = delete;
    // The statement for a trigger firing on `relation`.
    Statement& beside(Oid relation);

private:
    const char* sql_;
    std::vector<Oid> types_;
    std::vector<std::pair<Oid, std::unique_ptr<Statement>>> by_relation_;
};

// A statement that reads global tables (Citus reference tables, written as
// {name}) from this node's own copy. On one node, or where this node holds
// no copy (or ipto is not distributed yet), {name} is ipto.name. On a
// Citus node with a copy, it is that copy, a plain local table: the read is
// planned once, not by Citus's planner and again by its local execution on
// every call, as the request face's authentication would be. A reference
// table's writes reach every copy in the writer's transaction, so the local
// copy is never behind. Declare as a function-local static.
class ReplicaStatement {
public:
    ReplicaStatement(const char* sql, std::initializer_list<Oid> types) : sql_(sql), types_(types) {}
    ReplicaStatement(const ReplicaStatement&) = delete;
    ReplicaStatement& operator=(const ReplicaStatement&) = delete;
    Statement& here();

private:
    const char* sql_;
    std::vector<Oid> types_;
    std::unique_ptr<Statement> statement_;
    bool on_copy_ = false;  // statement_ names the copies (else it is asked again)
};

class Params {
public:
    Params& text(std::string_view v);
    Params& opt_text(const std::optional<std::string>& v);
    Params& int8(std::int64_t v);
    Params& int4(std::int32_t v);
    Params& boolean(bool v);
    Params& bytea(std::string_view v);
    Params& timestamp_us(std::optional<std::int64_t> unix_us);
    Params& text_array(const std::vector<std::string>& v);
    Params& datum(Datum v, bool is_null);
    Params& null();

    Datum* values() { return values_.data(); }
    const char* nulls() const { return nulls_.c_str(); }
    std::size_t size() const { return values_.size(); }

private:
    std::vector<Datum> values_;
    std::string nulls_;
};

// Rows of the last execute, valid until the next SPI call or finish().
class Result {
public:
    std::uint64_t rows() const { return rows_; }
    std::optional<std::string> text(std::uint64_t row, int col) const;
    std::string text_required(std::uint64_t row, int col) const;
    std::int64_t int8(std::uint64_t row, int col) const;
    bool boolean(std::uint64_t row, int col) const;
    std::optional<std::int64_t> timestamp_us(std::uint64_t row, int col) const;
    std::string bytea(std::uint64_t row, int col) const;
    std::vector<std::string> text_array(std::uint64_t row, int col) const;
    Datum datum(std::uint64_t row, int col, bool* is_null) const;

private:
    friend Result execute(Statement&, Params&, long);
    SPITupleTable* table_ = nullptr;
    std::uint64_t rows_ = 0;
};

// Runs a kept statement; max_rows 0 = all. Returns the rows it produced
// (or, for a statement without RETURNING, the count in rows()).
Result execute(Statement& statement, Params& params, long max_rows = 0);
Result execute(Statement& statement);

// PostgreSQL timestamps count microseconds from 2000-01-01; the API, from 1970.
constexpr std::int64_t kPgEpochUnixUs = 946684800LL * 1000000LL;

}  // namespace ipto::spi
