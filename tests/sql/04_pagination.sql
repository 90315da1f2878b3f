-- Keyset pagination of list_datasets: newest first (created_at, then
-- dataset_id, descending); every dataset exactly once; total on every page;
-- next_cursor null on the last page; cursors are signed and bound to the
-- tenant and the filters.
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
-- walk(): follows next_cursor from the first page until it is null.
CREATE FUNCTION pg_temp.walk(t text, lim int, st text DEFAULT NULL, vis text DEFAULT NULL, own text DEFAULT NULL)
RETURNS TABLE (pg int, pos int, id text, created timestamptz, tot bigint, nxt text) LANGUAGE plpgsql AS $f$
DECLARE cur text := NULL; r record; n int;
BEGIN
    pg := 0;
    LOOP
        pg := pg + 1;
        n := 0;
        FOR r IN SELECT * FROM ipto.list_datasets(t, cur, lim, st, vis, own) LOOP
            n := n + 1;
            pos := n; id := r.dataset_id; created := r.created_at; tot := r.total; nxt := r.next_cursor;
            RETURN NEXT;
        END LOOP;
        EXIT WHEN n = 0 OR nxt IS NULL OR pg > 1000;
        cur := nxt;
    END LOOP;
END $f$;
-- check(): the walk against the table: each dataset once, in order. (The
-- table is read on its own first: on Citus, a statement that reads it
-- would otherwise go whole to a worker, the walk with it.)
CREATE FUNCTION pg_temp.check(t text, lim int, own text DEFAULT NULL)
RETURNS TABLE (pages int, rows bigint, distinct_rows bigint, same_set boolean, in_order boolean,
               total_every_page boolean, only_last_page_ends boolean) LANGUAGE plpgsql AS $f$
DECLARE expected text[];
BEGIN
    SELECT coalesce(array_agg(d.dataset_id ORDER BY d.created_at DESC, d.dataset_id DESC), '{}') INTO expected
      FROM ipto.datasets d
     WHERE (own IS NULL AND (d.tenant_id = t OR (d.visibility = 'listed' AND d.status = 'active')))
        OR (own = 'me' AND d.tenant_id = t);
    RETURN QUERY
    WITH w AS (SELECT *, row_number() OVER (ORDER BY pg, pos) AS k FROM pg_temp.walk(t, lim, NULL, NULL, own)),
         e AS (SELECT x.dataset_id, x.k FROM unnest(expected) WITH ORDINALITY AS x(dataset_id, k))
    SELECT (SELECT max(pg) FROM w), (SELECT count(*) FROM w), (SELECT count(DISTINCT id) FROM w),
           NOT EXISTS (SELECT id FROM w EXCEPT SELECT dataset_id FROM e)
             AND NOT EXISTS (SELECT dataset_id FROM e EXCEPT SELECT id FROM w),
           (SELECT bool_and(w.id = e.dataset_id) FROM w JOIN e USING (k)),
           (SELECT bool_and(tot = (SELECT count(*) FROM e)) FROM w),
           (SELECT bool_and((nxt IS NULL) = (pg = (SELECT max(pg) FROM w))) FROM w);
END $f$;
RESET citus.enable_ddl_propagation;

SELECT ipto.create_tenant('pages') AS t, ipto.create_tenant('pages other') AS u \gset
SELECT count(*) AS created FROM generate_series(1, 45) i, LATERAL ipto.create_dataset(:'t', 'page ' || i) d;
-- Distinct creation times, but in groups of three that share one (so the
-- dataset_id tie-break decides, also across page boundaries).
-- (In timestamp arithmetic: Citus refuses an UPDATE that applies a STABLE
-- function, such as timestamptz + interval, to columns.)
UPDATE ipto.datasets d SET created_at = (timestamp '2024-01-01 00:00:00' + (x.n / 3) * interval '1 minute') AT TIME ZONE 'UTC'
  FROM (SELECT dataset_id, row_number() OVER (ORDER BY dataset_id) - 1 AS n FROM ipto.datasets WHERE tenant_id = :'t') x
 WHERE d.dataset_id = x.dataset_id;
SELECT count(DISTINCT created_at) AS distinct_times, count(*) AS datasets FROM ipto.datasets WHERE tenant_id = :'t';

-- The tenant's own datasets, 7 at a time: pages of 7,7,7,7,7,7,3.
SELECT pg AS page, count(*) AS rows, min(tot) AS total, bool_and(nxt IS NOT NULL) AS has_next
  FROM pg_temp.walk(:'t', 7, own => 'me') GROUP BY pg ORDER BY pg;
SELECT * FROM pg_temp.check(:'t', 7, 'me');
-- Page sizes that divide the count exactly, and the edges.
SELECT lim, c.* FROM unnest(ARRAY[1, 9, 15, 44, 45, 46, 100]) lim, LATERAL pg_temp.check(:'t', lim, 'me') c;
-- Without the owner filter the walk also covers other tenants' listed
-- datasets (left by other test files): still each once, in order.
SELECT same_set, in_order, rows = distinct_rows AS no_duplicates, total_every_page, only_last_page_ends
  FROM pg_temp.check(:'t', 7);
-- Pages are in order: the first row of each page is older than the last of
-- the previous one.
SELECT bool_and(w.created < p.created OR (w.created = p.created AND w.id < p.id)) AS pages_descend
  FROM pg_temp.walk(:'t', 7, own => 'me') w
  JOIN pg_temp.walk(:'t', 7, own => 'me') p ON p.pg = w.pg - 1 AND p.pos = 7
 WHERE w.pos = 1;

-------------------------------------------------------------------------
-- A cursor is a position, not an offset.
-------------------------------------------------------------------------
SELECT next_cursor AS c1 FROM ipto.list_datasets(:'t', NULL, 7, owner => 'me') LIMIT 1 \gset
SELECT :'c1' ~ '^[A-Za-z0-9_-]+$' AS base64url;
-- A dataset created after page 1 was served does not shift page 2.
SELECT (ipto.create_dataset(:'t', 'newcomer')).dataset_id IS NOT NULL AS created;
SELECT (array_agg(dataset_id ORDER BY created_at DESC, dataset_id DESC))[8:14] AS page2
  FROM ipto.datasets WHERE tenant_id = :'t' AND name <> 'newcomer' \gset
SELECT array_agg(dataset_id ORDER BY created_at DESC, dataset_id DESC) = :'page2' AS page2_unchanged,
       max(total) AS total_now
  FROM ipto.list_datasets(:'t', :'c1', 7, owner => 'me');
-- Deleting the dataset the cursor points after does not break it.
SELECT ipto.delete_dataset(:'t', (SELECT dataset_id FROM ipto.list_datasets(:'t', NULL, 7, owner => 'me') OFFSET 6 LIMIT 1));
SELECT count(*) AS page2_rows FROM ipto.list_datasets(:'t', :'c1', 7, owner => 'me');
-- The same cursor with another page size continues from the same place.
SELECT count(*) AS rows_after_c1 FROM ipto.list_datasets(:'t', :'c1', 100, owner => 'me');

-------------------------------------------------------------------------
-- Invalid cursors: 400 invalid_cursor (IP4C0), naming the cursor.
-------------------------------------------------------------------------
-- Every single-character change is caught.
SELECT length(:'c1') AS cursor_length,
       count(*) FILTER (WHERE r = 'IP4C0 cursor') AS refused, count(*) AS tried
  FROM generate_series(1, length(:'c1')) i,
       LATERAL (SELECT overlay(:'c1' PLACING CASE WHEN substr(:'c1', i, 1) = 'A' THEN 'B' ELSE 'A' END FROM i FOR 1) AS bad) b,
       LATERAL pg_temp.err(format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', b.bad, 'me')) r;
SELECT next_cursor AS c_all FROM ipto.list_datasets(:'t', NULL, 7) LIMIT 1 \gset
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('other tenant',       format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'u', :'c1', 'me')),
    ('filter dropped',     format('SELECT * FROM ipto.list_datasets(%L, %L, 7)', :'t', :'c1')),
    ('filter changed',     format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', :'c1', 'others')),
    ('filter added',       format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L, status => %L)', :'t', :'c1', 'me', 'active')),
    ('unfiltered + owner', format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', :'c_all', 'me')),
    ('unfiltered + vis',   format('SELECT * FROM ipto.list_datasets(%L, %L, 7, visibility => %L)', :'t', :'c_all', 'private')),
    ('unfiltered ok',      format('SELECT * FROM ipto.list_datasets(%L, %L, 7)', :'t', :'c_all')),
    ('garbage',            format('SELECT * FROM ipto.list_datasets(%L, %L)', :'t', '!!!')),
    ('empty',              format('SELECT * FROM ipto.list_datasets(%L, %L)', :'t', '')),
    ('truncated',          format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', left(:'c1', -1), 'me')),
    ('extended',           format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', :'c1' || 'AAAA', 'me')),
    ('padded',             format('SELECT * FROM ipto.list_datasets(%L, %L, 7, owner => %L)', :'t', :'c1' || '=', 'me')),
    ('base64 standard',    format('SELECT * FROM ipto.list_datasets(%L, %L)', :'t', 'AQAAAAAAAAAAAAAAAAAAAAAA+/+/')),
    ('long',               format('SELECT * FROM ipto.list_datasets(%L, %L)', :'t', repeat('A', 10000)))
) AS v(label, q);
\set VERBOSITY default
SELECT * FROM ipto.list_datasets(:'t', '!!!');
-- A list leaves the caller's settings as they were (on Citus it sends its
-- shard queries over one connection per worker, for its own call only).
BEGIN;
SET LOCAL citus.max_adaptive_executor_pool_size = 3;
SELECT count(*) > 0 AS listed FROM ipto.list_datasets(:'t');
SELECT current_setting('citus.max_adaptive_executor_pool_size') AS pool_size;
ROLLBACK;
