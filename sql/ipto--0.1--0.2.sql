-- ipto 0.1 -> 0.2: dumps that restore exactly; no test hook in the release.
\echo Use "ALTER EXTENSION ipto UPDATE TO '0.2'" to load this file. \quit

-- The key that signs list cursors: a row inserted over it replaces it, so a
-- restore brings the source's key back.
CREATE FUNCTION ipto.settings_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_settings_insert';
CREATE TRIGGER settings_insert BEFORE INSERT ON ipto.settings
    FOR EACH ROW EXECUTE FUNCTION ipto.settings_insert();

-- Counts in ipto.dataset_counters are derived: a row inserted from outside
-- the counter code keeps only its last_ingest_at.
CREATE FUNCTION ipto.dataset_counters_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_dataset_counters_insert';
CREATE TRIGGER dataset_counters_insert BEFORE INSERT ON ipto.dataset_counters
    FOR EACH ROW EXECUTE FUNCTION ipto.dataset_counters_insert();

-- What pg_dump keeps: a deleted dataset's rows awaiting the purge stay
-- behind; tallies and tombstones are not dumped at all (leaving an
-- extension and joining it again clears a table's dump setting).
SELECT pg_catalog.pg_extension_config_dump('ipto.dataset_counters',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = dataset_counters.tenant_id AND d.dataset_id = dataset_counters.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.objects',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = objects.tenant_id AND d.dataset_id = objects.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.index_entries',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = index_entries.tenant_id AND d.dataset_id = index_entries.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.object_metadata',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = object_metadata.tenant_id AND d.dataset_id = object_metadata.dataset_id)');
ALTER EXTENSION ipto DROP TABLE ipto.dataset_tallies;
ALTER EXTENSION ipto ADD TABLE ipto.dataset_tallies;
ALTER EXTENSION ipto DROP TABLE ipto.deleted_datasets;
ALTER EXTENSION ipto ADD TABLE ipto.deleted_datasets;

-- Loading a dump: a parallel pg_restore may load a row before the row its
-- foreign key points at, so a dump's COPY skips the row-by-row key checks
-- (it runs as a replica would, for its transaction); the triggers that must
-- see every loaded row fire in every session_replication_role.
CREATE FUNCTION ipto.dump_rows_insert() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'ipto_dump_rows_insert';
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.sessions
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.datasets
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.dataset_grants
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.index_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.object_metadata
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.idempotency_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
ALTER TABLE ipto.settings ENABLE ALWAYS TRIGGER settings_insert;
ALTER TABLE ipto.dataset_counters ENABLE ALWAYS TRIGGER dataset_counters_insert;
ALTER TABLE ipto.objects ENABLE ALWAYS TRIGGER objects_counters_insert;
ALTER TABLE ipto.datasets ENABLE ALWAYS TRIGGER datasets_tally_insert;

-- The boundary self-test is the test suite's, which creates it itself.
DROP FUNCTION ipto._boundary_test(text);

REVOKE ALL ON FUNCTION ipto.settings_insert(), ipto.dataset_counters_insert(), ipto.dump_rows_insert() FROM PUBLIC;
