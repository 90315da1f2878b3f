-- Live counters (docs/counters.md): object_count, active_object_count (approved
-- and indexed), total_bytes and last_ingest_at stay exact whatever
-- statement changes ipto.objects; updated_at does not move with them.
\set VERBOSITY sqlstate
-- Helpers in pg_temp are this session's own: on Citus they stay on the
-- coordinator (without it trying, and warning about, its workers).
SET citus.enable_ddl_propagation = off;
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; col text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, col = COLUMN_NAME;
    RETURN st || CASE WHEN col <> '' THEN ' ' || col ELSE '' END;
END $f$;
-- Fixed ids (inserted directly, as the superuser) so that COPY data can
-- name them.
INSERT INTO ipto.tenants (tenant_id, name) VALUES ('tnt_c0c0c0c0c001', 'counters'), ('tnt_c0c0c0c0c002', 'counters other');
INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES
    ('dset_c0c0c0c0c031', 'tnt_c0c0c0c0c001', 'one'),
    ('dset_c0c0c0c0c041', 'tnt_c0c0c0c0c001', 'two'),
    ('dset_c0c0c0c0c01f', 'tnt_c0c0c0c0c002', 'three');
\set t 'tnt_c0c0c0c0c001'
\set t2 'tnt_c0c0c0c0c002'
\set d1 'dset_c0c0c0c0c031'
\set d2 'dset_c0c0c0c0c041'
\set d3 'dset_c0c0c0c0c01f'
CREATE TEMP TABLE created AS SELECT dataset_id, updated_at FROM ipto.datasets WHERE name IN ('one', 'two', 'three') AND tenant_id LIKE 'tnt_c0c0c0c0c00_';
-- show(): each of our datasets' counters, whether they equal the truth
-- counted from ipto.objects, and whether updated_at stayed put.
CREATE FUNCTION pg_temp.show() RETURNS TABLE (name text, object_count bigint, active_object_count bigint,
    total_bytes bigint, exact boolean, ingested boolean, updated_at_kept boolean) LANGUAGE sql AS $f$
    SELECT d.name, d.object_count, d.active_object_count, d.total_bytes,
           (d.object_count, d.active_object_count, d.total_bytes) =
           (SELECT count(*), count(*) FILTER (WHERE o.status = 'approved' AND o.indexed_at IS NOT NULL),
                   coalesce(sum(o.size_bytes), 0)::bigint
              FROM ipto.objects o WHERE o.tenant_id = d.tenant_id AND o.dataset_id = d.dataset_id),
           d.last_ingest_at IS NOT NULL, d.updated_at = c.updated_at
      FROM ipto.dataset_summary d JOIN pg_temp.created c USING (dataset_id) ORDER BY d.name
$f$;
-- verify_counters() over the whole database: no rows when all is exact.
CREATE VIEW pg_temp.verify AS SELECT count(*) AS verify_rows FROM ipto.verify_counters();
RESET citus.enable_ddl_propagation;
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;

-------------------------------------------------------------------------
-- Inserts: add_object, multi-row INSERT, INSERT ... SELECT, COPY.
-------------------------------------------------------------------------
SELECT ipto.add_object(:'t', :'d1', 'a.pdf', 100) ~ '^obj_[0-9a-f]{12}$' AS id_format;
SELECT ipto.add_object(:'t', :'d1', 'b.pdf', 200, 'application/pdf', 'approved') IS NOT NULL AS approved_not_indexed;
SELECT * FROM pg_temp.show();
SELECT ipto.add_object(:'t', :'d1', 'c.pdf', 300) IS NOT NULL AS added;
-- last_ingest_at is the time of the latest insert.
SELECT last_ingest_at = (SELECT max(created_at) FROM ipto.objects WHERE dataset_id = :'d1') AS ingest_is_latest_insert
  FROM ipto.dataset_summary WHERE dataset_id = :'d1';
SELECT last_ingest_at AS ingest1 FROM ipto.dataset_summary WHERE dataset_id = :'d1' \gset
-- One statement, two datasets (and an approved+indexed row counts as active).
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status, indexed_at) VALUES
    (:'t', :'d1', 'm1', 10, 'staged', NULL),
    (:'t', :'d1', 'm2', 20, 'approved', now()),
    (:'t', :'d2', 'm3', 30, 'approved', now()),
    (:'t', :'d2', 'm4', 40, 'pending', NULL);
SELECT * FROM pg_temp.show();
SELECT last_ingest_at > :'ingest1' AS ingest_moved FROM ipto.dataset_summary WHERE dataset_id = :'d1';
-- Two tenants in one statement.
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes)
SELECT x.t, x.d, 'gen-' || i, i FROM generate_series(1, 1000) i,
       (VALUES (:'t', :'d2'), (:'t2', :'d3')) AS x(t, d);
SELECT * FROM pg_temp.show();
COPY ipto.objects (tenant_id, dataset_id, filename, size_bytes, status, indexed_at) FROM STDIN;
tnt_c0c0c0c0c001	dset_c0c0c0c0c031	copy-1.pdf	1000	staged	\N
tnt_c0c0c0c0c001	dset_c0c0c0c0c031	copy-2.pdf	2000	approved	2024-01-01 00:00:00+00
tnt_c0c0c0c0c001	dset_c0c0c0c0c041	copy-3.pdf	3000	under_review	\N
tnt_c0c0c0c0c002	dset_c0c0c0c0c01f	copy-4.pdf	4000	approved	2024-01-01 00:00:00+00
\.
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;
-- An empty insert changes nothing.
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) SELECT :'t', :'d1', 'none', 1 WHERE false;
SELECT * FROM pg_temp.show();
-- The last ingest is the creation time of the newest object inserted: an
-- object dated in the past does not move it back, one dated in the future
-- counts as inserted now.
BEGIN;
SELECT last_ingest_at AS before_dated FROM ipto.dataset_summary WHERE dataset_id = :'d1' \gset
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, created_at) VALUES (:'t', :'d1', 'past', 1, '2001-01-01');
SELECT last_ingest_at = :'before_dated' AS not_moved_back FROM ipto.dataset_summary WHERE dataset_id = :'d1';
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, created_at) VALUES (:'t', :'d1', 'future', 1, '2999-01-01');
SELECT last_ingest_at > :'before_dated' AND last_ingest_at <= statement_timestamp() AS now_at_most
  FROM ipto.dataset_summary WHERE dataset_id = :'d1';
ROLLBACK;

-------------------------------------------------------------------------
-- Failed and rolled-back inserts leave counters and last_ingest_at alone.
-------------------------------------------------------------------------
SELECT last_ingest_at AS ingest_before FROM ipto.dataset_summary WHERE dataset_id = :'d1' \gset
BEGIN;
SELECT ipto.add_object(:'t', :'d1', 'rolled back', 5) IS NOT NULL AS added;
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) SELECT :'t', :'d1', 'rb-' || i, 1 FROM generate_series(1, 10) i;
-- Inside the transaction the counters already include the rows.
SELECT name, object_count, exact FROM pg_temp.show() WHERE name = 'one';
ROLLBACK;
SELECT * FROM pg_temp.show();
SELECT last_ingest_at = :'ingest_before' AS ingest_unchanged FROM ipto.dataset_summary WHERE dataset_id = :'d1';
-- A savepoint rolled back inside a committed transaction.
BEGIN;
SAVEPOINT s;
SELECT ipto.add_object(:'t', :'d2', 'sp', 7) IS NOT NULL AS added;
ROLLBACK TO SAVEPOINT s;
SELECT ipto.add_object(:'t', :'d2', 'kept', 8) IS NOT NULL AS added;
COMMIT;
SELECT * FROM pg_temp.show();
-- A multi-row statement with one bad row fails whole.
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) VALUES
    (:'t', :'d1', 'good', 1), (:'t', :'d1', 'bad', -1);
-- A row for a dataset that does not exist, or of another tenant.
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) VALUES (:'t', 'dset_000000000000', 'x', 1);
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) VALUES (:'t', :'d3', 'x', 1);
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('unknown dataset',   format('SELECT ipto.add_object(%L, %L, %L, 1)', :'t', 'dset_000000000000', 'x')),
    ('other tenant',      format('SELECT ipto.add_object(%L, %L, %L, 1)', :'t', :'d3', 'x')),
    ('unknown tenant',    format('SELECT ipto.add_object(%L, %L, %L, 1)', 'tnt_000000000000', :'d1', 'x')),
    ('negative size',     format('SELECT ipto.add_object(%L, %L, %L, -1)', :'t', :'d1', 'x')),
    ('null size',         format('SELECT ipto.add_object(%L, %L, %L, NULL)', :'t', :'d1', 'x')),
    ('empty filename',    format('SELECT ipto.add_object(%L, %L, %L, 1)', :'t', :'d1', '')),
    ('control filename',  format('SELECT ipto.add_object(%L, %L, %L, 1)', :'t', :'d1', E'a\nb')),
    ('empty type',        format('SELECT ipto.add_object(%L, %L, %L, 1, %L)', :'t', :'d1', 'x', '')),
    ('bad status',        format('SELECT ipto.add_object(%L, %L, %L, 1, %L, %L)', :'t', :'d1', 'x', 'text/plain', 'indexed'))
) AS v(label, q);
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;

-------------------------------------------------------------------------
-- Updates: status, indexed_at, size_bytes; single rows and bulk.
-------------------------------------------------------------------------
-- Approved without indexed_at is not active; indexed_at makes it so.
UPDATE ipto.objects SET status = 'approved' WHERE dataset_id = :'d1' AND filename = 'a.pdf';
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
UPDATE ipto.objects SET indexed_at = now() WHERE dataset_id = :'d1' AND filename = 'a.pdf';
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
-- indexed_at alone, on an object that is not approved, is not active.
UPDATE ipto.objects SET indexed_at = now() WHERE dataset_id = :'d1' AND filename = 'c.pdf';
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
UPDATE ipto.objects SET indexed_at = NULL WHERE dataset_id = :'d1' AND filename = 'c.pdf';
-- Size, one row.
UPDATE ipto.objects SET size_bytes = size_bytes + 1000 WHERE dataset_id = :'d1' AND filename = 'a.pdf';
SELECT * FROM pg_temp.show();
-- Bulk: approve and index every even generated object of "two", in one statement.
UPDATE ipto.objects SET status = 'approved', indexed_at = now()
 WHERE dataset_id = :'d2' AND filename LIKE 'gen-%' AND substr(filename, 5)::int % 2 = 0;
SELECT * FROM pg_temp.show();
-- Bulk across datasets and tenants: sizes doubled everywhere.
UPDATE ipto.objects SET size_bytes = size_bytes * 2 WHERE tenant_id IN (:'t', :'t2');
SELECT * FROM pg_temp.show();
-- Bulk status change out of approved (plain UPDATE: indexed_at stays, but
-- the objects are no longer active).
UPDATE ipto.objects SET status = 'expired' WHERE dataset_id = :'d2' AND filename LIKE 'gen-%' AND substr(filename, 5)::int <= 100;
SELECT * FROM pg_temp.show();
-- A column the counters do not read, and a no-op.
UPDATE ipto.objects SET filename = filename || '.bak', content_type = 'text/plain' WHERE dataset_id = :'d1';
UPDATE ipto.objects SET status = status, size_bytes = size_bytes WHERE tenant_id = :'t';
UPDATE ipto.objects SET filename = 'nothing' WHERE false;
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;
-- A failed update changes nothing.
UPDATE ipto.objects SET size_bytes = size_bytes - 3000 WHERE dataset_id = :'d1';
BEGIN;
UPDATE ipto.objects SET size_bytes = 0 WHERE dataset_id = :'d1';
ROLLBACK;
SELECT * FROM pg_temp.show();

-------------------------------------------------------------------------
-- Statements that insert, update and delete at once: INSERT ... ON
-- CONFLICT DO UPDATE, MERGE, and a writable CTE (the way to "move" an
-- object: delete it here, add it there).
-------------------------------------------------------------------------
INSERT INTO ipto.objects (object_id, tenant_id, dataset_id, filename, size_bytes) VALUES
    ('obj_c0c0c0c0c00a', :'t', :'d1', 'up-a', 10), ('obj_c0c0c0c0c00b', :'t', :'d1', 'up-b', 20);
SELECT name, object_count, active_object_count, total_bytes, exact FROM pg_temp.show() WHERE name = 'one';
INSERT INTO ipto.objects (object_id, tenant_id, dataset_id, filename, size_bytes, status, indexed_at) VALUES
    ('obj_c0c0c0c0c00a', :'t', :'d1', 'up-a', 15, 'approved', now()),
    ('obj_c0c0c0c0c00c', :'t', :'d1', 'up-c', 5, 'staged', NULL)
ON CONFLICT (tenant_id, object_id) DO UPDATE
   SET size_bytes = excluded.size_bytes, status = excluded.status, indexed_at = excluded.indexed_at;
SELECT name, object_count, active_object_count, total_bytes, exact FROM pg_temp.show() WHERE name = 'one';
INSERT INTO ipto.objects (object_id, tenant_id, dataset_id, filename, size_bytes) VALUES ('obj_c0c0c0c0c00a', :'t', :'d1', 'up-a', 999)
ON CONFLICT DO NOTHING;
SELECT name, object_count, active_object_count, total_bytes, exact FROM pg_temp.show() WHERE name = 'one';
-- (Citus merges into a distributed table only from a source that reads a
-- table of its own, and with no function left to evaluate: the source
-- reads the tenant's row; the new row's times are given.)
SELECT now() AS merge_time \gset
MERGE INTO ipto.objects o
USING (SELECT n.tenant_id, v.id, v.size
         FROM ipto.tenants n, (VALUES ('obj_c0c0c0c0c00a', 100), ('obj_c0c0c0c0c00b', 0), ('obj_c0c0c0c0c00d', 7)) AS v(id, size)
        WHERE n.tenant_id = :'t') AS v
   ON o.tenant_id = v.tenant_id AND o.object_id = v.id
 WHEN MATCHED AND v.size = 0 THEN DELETE
 WHEN MATCHED THEN UPDATE SET size_bytes = v.size, status = 'rejected'
 WHEN NOT MATCHED THEN INSERT (object_id, tenant_id, dataset_id, filename, size_bytes, created_at, updated_at)
      VALUES (v.id, v.tenant_id, :'d2', 'merged', v.size, :'merge_time', :'merge_time');
SELECT * FROM pg_temp.show();
WITH gone AS (DELETE FROM ipto.objects WHERE object_id IN ('obj_c0c0c0c0c00a', 'obj_c0c0c0c0c00c') RETURNING *)
INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status, indexed_at)
SELECT tenant_id, :'d2', filename, size_bytes, 'approved', now() FROM gone;
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;

-------------------------------------------------------------------------
-- Objects never move: dataset_id, tenant_id and object_id are fixed.
-------------------------------------------------------------------------
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('dataset_id',          format('UPDATE ipto.objects SET dataset_id = %L WHERE dataset_id = %L', :'d2', :'d1')),
    ('dataset_id one row',  format('UPDATE ipto.objects SET dataset_id = %L WHERE dataset_id = %L AND filename = %L', :'d2', :'d1', 'a.pdf.bak')),
    ('tenant_id',           format('UPDATE ipto.objects SET tenant_id = %L, dataset_id = %L WHERE dataset_id = %L', :'t2', :'d3', :'d1')),
    ('tenant_id only',      format('UPDATE ipto.objects SET tenant_id = %L WHERE dataset_id = %L', :'t2', :'d1')),
    ('object_id',           format('UPDATE ipto.objects SET object_id = %L WHERE dataset_id = %L AND filename = %L', 'obj_000000000000', :'d1', 'a.pdf.bak')),
    ('dataset_id unchanged',format('UPDATE ipto.objects SET dataset_id = dataset_id WHERE dataset_id = %L', :'d1'))
) AS v(label, q);
\set VERBOSITY default
\set SHOW_CONTEXT never
UPDATE ipto.objects SET dataset_id = :'d2' WHERE dataset_id = :'d1';
\set SHOW_CONTEXT errors
\set VERBOSITY sqlstate
SELECT * FROM pg_temp.show();

-------------------------------------------------------------------------
-- The pipeline functions: set_object_status, mark_object_indexed.
-------------------------------------------------------------------------
SELECT ipto.add_object(:'t', :'d1', 'pipe.pdf', 5000) AS o \gset
SELECT ipto.set_object_status(:'t', :'o', 'under_review');
SELECT pg_temp.err(format('SELECT ipto.mark_object_indexed(%L, %L)', :'t', :'o')) AS index_unapproved;
SELECT ipto.set_object_status(:'t', :'o', 'approved');
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
SELECT ipto.mark_object_indexed(:'t', :'o', ARRAY['chunk one', 'chunk two', 'chunk three']);
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
SELECT status, indexed_at IS NOT NULL AS indexed FROM ipto.objects WHERE object_id = :'o';
-- Indexing again adds chunks after the existing ones.
SELECT ipto.mark_object_indexed(:'t', :'o', ARRAY['chunk four']);
SELECT chunk_no, chunk, dataset_id = :'d1' AS dataset_ok FROM ipto.index_entries WHERE object_id = :'o' ORDER BY chunk_no;
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
-- Approving an approved object keeps it indexed.
SELECT ipto.set_object_status(:'t', :'o', 'approved');
SELECT indexed_at IS NOT NULL AS indexed, (SELECT count(*) FROM ipto.index_entries WHERE object_id = :'o') AS entries
  FROM ipto.objects WHERE object_id = :'o';
-- Leaving approved clears indexed_at and the index entries.
SELECT ipto.set_object_status(:'t', :'o', 'rejected');
SELECT status, indexed_at IS NULL AS unindexed, (SELECT count(*) FROM ipto.index_entries WHERE object_id = :'o') AS entries
  FROM ipto.objects WHERE object_id = :'o';
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
-- Approved again, it is not active until indexed again.
SELECT ipto.set_object_status(:'t', :'o', 'approved');
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
SELECT ipto.mark_object_indexed(:'t', :'o');
SELECT name, active_object_count, exact FROM pg_temp.show() WHERE name = 'one';
SELECT count(*) AS entries FROM ipto.index_entries WHERE object_id = :'o';
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('status unknown',      format('SELECT ipto.set_object_status(%L, %L, %L)', :'t', :'o', 'indexed')),
    ('status null',         format('SELECT ipto.set_object_status(%L, %L, NULL)', :'t', :'o')),
    ('status unknown obj',  format('SELECT ipto.set_object_status(%L, %L, %L)', :'t', 'obj_000000000000', 'approved')),
    ('status other tenant', format('SELECT ipto.set_object_status(%L, %L, %L)', :'t2', :'o', 'approved')),
    ('index other tenant',  format('SELECT ipto.mark_object_indexed(%L, %L)', :'t2', :'o')),
    ('index unknown obj',   format('SELECT ipto.mark_object_indexed(%L, %L)', :'t', 'obj_000000000000'))
) AS v(label, q);
SELECT * FROM pg_temp.show();
SELECT * FROM pg_temp.verify;

-------------------------------------------------------------------------
-- Deletes: single, bulk, across datasets, delete_object.
-------------------------------------------------------------------------
SELECT last_ingest_at AS ingest_before_delete FROM ipto.dataset_summary WHERE dataset_id = :'d2' \gset
DELETE FROM ipto.objects WHERE dataset_id = :'d1' AND filename = 'copy-1.pdf.bak';
SELECT * FROM pg_temp.show();
DELETE FROM ipto.objects WHERE dataset_id = :'d2' AND filename LIKE 'gen-%' AND substr(filename, 5)::int > 500;
SELECT * FROM pg_temp.show();
-- One statement, both tenants.
DELETE FROM ipto.objects WHERE filename LIKE 'gen-1%' AND tenant_id IN (:'t', :'t2');
SELECT * FROM pg_temp.show();
SELECT ipto.delete_object(:'t', :'o');
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('delete again',        format('SELECT ipto.delete_object(%L, %L)', :'t', :'o')),
    ('delete other tenant', format('SELECT ipto.delete_object(%L, (SELECT min(object_id) FROM ipto.objects WHERE dataset_id = %L))', :'t2', :'d1'))
) AS v(label, q);
SELECT * FROM pg_temp.show();
BEGIN;
DELETE FROM ipto.objects WHERE tenant_id = :'t';
ROLLBACK;
SELECT * FROM pg_temp.show();
-- Deleting every object: counters to zero, last_ingest_at kept.
DELETE FROM ipto.objects WHERE dataset_id = :'d2';
SELECT * FROM pg_temp.show();
SELECT last_ingest_at = :'ingest_before_delete' AS ingest_kept FROM ipto.dataset_summary WHERE dataset_id = :'d2';
SELECT * FROM pg_temp.verify;

-------------------------------------------------------------------------
-- TRUNCATE (every object of every dataset goes).
-------------------------------------------------------------------------
SELECT ipto.add_object(:'t', :'d2', 'again', 42) IS NOT NULL AS added;
SELECT count(*) > 0 AS some_objects FROM ipto.objects;
SET client_min_messages = warning;  -- the NOTICEs naming the cascaded tables
TRUNCATE ipto.objects CASCADE;
RESET client_min_messages;
SELECT * FROM pg_temp.show();
SELECT count(*) AS nonzero_datasets FROM ipto.dataset_summary WHERE object_count <> 0 OR active_object_count <> 0 OR total_bytes <> 0;
SELECT * FROM pg_temp.verify;
-- A rolled-back TRUNCATE restores the counters with the rows.
SELECT ipto.add_object(:'t', :'d1', 'survivor', 77) IS NOT NULL AS added;
BEGIN;
SET LOCAL client_min_messages = warning;
TRUNCATE ipto.objects CASCADE;
SELECT name, object_count FROM pg_temp.show() WHERE name = 'one';
ROLLBACK;
SELECT * FROM pg_temp.show();

-------------------------------------------------------------------------
-- verify_counters finds a corrupted counter; rebuild_counters repairs it.
-------------------------------------------------------------------------
UPDATE ipto.dataset_counters SET object_count = object_count + 998 WHERE dataset_id = :'d1';
UPDATE ipto.dataset_counters SET total_bytes = total_bytes - 5, active_object_count = active_object_count + 3
 WHERE (dataset_id, shard) = (SELECT dataset_id, min(shard) FROM ipto.dataset_counters WHERE dataset_id = :'d3' GROUP BY 1);
SELECT * FROM ipto.verify_counters();
SELECT ipto.rebuild_counters(:'d1') AS repaired;
SELECT * FROM ipto.verify_counters();
SELECT ipto.rebuild_counters() AS repaired;
SELECT * FROM ipto.verify_counters();
SELECT ipto.rebuild_counters() AS repaired_when_exact;
SELECT pg_temp.err(format('SELECT ipto.rebuild_counters(%L)', 'dset_000000000000')) AS rebuild_unknown;
-- Counts are derived: a row inserted by hand (as a restore's COPY does)
-- brings none; only its last ingest is kept, and never moves it back.
SELECT last_ingest_at AS d3_last FROM ipto.dataset_summary WHERE dataset_id = :'d3' \gset
INSERT INTO ipto.dataset_counters (tenant_id, dataset_id, shard, object_count, total_bytes, last_ingest_at)
  SELECT tenant_id, dataset_id, 99, 5, 500, '2000-01-01' FROM ipto.datasets WHERE dataset_id = :'d3';
SELECT count(*) AS rows_in_shard_99 FROM ipto.dataset_counters WHERE shard = 99;
SELECT * FROM pg_temp.verify;
SELECT last_ingest_at = :'d3_last' AS last_ingest_kept FROM ipto.dataset_summary WHERE dataset_id = :'d3';
INSERT INTO ipto.dataset_counters (tenant_id, dataset_id, shard, last_ingest_at)
  SELECT tenant_id, dataset_id, 7, '2999-01-01' FROM ipto.datasets WHERE dataset_id = :'d3';
SELECT last_ingest_at FROM ipto.dataset_summary WHERE dataset_id = :'d3';
SELECT * FROM pg_temp.verify;
SELECT * FROM pg_temp.show();
