-- Datasets through the operator face: defaults, validation of every field,
-- get, update (a jsonb of changes) and delete.
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
SELECT ipto.create_tenant('datasets') AS t \gset

-------------------------------------------------------------------------
-- create_dataset: the API's defaults (docs/api.md, Dataset).
-------------------------------------------------------------------------
SELECT dataset_id ~ '^dset_[0-9a-f]{12}$' AS id_format, tenant_id = :'t' AS tenant_ok, name,
       description IS NULL AS description_null, source_modality, monetization_mode, pricing_model,
       visibility, status, object_count, active_object_count, total_bytes,
       last_ingest_at IS NULL AS never_ingested, created_at = updated_at AS created_is_updated,
       created_at = now() AS created_now
  FROM ipto.create_dataset(:'t', 'AP Invoices 2025');
SELECT dataset_id AS c_dataset_id FROM ipto.datasets WHERE tenant_id = :'t' \gset
-- The stored row holds the same.
SELECT name, description IS NULL AS description_null, source_modality, monetization_mode, pricing_model,
       visibility, status, object_count, active_object_count, total_bytes,
       last_ingest_at IS NULL AS never_ingested, created_at = updated_at AS created_is_updated
  FROM ipto.dataset_summary WHERE dataset_id = :'c_dataset_id';
-- get_dataset returns exactly the stored row.
SELECT g = row(d.dataset_id, d.tenant_id, d.name, d.description, d.source_modality, d.monetization_mode,
               d.pricing_model, d.visibility, d.status, d.object_count, d.active_object_count, d.total_bytes,
               d.created_at, d.updated_at, d.last_ingest_at)::ipto.dataset AS get_matches_table
  FROM ipto.get_dataset(:'t', :'c_dataset_id') g, ipto.dataset_summary d WHERE d.dataset_id = :'c_dataset_id';
-- Every value of every set is accepted, and stored as given.
SELECT v, d.source_modality FROM unnest(ARRAY['document', 'image', 'video', 'audio', 'mixed']) v,
       LATERAL ipto.create_dataset(:'t', 'm ' || v, source_modality => v) d;
SELECT v, d.monetization_mode FROM unnest(ARRAY['open', 'premium', 'restricted']) v,
       LATERAL ipto.create_dataset(:'t', 'm ' || v, monetization_mode => v) d;
SELECT v, d.pricing_model FROM unnest(ARRAY['demand_curve', 'fixed']) v,
       LATERAL ipto.create_dataset(:'t', 'p ' || v, pricing_model => v) d;
SELECT v, d.visibility FROM unnest(ARRAY['private', 'restricted', 'listed']) v,
       LATERAL ipto.create_dataset(:'t', 'v ' || v, visibility => v) d;
-- All at once, positionally.
SELECT name, description, source_modality, monetization_mode, pricing_model, visibility, status
  FROM ipto.create_dataset(:'t', 'Full', 'Invoice corpus', 'image', 'premium', 'fixed', 'listed');
SELECT count(*) AS datasets_so_far FROM ipto.datasets WHERE tenant_id = :'t';

-- Names: trimmed of spaces (Unicode ones too), 1 to 200 characters after
-- trimming, no control characters.
SELECT name, length(name) FROM ipto.create_dataset(:'t', '   Spaced out   ');
SELECT name, length(name) FROM ipto.create_dataset(:'t', E'\u00a0\u3000Wide\u2003spaces\u00a0\u3000');
SELECT length(name) AS len FROM ipto.create_dataset(:'t', repeat('n', 200));
SELECT length(name) AS len FROM ipto.create_dataset(:'t', '  ' || repeat('n', 200) || '  ');
SELECT length(name) AS len FROM ipto.create_dataset(:'t', repeat('名', 200));
SELECT length(description) AS len FROM ipto.create_dataset(:'t', 'd2000', repeat('d', 2000));
SELECT length(description) AS len FROM ipto.create_dataset(:'t', 'd2000 multibyte', repeat('é', 2000));
-- Descriptions may hold tabs and line breaks.
SELECT description = E'line one\n\tline two\r\n' AS kept FROM ipto.create_dataset(:'t', 'multi-line', E'line one\n\tline two\r\n');
SELECT count(*) AS datasets_so_far FROM ipto.datasets WHERE tenant_id = :'t';
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('name empty',          format('SELECT ipto.create_dataset(%L, %L)', :'t', '')),
    ('name only spaces',    format('SELECT ipto.create_dataset(%L, %L)', :'t', E'   \u00a0 ')),
    ('name 201',            format('SELECT ipto.create_dataset(%L, %L)', :'t', repeat('n', 201))),
    ('name 201 multibyte',  format('SELECT ipto.create_dataset(%L, %L)', :'t', repeat('名', 201))),
    ('name tab',            format('SELECT ipto.create_dataset(%L, %L)', :'t', E'a\tb')),
    ('name newline',        format('SELECT ipto.create_dataset(%L, %L)', :'t', E'a\nb')),
    ('name C1 control',     format('SELECT ipto.create_dataset(%L, %L)', :'t', E'a\u0085b')),
    ('name null',           format('SELECT ipto.create_dataset(%L, NULL)', :'t')),
    ('description 2001',    format('SELECT ipto.create_dataset(%L, %L, %L)', :'t', 'x', repeat('d', 2001))),
    ('source_modality',     format('SELECT ipto.create_dataset(%L, %L, source_modality => %L)', :'t', 'x', 'pdf')),
    ('source_modality case',format('SELECT ipto.create_dataset(%L, %L, source_modality => %L)', :'t', 'x', 'Document')),
    ('source_modality null',format('SELECT ipto.create_dataset(%L, %L, source_modality => NULL)', :'t', 'x')),
    ('monetization_mode',   format('SELECT ipto.create_dataset(%L, %L, monetization_mode => %L)', :'t', 'x', 'free')),
    ('monetization null',   format('SELECT ipto.create_dataset(%L, %L, monetization_mode => NULL)', :'t', 'x')),
    ('pricing_model',       format('SELECT ipto.create_dataset(%L, %L, pricing_model => %L)', :'t', 'x', 'auction')),
    ('pricing_model empty', format('SELECT ipto.create_dataset(%L, %L, pricing_model => %L)', :'t', 'x', '')),
    ('visibility',          format('SELECT ipto.create_dataset(%L, %L, visibility => %L)', :'t', 'x', 'public')),
    ('visibility space',    format('SELECT ipto.create_dataset(%L, %L, visibility => %L)', :'t', 'x', 'listed ')),
    ('unknown tenant',      format('SELECT ipto.create_dataset(%L, %L)', 'tnt_000000000000', 'x')),
    ('malformed tenant',    format('SELECT ipto.create_dataset(%L, %L)', 'tenant', 'x'))
) AS v(label, q);
-- Nothing was created by the refused calls.
SELECT count(*) AS datasets_so_far FROM ipto.datasets WHERE tenant_id = :'t';
\set VERBOSITY default
SELECT ipto.create_dataset(:'t', repeat('n', 201));
SELECT ipto.create_dataset(:'t', 'x', visibility => 'public');
SELECT ipto.create_dataset(:'t', '   ');
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- update_dataset
-------------------------------------------------------------------------
SELECT dataset_id AS d, updated_at AS u0, created_at AS c0 FROM ipto.create_dataset(:'t', 'Updatable') \gset
-- {} changes nothing, returns the dataset and keeps updated_at.
SELECT name, status, updated_at = :'u0' AS updated_at_kept FROM ipto.update_dataset(:'t', :'d', '{}');
SELECT pg_sleep(0.01);
-- Each field, one at a time; each real change moves updated_at.
SELECT name, updated_at > :'u0' AS moved, created_at = :'c0' AS created_kept
  FROM ipto.update_dataset(:'t', :'d', '{"name": "  Renamed  "}');
SELECT updated_at AS u1 FROM ipto.datasets WHERE dataset_id = :'d' \gset
-- The same values again (after trimming) do not move updated_at.
SELECT pg_sleep(0.01);
SELECT name, updated_at = :'u1' AS updated_at_kept FROM ipto.update_dataset(:'t', :'d', '{"name": "Renamed"}');
SELECT name, updated_at = :'u1' AS updated_at_kept FROM ipto.update_dataset(:'t', :'d', '{"name": "\u3000Renamed "}');
SELECT updated_at = :'u1' AS updated_at_kept
  FROM ipto.update_dataset(:'t', :'d', '{"name": "Renamed", "description": null, "source_modality": "document",
       "monetization_mode": "open", "pricing_model": "demand_curve", "visibility": "private", "status": "active"}');
SELECT description, updated_at > :'u1' AS moved FROM ipto.update_dataset(:'t', :'d', '{"description": "now described"}');
SELECT updated_at AS u2 FROM ipto.datasets WHERE dataset_id = :'d' \gset
SELECT pg_sleep(0.01);
SELECT description IS NULL AS description_null, updated_at > :'u2' AS moved
  FROM ipto.update_dataset(:'t', :'d', '{"description": null}');
SELECT updated_at AS u3 FROM ipto.datasets WHERE dataset_id = :'d' \gset
SELECT pg_sleep(0.01);
-- An empty description is a value, distinct from null.
SELECT description = '' AS description_empty, updated_at > :'u3' AS moved
  FROM ipto.update_dataset(:'t', :'d', '{"description": ""}');
SELECT source_modality FROM ipto.update_dataset(:'t', :'d', '{"source_modality": "video"}');
SELECT monetization_mode FROM ipto.update_dataset(:'t', :'d', '{"monetization_mode": "restricted"}');
SELECT pricing_model FROM ipto.update_dataset(:'t', :'d', '{"pricing_model": "fixed"}');
SELECT visibility FROM ipto.update_dataset(:'t', :'d', '{"visibility": "listed"}');
SELECT status FROM ipto.update_dataset(:'t', :'d', '{"status": "archived"}');
SELECT status FROM ipto.update_dataset(:'t', :'d', '{"status": "active"}');
-- Several at once.
SELECT name, description, source_modality, monetization_mode, pricing_model, visibility, status
  FROM ipto.update_dataset(:'t', :'d', '{"name": "All", "description": "every field", "source_modality": "audio",
       "monetization_mode": "premium", "pricing_model": "demand_curve", "visibility": "restricted", "status": "archived"}');
-- The stored row agrees with what update returned; counters untouched.
SELECT name, description, source_modality, monetization_mode, pricing_model, visibility, status,
       object_count, active_object_count, total_bytes, last_ingest_at IS NULL AS never_ingested
  FROM ipto.dataset_summary WHERE dataset_id = :'d';
SELECT updated_at AS u4 FROM ipto.datasets WHERE dataset_id = :'d' \gset
-- Refusals: each names the field at fault, and changes nothing.
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('unknown field',        format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"colour": "red"}')),
    ('dataset_id',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"dataset_id": "dset_000000000000"}')),
    ('tenant_id',            format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"tenant_id": "tnt_000000000000"}')),
    ('object_count',         format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"object_count": 5}')),
    ('active_object_count',  format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"active_object_count": 5}')),
    ('total_bytes',          format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"total_bytes": 5}')),
    ('created_at',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"created_at": "2020-01-01T00:00:00Z"}')),
    ('updated_at',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"updated_at": "2020-01-01T00:00:00Z"}')),
    ('last_ingest_at',       format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"last_ingest_at": null}')),
    ('name number',          format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"name": 5}')),
    ('name null',            format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"name": null}')),
    ('name empty',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"name": "  "}')),
    ('name 201',             format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', jsonb_build_object('name', repeat('n', 201)))),
    ('name control',         format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"name": "a\u0007b"}')),
    ('description number',   format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"description": 1}')),
    ('description array',    format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"description": ["a"]}')),
    ('description 2001',     format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', jsonb_build_object('description', repeat('d', 2001)))),
    ('source_modality bool', format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"source_modality": true}')),
    ('source_modality bad',  format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"source_modality": "text"}')),
    ('monetization object',  format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"monetization_mode": {}}')),
    ('monetization bad',     format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"monetization_mode": "paid"}')),
    ('pricing_model null',   format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"pricing_model": null}')),
    ('pricing_model bad',    format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"pricing_model": "free"}')),
    ('visibility number',    format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"visibility": 1}')),
    ('visibility bad',       format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"visibility": "public"}')),
    ('status bad',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"status": "deleted"}')),
    ('status null',          format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"status": null}')),
    ('good then bad',        format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{"name": "Changed", "visibility": "nope"}')),
    ('array body',           format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '[]')),
    ('string body',          format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '"name"')),
    ('null body',            format('SELECT ipto.update_dataset(%L, %L, NULL)', :'t', :'d')),
    ('unknown dataset',      format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', 'dset_000000000000', '{}')),
    ('malformed dataset',    format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', 'dset_XYZ', '{}')),
    ('unknown tenant',       format('SELECT ipto.update_dataset(%L, %L, %L)', 'tnt_000000000000', :'d', '{}'))
) AS v(label, q);
SELECT name, description, source_modality, monetization_mode, pricing_model, visibility, status,
       updated_at = :'u4' AS updated_at_kept
  FROM ipto.datasets WHERE dataset_id = :'d';
\set VERBOSITY default
SELECT ipto.update_dataset(:'t', :'d', '{"object_count": 5}');
SELECT ipto.update_dataset(:'t', :'d', '{"colour": "red"}');
SELECT ipto.update_dataset(:'t', :'d', '{"name": 5}');
SELECT ipto.update_dataset(:'t', :'d', '[]');
SELECT ipto.update_dataset(:'t', :'d', '{"status": "deleted"}');
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- get_dataset and delete_dataset
-------------------------------------------------------------------------
SELECT name FROM ipto.get_dataset(:'t', :'d');
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('get unknown',      format('SELECT ipto.get_dataset(%L, %L)', :'t', 'dset_000000000000')),
    ('get malformed',    format('SELECT ipto.get_dataset(%L, %L)', :'t', 'not-an-id')),
    ('get upper case',   format('SELECT ipto.get_dataset(%L, %L)', :'t', upper(:'d'))),
    ('get null',         format('SELECT ipto.get_dataset(%L, NULL)', :'t')),
    ('get bad tenant',   format('SELECT ipto.get_dataset(%L, %L)', 'tnt_000000000000', :'d')),
    ('delete unknown',   format('SELECT ipto.delete_dataset(%L, %L)', :'t', 'dset_000000000000')),
    ('delete malformed', format('SELECT ipto.delete_dataset(%L, %L)', :'t', 'dset_')),
    ('delete injection', format('SELECT ipto.delete_dataset(%L, %L)', :'t', ''' OR true --'))
) AS v(label, q);
SELECT count(*) AS datasets_before FROM ipto.datasets WHERE tenant_id = :'t';
SELECT ipto.delete_dataset(:'t', :'d');
SELECT count(*) AS datasets_after FROM ipto.datasets WHERE tenant_id = :'t';
SELECT count(*) AS deleted_row_left FROM ipto.datasets WHERE dataset_id = :'d';
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('get deleted',    format('SELECT ipto.get_dataset(%L, %L)', :'t', :'d')),
    ('update deleted', format('SELECT ipto.update_dataset(%L, %L, %L)', :'t', :'d', '{}')),
    ('delete again',   format('SELECT ipto.delete_dataset(%L, %L)', :'t', :'d'))
) AS v(label, q);
\set VERBOSITY default
SELECT ipto.get_dataset(:'t', 'dset_000000000000');
SELECT ipto.get_dataset(:'t', 'garbage');
-- A dataset keeps its id: everything of it is keyed by the id.
\set VERBOSITY sqlstate
SELECT (ipto.create_dataset(:'t', 'keeps its id')).dataset_id AS kept \gset
UPDATE ipto.datasets SET dataset_id = 'dset_0000000000aa' WHERE tenant_id = :'t' AND dataset_id = :'kept';
SELECT count(*) AS still_there FROM ipto.datasets WHERE tenant_id = :'t' AND dataset_id = :'kept';
-- A row inserted without an id gets one, drawn where the row is written
-- and entered in the id directory (ipto.create_dataset inserts so); an id
-- given by hand is the caller's, and one of another tenant is refused.
SELECT ipto.create_tenant('drawn ids') AS t2 \gset
INSERT INTO ipto.datasets (tenant_id, name) VALUES (:'t2', 'drawn one'), (:'t2', 'drawn two'), (:'t2', 'drawn three');
SELECT count(*) AS drawn, count(DISTINCT dataset_id) AS distinct_ids,
       bool_and(dataset_id ~ '^dset_[0-9a-f]{12}$') AS well_formed
  FROM ipto.datasets WHERE tenant_id = :'t2';
SELECT count(*) AS in_directory FROM ipto.dataset_directory WHERE tenant_id = :'t2';
SELECT min(dataset_id) AS drawn_id FROM ipto.datasets WHERE tenant_id = :'t2' \gset
SELECT name LIKE 'drawn %' AS found_by_its_id FROM ipto.get_dataset(:'t2', :'drawn_id');
-- (Refused as taken on one node, naming the id; on Citus the id is also
-- outside the other tenant's shard, and a worker's error names no column.)
SELECT pg_temp.err(format('INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES (%L, %L, %L)',
                          :'drawn_id', :'t', 'taken')) ~ '^IP4(X9|22)( dataset_id)?$' AS another_tenants_id_refused;
