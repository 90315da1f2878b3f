-- The request face (docs/request-face.md): ipto.api_* called by the front's
-- login role, a member of ipto_api with no privilege on any table. The
-- front sends the credential's kind, its public part and the SHA-256 (hex)
-- of its secret; never the secret.
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
-- msg(q): the SQLSTATE and what a person reads, identifiers masked.
CREATE FUNCTION pg_temp.msg(q text) RETURNS TABLE (sqlstate text, message text, detail text) LANGUAGE plpgsql AS $f$
DECLARE st text; m text; d text;
BEGIN
    EXECUTE q;
    RETURN QUERY SELECT 'ok', NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    RETURN QUERY SELECT st, regexp_replace(m, '(dset|tnt)_[0-9a-f]{12}', '\1_…', 'g'), d;
END $f$;
-- The front's view of a credential: public part and hex digest of the secret.
CREATE FUNCTION pg_temp.key_parts(key text, OUT id text, OUT dg text) LANGUAGE sql AS $f$
    SELECT substr(key, 6, 8), encode(sha256(convert_to(substr(key, 15), 'UTF8')), 'hex')
$f$;
CREATE FUNCTION pg_temp.session_parts(token text, OUT id text, OUT dg text) LANGUAGE sql AS $f$
    SELECT left(token, 16), encode(sha256(convert_to(right(token, 32), 'UTF8')), 'hex')
$f$;
RESET citus.enable_ddl_propagation;

-------------------------------------------------------------------------
-- Setup, as the superuser: tenants, credentials, digests.
-------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_front;  -- left over by an interrupted run
RESET client_min_messages;
CREATE ROLE regress_front LOGIN IN ROLE ipto_api;
SELECT ipto.create_tenant('api A') AS a, ipto.create_tenant('api B') AS b, ipto.create_tenant('api C') AS c \gset
SELECT id AS aw_id, dg AS aw_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A write', '{datasets:read,datasets:write}')) \gset
SELECT id AS ar_id, dg AS ar_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A read', '{datasets:read}')) \gset
SELECT id AS awo_id, dg AS awo_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A write only', '{datasets:write}')) \gset
SELECT id AS aa_id, dg AS aa_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A admin', '{admin:*}')) \gset
SELECT id AS arev_id, dg AS arev_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A revoked', '{admin:*}')) \gset
SELECT id AS aexp_id, dg AS aexp_dg FROM pg_temp.key_parts(ipto.create_api_key(:'a', 'A expired', '{admin:*}', now() + interval '1 hour')) \gset
SELECT id AS bw_id, dg AS bw_dg FROM pg_temp.key_parts(ipto.create_api_key(:'b', 'B write', '{datasets:read,datasets:write}')) \gset
SELECT id AS cw_id, dg AS cw_dg FROM pg_temp.key_parts(ipto.create_api_key(:'c', 'C write', '{datasets:read,datasets:write}')) \gset
SELECT id AS as_id, dg AS as_dg FROM pg_temp.session_parts(ipto.create_session(:'a', '{datasets:read,datasets:write}')) \gset
SELECT ipto.create_session(:'a', '{admin:*}') AS srev_token \gset
SELECT id AS srev_id, dg AS srev_dg FROM pg_temp.session_parts(:'srev_token') \gset
SELECT id AS sexp_id, dg AS sexp_dg FROM pg_temp.session_parts(ipto.create_session(:'a', '{admin:*}', '1 hour')) \gset
SELECT ipto.revoke_api_key((SELECT api_key_id FROM ipto.api_keys WHERE prefix = :'arev_id'));
SELECT ipto.revoke_session(:'srev_token');
-- Expire a key and a session (they could not be created expired).
UPDATE ipto.api_keys SET expires_at = now() - interval '1 second' WHERE prefix = :'aexp_id';
UPDATE ipto.sessions SET expires_at = now() - interval '1 second' WHERE session_id = :'sexp_id';
-- A dataset of A that B has been granted, and one of B's.
SELECT dataset_id AS a_granted FROM ipto.create_dataset(:'a', 'A granted to B', visibility => 'restricted') \gset
SELECT ipto.grant_dataset(:'a', :'a_granted', :'b');
SELECT dataset_id AS b_private FROM ipto.create_dataset(:'b', 'B private') \gset
SELECT dataset_id AS b_listed FROM ipto.create_dataset(:'b', 'B listed', visibility => 'listed') \gset

SET ROLE regress_front;
SELECT current_user;

-------------------------------------------------------------------------
-- Create, get, list, update, delete: the happy paths.
-------------------------------------------------------------------------
SELECT tenant_id = :'a' AS tenant_ok, resource_id ~ '^dset_[0-9a-f]{12}$' AS id_format,
       resource_id = data->>'dataset_id' AS resource_is_dataset,
       data->>'name' AS name, data->>'description' AS description, data->>'visibility' AS visibility
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg',
       '{"name": "  Via API  ", "description": "made by the front", "visibility": "listed"}');
SELECT resource_id AS d1, data AS d1_json FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Defaults"}') \gset
-- The API's fields, in its order (docs/api.md), with JSON types and UTC timestamps.
SELECT string_agg(k, ', ') AS fields FROM json_object_keys(:'d1_json'::json) k;
SELECT string_agg(k || ':' || json_typeof(:'d1_json'::json -> k), ', ') AS types FROM json_object_keys(:'d1_json'::json) k;
SELECT j->>'tenant_id' = :'a' AS tenant_ok, j->>'name' AS name, j->>'source_modality' AS source_modality,
       j->>'monetization_mode' AS monetization_mode, j->>'pricing_model' AS pricing_model,
       j->>'visibility' AS visibility, j->>'status' AS status,
       j->>'object_count' AS object_count, j->>'active_object_count' AS active_object_count, j->>'total_bytes' AS total_bytes,
       j->>'created_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' AS created_at_utc,
       j->>'created_at' = j->>'updated_at' AS created_is_updated
  FROM (SELECT :'d1_json'::json AS j) x;
-- get: the same JSON as create returned.
SELECT tenant_id = :'a' AS tenant_ok, resource_id = :'d1' AS resource_ok, data::text = :'d1_json' AS same_json
  FROM ipto.api_get_dataset('api_key', :'aw_id', :'aw_dg', :'d1');
-- list: {"datasets": [...], "total": N, "next_cursor": ...}.
SELECT string_agg(k, ', ') AS fields FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', owner => 'me') l,
       LATERAL json_object_keys(l.data) k;
SELECT resource_id IS NULL AS no_resource, json_array_length(data->'datasets') AS datasets, data->>'total' AS total,
       json_typeof(data->'total') AS total_type, json_typeof(data->'next_cursor') AS next_cursor,
       (SELECT string_agg(e->>'name', ', ') FROM json_array_elements(data->'datasets') e) AS names
  FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', owner => 'me');
-- Pages through the API: limit is text, the cursor is followed.
SELECT data->>'next_cursor' AS api_cursor, json_array_length(data->'datasets') AS datasets, data->>'total' AS total
  FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', NULL, '2', NULL, NULL, 'me') \gset
SELECT :datasets AS page1_rows, :total AS total, :'api_cursor' <> '' AS has_next;
SELECT json_array_length(data->'datasets') AS page2_rows, json_typeof(data->'next_cursor') AS next_cursor
  FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', :'api_cursor', '2', NULL, NULL, 'me');
-- Filters through the API.
SELECT (SELECT string_agg(e->>'name', ', ' ORDER BY e->>'name') FROM json_array_elements(data->'datasets') e
         WHERE e->>'tenant_id' IN (:'a', :'b', :'c')) AS names
  FROM ipto.api_list_datasets('api_key', :'bw_id', :'bw_dg', owner => 'others');
SELECT data->>'total' AS total FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', status => 'active', visibility => 'listed', owner => 'me');
-- update: changes, returns the dataset; {} returns it unchanged.
SELECT resource_id = :'d1' AS resource_ok, data->>'name' AS name, data->>'status' AS status, data->>'description' AS description
  FROM ipto.api_update_dataset('api_key', :'aw_id', :'aw_dg', :'d1', '{"name": "Renamed", "status": "archived", "description": null}');
SELECT data->>'name' AS name, data->>'status' AS status
  FROM ipto.api_update_dataset('api_key', :'aw_id', :'aw_dg', :'d1', '{}');
-- delete: data is {}.
SELECT tenant_id = :'a' AS tenant_ok, resource_id = :'d1' AS resource_ok, data::text AS data
  FROM ipto.api_delete_dataset('api_key', :'aw_id', :'aw_dg', :'d1');
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('get deleted',    format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'d1')),
    ('update deleted', format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'d1', '{}')),
    ('delete deleted', format('SELECT * FROM ipto.api_delete_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'d1')),
    ('get malformed',  format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', 'nope')),
    ('get null id',    format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, NULL)', 'api_key', :'aw_id', :'aw_dg'))
) AS v(label, q);
-- The tenant of a request does not outlive the call.
SELECT coalesce(current_setting('ipto.tenant_id', true), '') = '' AS tenant_not_leaked;

-------------------------------------------------------------------------
-- Credentials: every invalid one is the same 401, with the same message.
-------------------------------------------------------------------------
SELECT label, m.* FROM (VALUES
    ('valid key',          'api_key', :'aw_id',   :'aw_dg'),
    ('wrong digest',       'api_key', :'aw_id',   :'bw_dg'),
    ('digest of nothing',  'api_key', :'aw_id',   encode(sha256(''), 'hex')),
    ('upper-case digest',  'api_key', :'aw_id',   upper(:'aw_dg')),
    ('short digest',       'api_key', :'aw_id',   left(:'aw_dg', 63)),
    ('non-hex digest',     'api_key', :'aw_id',   repeat('z', 64)),
    ('null digest',        'api_key', :'aw_id',   NULL),
    ('unknown prefix',     'api_key', 'zzzzzzzz', :'aw_dg'),
    ('null prefix',        'api_key', NULL,       :'aw_dg'),
    ('revoked key',        'api_key', :'arev_id', :'arev_dg'),
    ('expired key',        'api_key', :'aexp_id', :'aexp_dg'),
    ('key as session',     'session', :'aw_id',   :'aw_dg'),
    ('session as key',     'api_key', :'as_id',   :'as_dg'),
    ('garbage kind',       'bearer',  :'aw_id',   :'aw_dg'),
    ('null kind',          NULL,      :'aw_id',   :'aw_dg'),
    ('valid session',      'session', :'as_id',   :'as_dg'),
    ('session bad digest', 'session', :'as_id',   :'aw_dg'),
    ('revoked session',    'session', :'srev_id', :'srev_dg'),
    ('expired session',    'session', :'sexp_id', :'sexp_dg')
) AS v(label, kind, id, dg),
  LATERAL pg_temp.msg(format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', v.kind, v.id, v.dg, :'a_granted')) m;
-- Every endpoint authenticates first.
SELECT pg_temp.err(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'arev_id', :'arev_dg', '{"name": "x"}')) AS "create",
       pg_temp.err(format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L)', 'api_key', :'arev_id', :'arev_dg')) AS list,
       pg_temp.err(format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', :'arev_id', :'arev_dg', :'a_granted', '{}')) AS "update",
       pg_temp.err(format('SELECT * FROM ipto.api_delete_dataset(%L, %L, %L, %L)', 'api_key', :'arev_id', :'arev_dg', :'a_granted')) AS "delete",
       -- even before the body is looked at
       pg_temp.err(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'arev_id', :'arev_dg', '{')) AS bad_body;

-------------------------------------------------------------------------
-- Scopes: datasets:read for get/list, datasets:write for create/update/
-- delete; admin:* grants everything.
-------------------------------------------------------------------------
SELECT k.label,
       pg_temp.err(format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L)', k.kind, k.id, k.dg)) AS list,
       pg_temp.err(format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', k.kind, k.id, k.dg, :'a_granted')) AS "get",
       pg_temp.err(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', k.kind, k.id, k.dg, '{"name": "scoped"}')) AS "create",
       pg_temp.err(format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', k.kind, k.id, k.dg, :'a_granted', '{}')) AS "update"
  FROM (VALUES ('read only', 'api_key', :'ar_id', :'ar_dg'), ('write only', 'api_key', :'awo_id', :'awo_dg'),
               ('read+write', 'api_key', :'aw_id', :'aw_dg'), ('admin:*', 'api_key', :'aa_id', :'aa_dg'),
               ('session read+write', 'session', :'as_id', :'as_dg')) AS k(label, kind, id, dg);
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'ar_id', :'ar_dg', '{"name": "x"}'));
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_delete_dataset(%L, %L, %L, %L)', 'api_key', :'ar_id', :'ar_dg', :'a_granted'));
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', 'api_key', :'awo_id', :'awo_dg', :'a_granted'));
-- admin:* and a session can delete.
SELECT data::text AS data FROM ipto.api_delete_dataset('api_key', :'aa_id', :'aa_dg',
       (SELECT resource_id FROM ipto.api_create_dataset('api_key', :'aa_id', :'aa_dg', '{"name": "admin made"}')));
SELECT data::text AS data FROM ipto.api_delete_dataset('session', :'as_id', :'as_dg',
       (SELECT resource_id FROM ipto.api_create_dataset('session', :'as_id', :'as_dg', '{"name": "session made"}')));

-------------------------------------------------------------------------
-- Idempotency-Key on create.
-------------------------------------------------------------------------
SELECT resource_id AS i1, data AS i1_json FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg',
       '{"name": "Idem", "visibility": "listed"}', 'idem-key-1') \gset
-- The same key and body: the first response, the same dataset.
SELECT resource_id = :'i1' AS same_dataset, data::text = :'i1_json' AS same_response
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Idem", "visibility": "listed"}', 'idem-key-1');
-- The same request, spelled differently (spacing, member order): still the same.
SELECT resource_id = :'i1' AS same_dataset
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{ "visibility":"listed",  "name":"Idem" }', 'idem-key-1');
-- Another credential of the same tenant: the same.
SELECT resource_id = :'i1' AS same_dataset
  FROM ipto.api_create_dataset('session', :'as_id', :'as_dg', '{"name": "Idem", "visibility": "listed"}', 'idem-key-1');
SELECT count(*) AS datasets_named_idem FROM ipto.api_list_datasets('api_key', :'aw_id', :'aw_dg', owner => 'me') l,
       LATERAL json_array_elements(l.data->'datasets') e WHERE e->>'name' = 'Idem';
-- Another body with the same key: 409.
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('other name',      format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "Idem 2", "visibility": "listed"}', 'idem-key-1')),
    ('field dropped',   format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "Idem"}', 'idem-key-1')),
    ('space in key',    format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "x"}', 'idem key')),
    ('empty key',       format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "x"}', '')),
    ('key 256 chars',   format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "x"}', repeat('k', 256))),
    ('non-ASCII key',   format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "x"}', 'clé'))
) AS v(label, q);
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "Idem 2"}', 'idem-key-1'));
-- A 255-character key is fine.
SELECT resource_id <> :'i1' AS new_dataset
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "long key"}', repeat('k', 255));
-- Keys are per tenant: B's same key and body makes B's own dataset.
SELECT tenant_id = :'b' AS tenant_b, resource_id <> :'i1' AS new_dataset
  FROM ipto.api_create_dataset('api_key', :'bw_id', :'bw_dg', '{"name": "Idem", "visibility": "listed"}', 'idem-key-1');
-- Once the dataset is deleted its idempotency record goes too: the key
-- creates a new dataset.
SELECT data::text AS data FROM ipto.api_delete_dataset('api_key', :'aw_id', :'aw_dg', :'i1');
SELECT resource_id <> :'i1' AS new_dataset
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Idem", "visibility": "listed"}', 'idem-key-1');

-------------------------------------------------------------------------
-- Across tenants, as in 03: 404 where not visible, 403 where visible but
-- not owned.
-------------------------------------------------------------------------
SELECT who, ds,
       pg_temp.err(format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', 'api_key', id, dg, d)) AS "get",
       pg_temp.err(format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', id, dg, d, '{"name": "mine now"}')) AS "update",
       pg_temp.err(format('SELECT * FROM ipto.api_delete_dataset(%L, %L, %L, %L)', 'api_key', id, dg, d)) AS "delete"
  FROM (VALUES ('A', :'aw_id', :'aw_dg'), ('C', :'cw_id', :'cw_dg')) AS w(who, id, dg),
       (VALUES ('B private', :'b_private'), ('B listed', :'b_listed')) AS x(ds, d)
UNION ALL
SELECT who, 'A granted to B',
       pg_temp.err(format('SELECT * FROM ipto.api_get_dataset(%L, %L, %L, %L)', 'api_key', id, dg, :'a_granted')),
       pg_temp.err(format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', id, dg, :'a_granted', '{"name": "mine now"}')),
       pg_temp.err(format('SELECT * FROM ipto.api_delete_dataset(%L, %L, %L, %L)', 'api_key', id, dg, :'a_granted'))
  FROM (VALUES ('B', :'bw_id', :'bw_dg'), ('C', :'cw_id', :'cw_dg')) AS w(who, id, dg)
 ORDER BY 1, 2;
SELECT data->>'name' AS name FROM ipto.api_get_dataset('api_key', :'bw_id', :'bw_dg', :'a_granted');

-------------------------------------------------------------------------
-- Bodies and query parameters.
-------------------------------------------------------------------------
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('invalid JSON',        format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": ')),
    ('trailing garbage',    format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "x"} x')),
    ('empty body',          format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '')),
    ('null body',           format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, NULL)', 'api_key', :'aw_id', :'aw_dg')),
    ('array body',          format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '[]')),
    ('string body',         format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '"name"')),
    ('null JSON body',      format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', 'null')),
    ('name missing',        format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{}')),
    ('name number',         format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": 1}')),
    ('name twice',          format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "a", "name": "b"}')),
    ('status on create',    format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "a", "status": "active"}')),
    ('dataset_id on create',format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "a", "dataset_id": "dset_000000000000"}')),
    ('unknown on create',   format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "a", "tags": []}')),
    ('bad visibility',      format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "a", "visibility": "public"}')),
    ('update invalid JSON', format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'a_granted', '{')),
    ('update array',        format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'a_granted', '[1]')),
    ('update read-only',    format('SELECT * FROM ipto.api_update_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', :'a_granted', '{"created_at": "x"}')),
    ('limit abc',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', 'abc')),
    ('limit 0',             format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '0')),
    ('limit 101',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '101')),
    ('limit empty',         format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '')),
    ('limit -1',            format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '-1')),
    ('limit 1.5',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '1.5')),
    ('limit huge',          format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '99999999999999999999')),
    ('limit 100',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '100')),
    ('limit 007',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', '007')),
    ('bad status',          format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, status => %L)', 'api_key', :'aw_id', :'aw_dg', 'gone')),
    ('bad visibility',      format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, visibility => %L)', 'api_key', :'aw_id', :'aw_dg', 'public')),
    ('bad owner',           format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, owner => %L)', 'api_key', :'aw_id', :'aw_dg', 'all')),
    ('bad cursor',          format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '!!!')),
    ('B uses A cursor',     format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, %L, %L, NULL, NULL, %L)', 'api_key', :'bw_id', :'bw_dg', :'api_cursor', '2', 'me'))
) AS v(label, q);
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": '));
SELECT * FROM pg_temp.msg(format('SELECT * FROM ipto.api_list_datasets(%L, %L, %L, NULL, %L)', 'api_key', :'aw_id', :'aw_dg', 'abc'));

-------------------------------------------------------------------------
-- The front's role may do nothing else.
-------------------------------------------------------------------------
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('select datasets',  'SELECT count(*) FROM ipto.datasets'),
    ('select api_keys',  'SELECT count(*) FROM ipto.api_keys'),
    ('select sessions',  'SELECT count(*) FROM ipto.sessions'),
    ('select objects',   'SELECT count(*) FROM ipto.objects'),
    ('select settings',  'SELECT count(*) FROM ipto.settings'),
    ('insert tenant',    'INSERT INTO ipto.tenants VALUES (''tnt_000000000009'', ''x'')'),
    ('create_tenant',    'SELECT ipto.create_tenant(''x'')'),
    ('create_api_key',   format('SELECT ipto.create_api_key(%L, %L, %L)', :'a', 'x', '{admin:*}')),
    ('get_dataset',      format('SELECT ipto.get_dataset(%L, %L)', :'a', :'a_granted')),
    ('delete_dataset',   format('SELECT ipto.delete_dataset(%L, %L)', :'a', :'a_granted')),
    ('verify_counters',  'SELECT * FROM ipto.verify_counters()'),
    ('rebuild_counters', 'SELECT ipto.rebuild_counters()')
) AS v(label, q);
RESET ROLE;
SELECT current_user = 'regress_front' AS still_front;
-- Credentials that worked were marked used; the failed ones were not.
SELECT name, k.api_key_id IN (SELECT u.api_key_id FROM ipto.api_key_uses u) AS used
  FROM ipto.api_keys k WHERE tenant_id = :'a' ORDER BY name;

-------------------------------------------------------------------------
-- Timestamps in the JSON are UTC, to the second (whatever the session's
-- TimeZone), and an idempotency key may be reused after 24 hours.
-------------------------------------------------------------------------
SET TimeZone = 'Asia/Kolkata';
-- Citus sends values to its workers as text in the session's DateStyle,
-- where only ISO writes an offset rather than a zone's abbreviation (IST).
SET DateStyle = 'ISO, MDY';
UPDATE ipto.datasets SET created_at = '2025-03-09 23:59:59.999999+00', updated_at = '2026-04-05 10:00:00+00'
 WHERE dataset_id = :'a_granted';
INSERT INTO ipto.dataset_counters (tenant_id, dataset_id, shard, last_ingest_at)
SELECT tenant_id, dataset_id, 99, '2024-02-29 12:34:56.5-08' FROM ipto.datasets WHERE dataset_id = :'a_granted';
SELECT data->>'created_at' AS created_at, data->>'updated_at' AS updated_at, data->>'last_ingest_at' AS last_ingest_at
  FROM ipto.api_get_dataset('api_key', :'aw_id', :'aw_dg', :'a_granted');
SELECT resource_id AS i2 FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Idem"}', 'idem-key-2') \gset
UPDATE ipto.idempotency_keys SET created_at = now() - interval '23 hours' WHERE tenant_id = :'a' AND idempotency_key = 'idem-key-2';
SELECT pg_temp.err(format('SELECT * FROM ipto.api_create_dataset(%L, %L, %L, %L, %L)', 'api_key', :'aw_id', :'aw_dg', '{"name": "Idem later"}', 'idem-key-2')) AS within_24h;
UPDATE ipto.idempotency_keys SET created_at = now() - interval '25 hours' WHERE tenant_id = :'a' AND idempotency_key = 'idem-key-2';
SELECT resource_id <> :'i2' AS new_dataset, data->>'name' AS name, resource_id AS i3
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Idem later"}', 'idem-key-2') \gset
SELECT :'new_dataset' AS new_dataset, :'name' AS name;
RESET TimeZone;
RESET DateStyle;
-- ...and from then on replays the new request.
SELECT resource_id = :'i3' AS replays_new
  FROM ipto.api_create_dataset('api_key', :'aw_id', :'aw_dg', '{"name": "Idem later"}', 'idem-key-2');

-------------------------------------------------------------------------
-- Row-level security: the second wall behind the functions.
-------------------------------------------------------------------------
SELECT count(*) AS a_may_see FROM ipto.datasets d
 WHERE d.tenant_id = :'a' OR (d.visibility = 'listed' AND d.status = 'active')
    OR (d.visibility = 'restricted' AND d.dataset_id IN (SELECT g.dataset_id FROM ipto.dataset_grants g
                                                          WHERE g.grantee_tenant_id = :'a')) \gset
SELECT count(*) AS b_may_see FROM ipto.datasets d
 WHERE d.tenant_id = :'b' OR (d.visibility = 'listed' AND d.status = 'active')
    OR (d.visibility = 'restricted' AND d.dataset_id IN (SELECT g.dataset_id FROM ipto.dataset_grants g
                                                          WHERE g.grantee_tenant_id = :'b')) \gset
SELECT count(*) AS anyone_may_see FROM ipto.datasets d WHERE d.visibility = 'listed' AND d.status = 'active' \gset
SET ROLE ipto_service;
-- The tenant is set as the functions set it: for a transaction (which Citus
-- passes on to its workers with the transaction's statements).
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL ipto.tenant_id = :'a';
SELECT count(*) = :a_may_see AS a_sees_exactly_its_share,
       count(*) FILTER (WHERE tenant_id <> :'a' AND visibility = 'private') AS others_private,
       count(*) FILTER (WHERE tenant_id = :'b' AND dataset_id = :'b_private') AS b_private
  FROM ipto.datasets;
WITH u AS (UPDATE ipto.datasets SET name = 'rls breach' WHERE dataset_id IN (:'b_listed', :'b_private') RETURNING 1)
SELECT count(*) AS updated_other_tenant FROM u;
WITH u AS (DELETE FROM ipto.datasets WHERE tenant_id = :'b' RETURNING 1)
SELECT count(*) AS deleted_other_tenant FROM u;
-- Its own rows it may change.
WITH u AS (UPDATE ipto.datasets SET name = name WHERE dataset_id = :'a_granted' RETURNING 1)
SELECT count(*) AS updated_own FROM u;
SELECT pg_temp.err(format('INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES (%L, %L, %L)',
                          'dset_00000000beef', :'b', 'planted')) AS insert_for_other_tenant;
SELECT pg_temp.err('SELECT count(*) FROM ipto.objects') AS objects;
COMMIT;
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL ipto.tenant_id = :'b';
SELECT count(*) = :b_may_see AS b_sees_exactly_its_share,
       count(*) FILTER (WHERE dataset_id = :'a_granted') AS granted_to_b FROM ipto.datasets;
COMMIT;
-- No tenant set: only what anyone may see.
SELECT count(*) = :anyone_may_see AS sees_listed_only FROM ipto.datasets;
RESET ROLE;
SELECT name FROM ipto.datasets WHERE dataset_id IN (:'b_listed', :'b_private') ORDER BY name;
SELECT count(*) AS planted FROM ipto.datasets WHERE dataset_id = 'dset_00000000beef';
DROP ROLE regress_front;
