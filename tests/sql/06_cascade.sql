-- Cascading delete (docs/cascade.md): deleting a dataset removes its objects,
-- their index entries and metadata, its grants and its idempotency records,
-- and touches nothing else. delete_object removes an object's index entries
-- and metadata.
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
RESET citus.enable_ddl_propagation;
SELECT ipto.create_tenant('cascade') AS t, ipto.create_tenant('cascade grantee') AS g \gset
SELECT dataset_id AS d_del FROM ipto.create_dataset(:'t', 'to delete', visibility => 'restricted') \gset
SELECT dataset_id AS d_keep FROM ipto.create_dataset(:'t', 'to keep', visibility => 'restricted') \gset
-- The same content in both datasets.
CREATE TEMP TABLE objects_of (dataset_id text, object_id text);
INSERT INTO objects_of SELECT d, ipto.add_object(:'t', d, 'file-' || i, i * 10)
  FROM unnest(ARRAY[:'d_del', :'d_keep']) d, generate_series(1, 5) i;
-- Rows that belong to a dataset, in every table that holds any (metadata:
-- through the objects the dataset ever had).
SET citus.enable_ddl_propagation = off;
CREATE FUNCTION pg_temp.rows_of(d text) RETURNS TABLE (datasets bigint, objects bigint, index_entries bigint,
    object_metadata bigint, dataset_grants bigint, idempotency_keys bigint) LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY
    SELECT (SELECT count(*) FROM ipto.datasets x WHERE x.dataset_id = d),
           (SELECT count(*) FROM ipto.objects x WHERE x.dataset_id = d),
           (SELECT count(*) FROM ipto.index_entries x WHERE x.dataset_id = d),
           (SELECT count(*) FROM ipto.object_metadata m
             WHERE m.object_id IN (SELECT o.object_id FROM pg_temp.objects_of o WHERE o.dataset_id = d)),
           (SELECT count(*) FROM ipto.dataset_grants x WHERE x.dataset_id = d),
           (SELECT count(*) FROM ipto.idempotency_keys x WHERE x.dataset_id = d);
END $f$;
RESET citus.enable_ddl_propagation;
SELECT count(ipto.set_object_status(:'t', object_id, 'approved')) AS calls FROM objects_of;
SELECT count(ipto.mark_object_indexed(:'t', object_id, ARRAY['alpha', 'beta', 'gamma'])) AS calls FROM objects_of;
SELECT count(ipto.set_object_metadata(:'t', object_id, 'lang', 'en')) AS calls FROM objects_of;
SELECT count(ipto.set_object_metadata(:'t', object_id, 'pages', '3')) AS calls FROM objects_of;
-- Upsert: a second value for the same key replaces the first.
SELECT count(ipto.set_object_metadata(:'t', object_id, 'lang', 'de')) AS calls FROM objects_of;
SELECT key, value, count(*) FROM ipto.object_metadata WHERE tenant_id = :'t' GROUP BY key, value ORDER BY key;
SELECT count(ipto.grant_dataset(:'t', d, :'g')) AS grants FROM unnest(ARRAY[:'d_del', :'d_keep']) d;
INSERT INTO ipto.idempotency_keys (tenant_id, idempotency_key, request_sha256, dataset_id, response)
SELECT :'t', 'idem-' || d, sha256('body'), d, '{}' FROM unnest(ARRAY[:'d_del', :'d_keep']) d;
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('metadata empty key',     format('SELECT ipto.set_object_metadata(%L, (SELECT min(object_id) FROM pg_temp.objects_of), %L, %L)', :'t', '', 'v')),
    ('metadata long value',    format('SELECT ipto.set_object_metadata(%L, (SELECT min(object_id) FROM pg_temp.objects_of), %L, %L)', :'t', 'k', repeat('v', 8193))),
    ('metadata null value',    format('SELECT ipto.set_object_metadata(%L, (SELECT min(object_id) FROM pg_temp.objects_of), %L, NULL)', :'t', 'k')),
    ('metadata unknown object',format('SELECT ipto.set_object_metadata(%L, %L, %L, %L)', :'t', 'obj_000000000000', 'k', 'v')),
    ('metadata other tenant',  format('SELECT ipto.set_object_metadata(%L, (SELECT min(object_id) FROM pg_temp.objects_of), %L, %L)', :'g', 'k', 'v'))
) AS v(label, q);

SELECT 'to delete' AS dataset, * FROM pg_temp.rows_of(:'d_del')
UNION ALL SELECT 'to keep', * FROM pg_temp.rows_of(:'d_keep');
-- Purges what deleted datasets left, batch by batch (2 rows of each kind a
-- batch, to show the batching); the background worker may be at it too.
SET citus.enable_ddl_propagation = off;
CREATE FUNCTION pg_temp.purge_all() RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN
    FOR i IN 1..1200 LOOP
        PERFORM ipto.purge_deleted(2);
        -- (SELECT 1: Citus cannot plan this EXISTS with an empty select list.)
        IF NOT EXISTS (SELECT 1 FROM ipto.deleted_datasets) THEN RETURN true; END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END
$f$;
RESET citus.enable_ddl_propagation;
-- The dataset, its grants and idempotency records go at once; its objects,
-- index entries and metadata are purged after (constant-time delete), and
-- nothing reads them meanwhile (see below). Rolled back, all stays.
BEGIN;
SELECT ipto.delete_dataset(:'t', :'d_del');
SELECT * FROM pg_temp.rows_of(:'d_del');
SELECT count(*) AS awaiting_purge FROM ipto.deleted_datasets WHERE dataset_id = :'d_del';
SELECT ipto.purge_deleted(2) > 0 AS purged_a_batch;
SELECT pg_temp.purge_all() AS purged;
SELECT * FROM pg_temp.rows_of(:'d_del');
ROLLBACK;
SELECT * FROM pg_temp.rows_of(:'d_del');
SELECT count(*) AS awaiting_purge FROM ipto.deleted_datasets;

-- The delete.
SELECT ipto.delete_dataset(:'t', :'d_del');
SELECT pg_temp.purge_all() AS purged;
SELECT 'deleted' AS dataset, * FROM pg_temp.rows_of(:'d_del')
UNION ALL SELECT 'kept', * FROM pg_temp.rows_of(:'d_keep');
-- No row of any table refers to a deleted object either.
SELECT (SELECT count(*) FROM ipto.index_entries e JOIN pg_temp.objects_of o USING (object_id) WHERE o.dataset_id = :'d_del') AS index_entries,
       (SELECT count(*) FROM ipto.object_metadata m JOIN pg_temp.objects_of o USING (object_id) WHERE o.dataset_id = :'d_del') AS metadata,
       (SELECT count(*) FROM ipto.objects x JOIN pg_temp.objects_of o USING (object_id) WHERE o.dataset_id = :'d_del') AS objects;
-- Nothing of it can be read: not by its owner, not by its grantee.
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'t', :'d_del')) AS owner_get,
       pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'g', :'d_del')) AS grantee_get,
       (SELECT count(*) FROM ipto.list_datasets(:'t') WHERE dataset_id = :'d_del') AS owner_list,
       (SELECT count(*) FROM ipto.list_datasets(:'g') WHERE dataset_id = :'d_del') AS grantee_list,
       pg_temp.err(format('SELECT ipto.add_object(%L, %L, %L, 1)', :'t', :'d_del', 'late')) AS add_object,
       pg_temp.err(format('SELECT ipto.grant_dataset(%L, %L, %L)', :'t', :'d_del', :'g')) AS grant_again,
       pg_temp.err(format('SELECT ipto.set_object_status(%L, (SELECT min(object_id) FROM pg_temp.objects_of WHERE dataset_id = %L), %L)', :'t', :'d_del', 'approved')) AS object_status;
-- The kept dataset is whole, its counters exact, and still seen by the grantee.
SELECT object_count, active_object_count, total_bytes FROM ipto.get_dataset(:'g', :'d_keep');
SELECT count(*) AS verify_rows FROM ipto.verify_counters();

-------------------------------------------------------------------------
-- delete_object: its index entries and metadata go with it; the others stay.
-------------------------------------------------------------------------
SELECT min(object_id) AS o FROM objects_of WHERE dataset_id = :'d_keep' \gset
SELECT ipto.delete_object(:'t', :'o');
SELECT (SELECT count(*) FROM ipto.objects WHERE object_id = :'o') AS objects,
       (SELECT count(*) FROM ipto.index_entries WHERE object_id = :'o') AS index_entries,
       (SELECT count(*) FROM ipto.object_metadata WHERE object_id = :'o') AS metadata;
SELECT * FROM pg_temp.rows_of(:'d_keep');
SELECT object_count, active_object_count,
       total_bytes = (SELECT sum(size_bytes) FROM ipto.objects WHERE dataset_id = :'d_keep') AS total_bytes_exact
  FROM ipto.get_dataset(:'t', :'d_keep');
-- A plain DELETE of an object cascades the same way.
DELETE FROM ipto.objects WHERE object_id = (SELECT max(object_id) FROM objects_of WHERE dataset_id = :'d_keep');
SELECT * FROM pg_temp.rows_of(:'d_keep');
SELECT count(*) AS verify_rows FROM ipto.verify_counters();
