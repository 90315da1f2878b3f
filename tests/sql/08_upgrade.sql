-- The extension can be dropped and created again at its version, and works
-- afterwards (roles it created survive the drop and are reused).
\set VERBOSITY sqlstate
SET client_min_messages = warning;  -- the NOTICE listing what CASCADE drops
DROP EXTENSION ipto CASCADE;
RESET client_min_messages;
-- Nothing of it is left: no table, type or function in its schema.
SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'ipto'::regnamespace) AS relations,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'ipto'::regnamespace) AS functions,
       (SELECT count(*) FROM pg_type WHERE typnamespace = 'ipto'::regnamespace) AS types;
CREATE EXTENSION ipto VERSION '0.1';
SELECT extname, extversion, extnamespace::regnamespace AS schema FROM pg_extension WHERE extname = 'ipto';
SELECT default_version FROM pg_available_extensions WHERE name = 'ipto';
SELECT rolname, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname IN ('ipto_api', 'ipto_service') ORDER BY rolname;
-- Fresh tables, and a smoke call through each face.
SELECT (SELECT count(*) FROM ipto.tenants) AS tenants, (SELECT count(*) FROM ipto.datasets) AS datasets;
SELECT ipto.create_tenant('after reinstall') AS t \gset
SELECT dataset_id AS d FROM ipto.create_dataset(:'t', 'smoke') \gset
SELECT name, object_count FROM ipto.get_dataset(:'t', :'d');
SELECT ipto.add_object(:'t', :'d', 'f', 10) IS NOT NULL AS added;
SELECT object_count, total_bytes FROM ipto.get_dataset(:'t', :'d');
SELECT count(*) AS verify_rows FROM ipto.verify_counters();
SELECT ipto.create_api_key(:'t', 'smoke', '{datasets:read}') AS key \gset
SELECT data->>'name' AS name FROM ipto.api_get_dataset('api_key', substr(:'key', 6, 8),
       encode(sha256(convert_to(substr(:'key', 15), 'UTF8')), 'hex'), :'d');
SELECT count(*) AS listed FROM ipto.list_datasets(:'t');
-- The library of the newest release serves a database still at 0.1; the
-- update keeps its data and counters, and drops the 0.1 test hook.
SELECT (SELECT count(*) FROM pg_proc WHERE proname = '_boundary_test') AS test_hook_before;
ALTER EXTENSION ipto UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'ipto';
SELECT (SELECT count(*) FROM pg_proc WHERE proname = '_boundary_test') AS test_hook_after;
SELECT name, object_count, total_bytes FROM ipto.get_dataset(:'t', :'d');
SELECT ipto.add_object(:'t', :'d', 'g', 5) IS NOT NULL AS added;
SELECT object_count, total_bytes FROM ipto.get_dataset(:'t', :'d');
SELECT count(*) AS verify_rows FROM ipto.verify_counters();
SELECT data->>'name' AS name FROM ipto.api_get_dataset('api_key', substr(:'key', 6, 8),
       encode(sha256(convert_to(substr(:'key', 15), 'UTF8')), 'hex'), :'d');
-- Nothing newer to update to.
ALTER EXTENSION ipto UPDATE;
-- A version that does not exist is refused.
DROP EXTENSION ipto CASCADE;
CREATE EXTENSION ipto VERSION '9.9';
CREATE EXTENSION ipto;
SELECT extversion FROM pg_extension WHERE extname = 'ipto';
