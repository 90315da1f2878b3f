-- Conditional writes: the request face takes an If-Match field value (the
-- dataset's entity tag, the SHA-256 of its JSON, as ipto-front computes it
-- for ETag), the operator face an expected updated_at. Either is checked
-- under the dataset's row lock, in the write's own transaction.
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
-- The entity tag of a dataset's JSON, as ipto-front computes it.
CREATE FUNCTION pg_temp.etag(data json) RETURNS text LANGUAGE sql AS $f$
    SELECT '"' || left(encode(sha256(convert_to(data::text, 'UTF8')), 'hex'), 32) || '"'
$f$;
RESET citus.enable_ddl_propagation;
SELECT ipto.create_tenant('cond A') AS a, ipto.create_tenant('cond B') AS b \gset
SELECT ipto.create_api_key(:'a', 'k', '{admin:*}') AS key_a, ipto.create_api_key(:'b', 'k', '{admin:*}') AS key_b \gset
SELECT substr(:'key_a', 6, 8) AS ka, encode(sha256(convert_to(substr(:'key_a', 15), 'UTF8')), 'hex') AS da,
       substr(:'key_b', 6, 8) AS kb, encode(sha256(convert_to(substr(:'key_b', 15), 'UTF8')), 'hex') AS db \gset
SELECT resource_id AS d, pg_temp.etag(data) AS tag
  FROM ipto.api_create_dataset('api_key', :'ka', :'da', '{"name": "cond", "visibility": "listed"}') \gset

-------------------------------------------------------------------------
-- The request face: If-Match.
-------------------------------------------------------------------------
-- The tag of what GET answers is the tag the create answered.
SELECT pg_temp.etag(data) = :'tag' AS same_tag FROM ipto.api_get_dataset('api_key', :'ka', :'da', :'d');
-- A stale tag, a weak one, garbage: 412, and nothing changes.
SELECT label, pg_temp.err(format('SELECT ipto.api_update_dataset(%L, %L, %L, %L, %L, %L)',
                                 'api_key', :'ka', :'da', :'d', '{"name": "x"}', v)) AS result
  FROM (VALUES ('stale', '"00000000000000000000000000000000"'), ('weak', 'W/' || :'tag'),
               ('unquoted', trim(both '"' from :'tag')), ('empty', '')) AS t(label, v);
SELECT name FROM ipto.get_dataset(:'a', :'d');
-- The current tag (alone, in a list, or *) lets the write through once: the
-- write changes the tag, so the same If-Match fails afterwards.
SELECT data->>'name' AS name, pg_temp.etag(data) <> :'tag' AS tag_moved
  FROM ipto.api_update_dataset('api_key', :'ka', :'da', :'d', '{"name": "first"}', '"zzz", ' || :'tag');
SELECT pg_temp.err(format('SELECT ipto.api_update_dataset(%L, %L, %L, %L, %L, %L)',
                          'api_key', :'ka', :'da', :'d', '{"name": "second"}', :'tag')) AS second_writer;
SELECT data->>'name' AS name FROM ipto.api_update_dataset('api_key', :'ka', :'da', :'d', '{"name": "star"}', '*');
-- NULL If-Match: an unconditional write, as through the older signature.
SELECT data->>'name' AS name FROM ipto.api_update_dataset('api_key', :'ka', :'da', :'d', '{"name": "plain"}', NULL);
SELECT data->>'name' AS name FROM ipto.api_update_dataset('api_key', :'ka', :'da', :'d', '{"name": "old"}');
-- Counters are part of the dataset: an ingest changes the tag.
SELECT pg_temp.etag(data) AS tag FROM ipto.api_get_dataset('api_key', :'ka', :'da', :'d') \gset
SELECT ipto.add_object(:'a', :'d', 'f', 10) IS NOT NULL AS added;
SELECT pg_temp.err(format('SELECT ipto.api_update_dataset(%L, %L, %L, %L, %L, %L)',
                          'api_key', :'ka', :'da', :'d', '{}', :'tag')) AS after_ingest;
-- Visibility comes first: another tenant gets 403 (listed: it sees it) or
-- 404, whatever the header; a wrong id is 404.
SELECT pg_temp.err(format('SELECT ipto.api_update_dataset(%L, %L, %L, %L, %L, %L)',
                          'api_key', :'kb', :'db', :'d', '{}', '"nope"')) AS other_tenant,
       pg_temp.err(format('SELECT ipto.api_delete_dataset(%L, %L, %L, %L, %L)',
                          'api_key', :'ka', :'da', 'dset_000000000000', '*')) AS unknown;
-- DELETE with a stale tag keeps the dataset; with the current one removes it.
SELECT pg_temp.etag(data) AS tag FROM ipto.api_get_dataset('api_key', :'ka', :'da', :'d') \gset
SELECT pg_temp.err(format('SELECT ipto.api_delete_dataset(%L, %L, %L, %L, %L)',
                          'api_key', :'ka', :'da', :'d', '"00000000000000000000000000000000"')) AS stale_delete;
SELECT count(*) AS still_there FROM ipto.datasets WHERE dataset_id = :'d';
SELECT data::text AS deleted FROM ipto.api_delete_dataset('api_key', :'ka', :'da', :'d', :'tag');
SELECT count(*) AS gone FROM ipto.datasets WHERE dataset_id = :'d';

-------------------------------------------------------------------------
-- The operator face: expected_updated_at.
-------------------------------------------------------------------------
SELECT dataset_id AS e, updated_at AS v FROM ipto.create_dataset(:'a', 'versioned') \gset
SELECT name FROM ipto.update_dataset(:'a', :'e', '{"name": "v2"}', expected_updated_at => :'v');
SELECT pg_temp.err(format('SELECT ipto.update_dataset(%L, %L, %L, expected_updated_at => %L)',
                          :'a', :'e', '{"name": "v3"}', :'v')) AS stale_update,
       pg_temp.err(format('SELECT ipto.delete_dataset(%L, %L, expected_updated_at => %L)', :'a', :'e', :'v')) AS stale_delete;
SELECT name FROM ipto.get_dataset(:'a', :'e');
SELECT updated_at AS v FROM ipto.get_dataset(:'a', :'e') \gset
SELECT ipto.delete_dataset(:'a', :'e', expected_updated_at => :'v');
SELECT count(*) AS gone FROM ipto.datasets WHERE dataset_id = :'e';
-- What a person reads (identifiers masked).
SET citus.enable_ddl_propagation = off;
CREATE FUNCTION pg_temp.msg(q text) RETURNS TABLE (sqlstate text, message text, detail text) LANGUAGE plpgsql AS $f$
DECLARE st text; m text; d text;
BEGIN
    EXECUTE q;
    RETURN QUERY SELECT 'ok', NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    RETURN QUERY SELECT st, regexp_replace(m, 'dset_[0-9a-f]{12}', 'dset_…', 'g'), d;
END $f$;
RESET citus.enable_ddl_propagation;
SELECT dataset_id AS f, updated_at AS v FROM ipto.create_dataset(:'a', 'message') \gset
SELECT name FROM ipto.update_dataset(:'a', :'f', '{"name": "moved"}');
SELECT * FROM pg_temp.msg(format('SELECT ipto.update_dataset(%L, %L, %L, expected_updated_at => %L)',
                                 :'a', :'f', '{"name": "late"}', :'v'));
SELECT * FROM pg_temp.msg(format('SELECT ipto.api_delete_dataset(%L, %L, %L, %L, %L)',
                                 'api_key', :'ka', :'da', :'f', '"00000000000000000000000000000000"'));
