-- The C++/PostgreSQL boundary: every kind of failure inside an entry point
-- (SQL function or trigger) comes back as a clean error with its SQLSTATE,
-- and the same backend lives on. The self-test entry point is in the library
-- but in no release's install script: the test declares it.
CREATE SCHEMA ipto_test;
CREATE FUNCTION ipto_test.boundary(what text) RETURNS text
    LANGUAGE c VOLATILE STRICT AS 'ipto', 'ipto_boundary_test';
\set VERBOSITY sqlstate
SELECT pg_backend_pid() AS pid \gset
SELECT ipto_test.boundary('ok');
SELECT ipto_test.boundary('ipto_error');
SELECT ipto_test.boundary('std_exception');
SELECT ipto_test.boundary('bad_alloc');
SELECT ipto_test.boundary('unknown');
SELECT ipto_test.boundary('pg_error');
SELECT ipto_test.boundary('spi_error');
SELECT pg_backend_pid() = :pid AS same_backend, ipto_test.boundary('ok');
-- An error inside a transaction aborts it cleanly; ROLLBACK recovers.
BEGIN;
SELECT ipto_test.boundary('spi_error');
ROLLBACK;
SELECT pg_backend_pid() = :pid AS same_backend, ipto_test.boundary('ok');
\set VERBOSITY default
-- The messages a person sees: ours in words; internals never.
SELECT ipto_test.boundary('ipto_error');
SELECT ipto_test.boundary('std_exception');
-- Inside a trigger: a C++ exception (our error) and a PostgreSQL error.
\set VERBOSITY sqlstate
SELECT ipto.create_tenant('boundary') AS t \gset
SELECT (ipto.create_dataset(:'t', 'b')).dataset_id AS d \gset
SELECT ipto.add_object(:'t', :'d', 'f', 9223372036854775807) IS NOT NULL AS added;
UPDATE ipto.objects SET dataset_id = 'dset_000000000000' WHERE tenant_id = :'t';
-- total_bytes would overflow bigint: the counter trigger's own statement fails.
SELECT ipto.add_object(:'t', :'d', 'g', 1);
SELECT pg_backend_pid() = :pid AS same_backend;
SELECT object_count, total_bytes FROM ipto.dataset_summary WHERE dataset_id = :'d';
SELECT * FROM ipto.verify_counters();
