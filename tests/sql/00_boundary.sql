-- The C++/PostgreSQL boundary: every kind of failure inside an entry point
-- (SQL function or trigger) comes back as a clean error with its SQLSTATE,
-- and the same backend lives on.
\set VERBOSITY sqlstate
SELECT pg_backend_pid() AS pid \gset
SELECT ipto._boundary_test('ok');
SELECT ipto._boundary_test('ipto_error');
SELECT ipto._boundary_test('std_exception');
SELECT ipto._boundary_test('bad_alloc');
SELECT ipto._boundary_test('unknown');
SELECT ipto._boundary_test('pg_error');
SELECT ipto._boundary_test('spi_error');
SELECT pg_backend_pid() = :pid AS same_backend, ipto._boundary_test('ok');
-- An error inside a transaction aborts it cleanly; ROLLBACK recovers.
BEGIN;
SELECT ipto._boundary_test('spi_error');
ROLLBACK;
SELECT pg_backend_pid() = :pid AS same_backend, ipto._boundary_test('ok');
\set VERBOSITY default
-- The messages a person sees: ours in words; internals never.
SELECT ipto._boundary_test('ipto_error');
SELECT ipto._boundary_test('std_exception');
-- Inside a trigger: a C++ exception (our error) and a PostgreSQL error.
\set VERBOSITY sqlstate
SELECT ipto.create_tenant('boundary') AS t \gset
SELECT (ipto.create_dataset(:'t', 'b')).dataset_id AS d \gset
SELECT ipto.add_object(:'t', :'d', 'f', 9223372036854775807) IS NOT NULL AS added;
UPDATE ipto.objects SET dataset_id = 'dset_000000000000' WHERE tenant_id = :'t';
-- total_bytes would overflow bigint: the counter trigger's own statement fails.
SELECT ipto.add_object(:'t', :'d', 'g', 1);
SELECT pg_backend_pid() = :pid AS same_backend, object_count, total_bytes FROM ipto.dataset_summary WHERE dataset_id = :'d';
SELECT * FROM ipto.verify_counters();
