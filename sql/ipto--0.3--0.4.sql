-- ipto 0.3 -> 0.4: ready for Citus (ipto.distribute()).
\echo Use "ALTER EXTENSION ipto UPDATE TO '0.4'" to load this file. \quit

-- Dataset ids are unique across tenants through a directory (id -> owner)
-- that Citus distributes by id: a lookup by id alone reads one shard.
-- Kept by the datasets' triggers; derived, so not dumped.
CREATE TABLE ipto.dataset_directory (
    dataset_id  text PRIMARY KEY CHECK (dataset_id ~ '^dset_[0-9a-f]{12}$'),
    tenant_id   text NOT NULL
);
INSERT INTO ipto.dataset_directory (dataset_id, tenant_id)
SELECT dataset_id, tenant_id FROM ipto.datasets ON CONFLICT DO NOTHING;
DROP INDEX ipto.datasets_by_id;

-- When an API key was last used, kept with its tenant's rows: a write to
-- the global credential tables reaches every node of a cluster.
CREATE TABLE ipto.api_key_uses (
    tenant_id     text NOT NULL,
    api_key_id    text NOT NULL REFERENCES ipto.api_keys ON DELETE CASCADE,
    last_used_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, api_key_id)
);
INSERT INTO ipto.api_key_uses (tenant_id, api_key_id, last_used_at)
SELECT tenant_id, api_key_id, last_used_at FROM ipto.api_keys WHERE last_used_at IS NOT NULL;
ALTER TABLE ipto.api_keys DROP COLUMN last_used_at;
SELECT pg_catalog.pg_extension_config_dump('ipto.api_key_uses', '');
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.api_key_uses
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
GRANT SELECT, INSERT, UPDATE ON ipto.api_key_uses TO ipto_service;
ALTER TABLE ipto.api_key_uses ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON ipto.api_key_uses FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ipto.tenant_id', true));

-- Who a restricted dataset is granted to, on the dataset's own row: a
-- row-level security policy on a distributed table may not query another
-- table. Kept from ipto.dataset_grants by its triggers.
ALTER TABLE ipto.datasets ADD COLUMN grantees text[] NOT NULL DEFAULT '{}';
UPDATE ipto.datasets d SET grantees = ARRAY(SELECT g.grantee_tenant_id FROM ipto.dataset_grants g
                                             WHERE g.tenant_id = d.tenant_id AND g.dataset_id = d.dataset_id ORDER BY 1)
 WHERE EXISTS (SELECT FROM ipto.dataset_grants g WHERE g.tenant_id = d.tenant_id AND g.dataset_id = d.dataset_id);
CREATE FUNCTION ipto.dataset_grants_changed() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_dataset_grants_changed';
REVOKE ALL ON FUNCTION ipto.dataset_grants_changed() FROM PUBLIC;
CREATE TRIGGER dataset_grants_insert AFTER INSERT ON ipto.dataset_grants
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dataset_grants_changed();
CREATE TRIGGER dataset_grants_delete AFTER DELETE ON ipto.dataset_grants
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dataset_grants_changed();
ALTER TABLE ipto.dataset_grants ENABLE ALWAYS TRIGGER dataset_grants_insert;

-- A dataset keeps its id and owner (everything of it is keyed by them).
CREATE FUNCTION ipto.datasets_keep_identity() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'ipto_datasets_keep_identity';
CREATE TRIGGER datasets_keep_identity BEFORE UPDATE OF dataset_id, tenant_id ON ipto.datasets
    FOR EACH ROW EXECUTE FUNCTION ipto.datasets_keep_identity();
REVOKE ALL ON FUNCTION ipto.datasets_keep_identity() FROM PUBLIC;

-- A dataset inserted without an id gets one where its row is written: drawn
-- in its owner's shard and entered in the id directory beside it, drawn
-- again if taken (ipto.create_dataset inserts so: one statement, on Citus
-- one routed statement).
CREATE FUNCTION ipto.datasets_draw_id() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_draw_id';
CREATE TRIGGER datasets_draw_id BEFORE INSERT ON ipto.datasets
    FOR EACH ROW WHEN (NEW.dataset_id IS NULL) EXECUTE FUNCTION ipto.datasets_draw_id();
ALTER TABLE ipto.datasets ENABLE ALWAYS TRIGGER datasets_draw_id;
REVOKE ALL ON FUNCTION ipto.datasets_draw_id() FROM PUBLIC;

DROP POLICY visible_read ON ipto.datasets;
CREATE POLICY visible_read ON ipto.datasets FOR SELECT TO ipto_service
    USING ((visibility = 'listed' AND status = 'active')
           OR (visibility = 'restricted' AND current_setting('ipto.tenant_id', true) = ANY (grantees)));
-- Counts alone, keyed by dataset id: every read joins them to a dataset
-- row, which the policies above filter (a policy here could not read it).
DROP POLICY visible_read ON ipto.dataset_counters;
CREATE POLICY counts_read ON ipto.dataset_counters FOR SELECT TO ipto_service USING (true);
-- The catalogue-wide tallies are '*N' on Citus, one per shard.
DROP POLICY own_or_catalogue_read ON ipto.dataset_tallies;
CREATE POLICY own_or_catalogue_read ON ipto.dataset_tallies FOR SELECT TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true) OR left(tenant_id, 1) = '*');

-- The directory: anyone may look an id up (the dataset's row keeps its
-- own policies); the request face enters the ids of its tenant's new
-- datasets.
GRANT SELECT, INSERT ON ipto.dataset_directory TO ipto_service;
ALTER TABLE ipto.dataset_directory ENABLE ROW LEVEL SECURITY;
CREATE POLICY lookup ON ipto.dataset_directory FOR SELECT TO ipto_service USING (true);
CREATE POLICY owner_insert ON ipto.dataset_directory FOR INSERT TO ipto_service
    WITH CHECK (tenant_id = current_setting('ipto.tenant_id', true));

--------------------------------------------------------------------------
-- Scale-out (docs/SCALE-OUT.md): ipto.distribute(), run once on a Citus
-- coordinator after CREATE EXTENSION citus on every node and CREATE
-- EXTENSION ipto on the coordinator. Tenant-owned tables are distributed by
-- tenant_id and co-located, the global ones become reference tables, and
-- the request face's role may log in to the workers (with a password only
-- the cluster knows) so that its statements reach the shards. A second
-- call changes nothing.
--------------------------------------------------------------------------
CREATE FUNCTION ipto.distribute(shard_count integer DEFAULT 32) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $distribute$
DECLARE
    t text;
    fk text;
    secret text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION USING ERRCODE = 'IP400', MESSAGE = 'ipto.distribute() needs the Citus extension',
            DETAIL = 'the citus extension is not installed in this database',
            HINT = 'install Citus 13.2 for PostgreSQL 15 on every node, add it to shared_preload_libraries, '
                   'run CREATE EXTENSION citus on each node and add the workers, then call ipto.distribute() on the coordinator';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_node WHERE groupid = 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'IP400', MESSAGE = 'ipto.distribute() runs on a Citus coordinator',
            DETAIL = 'this node has no coordinator entry in pg_dist_node',
            HINT = 'on the coordinator: SELECT citus_set_coordinator_host(host, port); then citus_add_node() for each worker';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'ipto.datasets'::regclass) THEN
        IF EXISTS (SELECT FROM ipto.datasets) THEN
            RAISE EXCEPTION USING ERRCODE = 'IP4X9', MESSAGE = 'ipto.distribute() runs before any dataset exists',
                DETAIL = 'dataset ids made on one node are not placed in their owners'' shards',
                HINT = 'distribute a new installation, then create tenants and datasets';
        END IF;
        IF shard_count IS NULL OR shard_count < 1 THEN
            RAISE EXCEPTION USING ERRCODE = 'IP422', MESSAGE = 'shard_count must be a positive number',
                COLUMN = 'shard_count', HINT = 'Citus''s default is 32; use a few times the largest number of workers you plan';
        END IF;
        -- Every node holds the extension's own copy of each table (Citus
        -- runs the install script there), which becomes the table Citus
        -- uses: foreign keys into the global tables are dropped everywhere
        -- while those become reference tables, and added back after.
        -- Here in this transaction; on the workers through Citus.
        fk := $fk$
            ALTER TABLE ipto.api_keys DROP CONSTRAINT IF EXISTS api_keys_tenant_id_fkey;
            ALTER TABLE ipto.sessions DROP CONSTRAINT IF EXISTS sessions_tenant_id_fkey;
            ALTER TABLE ipto.datasets DROP CONSTRAINT IF EXISTS datasets_tenant_id_fkey;
            ALTER TABLE ipto.dataset_grants DROP CONSTRAINT IF EXISTS dataset_grants_grantee_tenant_id_fkey;
            ALTER TABLE ipto.idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_tenant_id_fkey;
            ALTER TABLE ipto.api_key_uses DROP CONSTRAINT IF EXISTS api_key_uses_api_key_id_fkey;
            ALTER TABLE ipto.tenant_limits DROP CONSTRAINT IF EXISTS tenant_limits_tenant_id_fkey$fk$;
        SET LOCAL citus.enable_ddl_propagation = off;
        EXECUTE fk;
        SET LOCAL citus.enable_ddl_propagation = on;
        PERFORM run_command_on_workers(fk);
        -- Our triggers on distributed tables touch only the shard they fire
        -- on and its co-located shards (docs/SCALE-OUT.md).
        SET LOCAL citus.enable_unsafe_triggers = on;
        PERFORM create_reference_table('ipto.settings');
        PERFORM create_reference_table('ipto.tenants');
        PERFORM create_reference_table('ipto.api_keys');
        PERFORM create_reference_table('ipto.sessions');
        ALTER TABLE ipto.api_keys ADD CONSTRAINT api_keys_tenant_id_fkey
            FOREIGN KEY (tenant_id) REFERENCES ipto.tenants ON DELETE CASCADE;
        ALTER TABLE ipto.sessions ADD CONSTRAINT sessions_tenant_id_fkey
            FOREIGN KEY (tenant_id) REFERENCES ipto.tenants ON DELETE CASCADE;
        PERFORM create_distributed_table('ipto.datasets', 'tenant_id', shard_count => shard_count);
        FOREACH t IN ARRAY ARRAY['ipto.dataset_grants', 'ipto.dataset_counters', 'ipto.dataset_tallies',
                                 'ipto.deleted_datasets', 'ipto.idempotency_keys', 'ipto.objects',
                                 'ipto.index_entries', 'ipto.object_metadata', 'ipto.api_key_uses'] LOOP
            PERFORM create_distributed_table(t, 'tenant_id', colocate_with => 'ipto.datasets');
        END LOOP;
        PERFORM create_distributed_table('ipto.dataset_directory', 'dataset_id', colocate_with => 'ipto.datasets');
        ALTER TABLE ipto.datasets ADD CONSTRAINT datasets_tenant_id_fkey
            FOREIGN KEY (tenant_id) REFERENCES ipto.tenants;
        ALTER TABLE ipto.dataset_grants ADD CONSTRAINT dataset_grants_grantee_tenant_id_fkey
            FOREIGN KEY (grantee_tenant_id) REFERENCES ipto.tenants ON DELETE CASCADE;
        ALTER TABLE ipto.idempotency_keys ADD CONSTRAINT idempotency_keys_tenant_id_fkey
            FOREIGN KEY (tenant_id) REFERENCES ipto.tenants ON DELETE CASCADE;
        ALTER TABLE ipto.api_key_uses ADD CONSTRAINT api_key_uses_api_key_id_fkey
            FOREIGN KEY (api_key_id) REFERENCES ipto.api_keys ON DELETE CASCADE;
        -- Rate limits stay on the coordinator, which is what the fronts
        -- connect to (a tenant's row goes with ipto.set_tenant_limits).
    END IF;
    -- The request face's statements reach the shards as ipto_service. It
    -- logs in with a password that only Citus's own catalog holds
    -- (pg_dist_authinfo, readable by superusers alone), set on the first call.
    IF NOT EXISTS (SELECT FROM pg_dist_authinfo WHERE rolename = 'ipto_service') THEN
        secret := encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64');
        secret := translate(secret, '+/=', 'xyz');
        EXECUTE format('ALTER ROLE ipto_service LOGIN PASSWORD %L', secret);
        INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'ipto_service', 'password=' || secret);
    END IF;
    -- Workers connect to each other too (and Citus does not copy this
    -- catalog): every worker, including one added since, gets the entry.
    SELECT authinfo INTO secret FROM pg_dist_authinfo WHERE rolename = 'ipto_service' AND nodeid = 0;
    PERFORM run_command_on_workers(format(
        'INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) SELECT 0, %L, %L'
        ' WHERE NOT EXISTS (SELECT FROM pg_dist_authinfo WHERE rolename = %L AND nodeid = 0)',
        'ipto_service', secret, 'ipto_service'));
END
$distribute$;
REVOKE ALL ON FUNCTION ipto.distribute(integer) FROM PUBLIC;
COMMENT ON FUNCTION ipto.distribute(integer) IS
    'on a Citus coordinator: distributes ipto''s tables by tenant (once; a second call changes nothing)';
