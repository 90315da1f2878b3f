-- ipto 0.4: the multi-tenant dataset registry. A fresh install; databases
-- at an older version get here through the update steps (ipto--A--B.sql)
-- and end up with the same catalog.
\echo Use "CREATE EXTENSION ipto" to load this file. \quit

--------------------------------------------------------------------------
-- Roles. ipto_api: what the HTTP front's login role is a member of; it may
-- execute the request-face functions and nothing else. ipto_service: owns
-- those functions (SECURITY DEFINER) and works on the tables under row-level
-- security, so a bug in a function still cannot cross tenants.
--------------------------------------------------------------------------
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'ipto_api') THEN
        CREATE ROLE ipto_api NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'ipto_service') THEN
        CREATE ROLE ipto_service NOLOGIN NOBYPASSRLS;
    END IF;
END
$roles$;

GRANT USAGE ON SCHEMA ipto TO ipto_api, ipto_service;

--------------------------------------------------------------------------
-- Identifiers and the per-installation secret that signs list cursors.
--------------------------------------------------------------------------
CREATE FUNCTION ipto.new_id(prefix text) RETURNS text
    LANGUAGE c VOLATILE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'ipto_new_id';
COMMENT ON FUNCTION ipto.new_id(text) IS 'a new identifier: prefix (dset, tnt, obj, key, req) and 12 random hex digits';

CREATE TABLE ipto.settings (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    cursor_key   bytea NOT NULL CHECK (length(cursor_key) = 32)
);
-- Two version-4 UUIDs: 244 bits from pg_strong_random.
INSERT INTO ipto.settings (cursor_key)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
-- A row inserted over the one above replaces it: restoring a dump brings the
-- source's key back, so cursors issued before the dump still resolve.
CREATE FUNCTION ipto.settings_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_settings_insert';
CREATE TRIGGER settings_insert BEFORE INSERT ON ipto.settings
    FOR EACH ROW EXECUTE FUNCTION ipto.settings_insert();

--------------------------------------------------------------------------
-- Tenants and credentials (small global tables; reference tables on Citus).
--------------------------------------------------------------------------
CREATE TABLE ipto.tenants (
    tenant_id    text PRIMARY KEY CHECK (tenant_id ~ '^tnt_[0-9a-f]{12}$'),
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ipto.api_keys (
    api_key_id     text PRIMARY KEY CHECK (api_key_id ~ '^key_[0-9a-f]{12}$'),
    tenant_id      text NOT NULL REFERENCES ipto.tenants ON DELETE CASCADE,
    name           text NOT NULL,
    prefix         text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{8}$'),
    secret_sha256  bytea NOT NULL CHECK (length(secret_sha256) = 32),
    scopes         text[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz,
    revoked_at     timestamptz
);
CREATE INDEX api_keys_tenant ON ipto.api_keys (tenant_id);

CREATE TABLE ipto.sessions (
    session_id     text PRIMARY KEY CHECK (session_id ~ '^[A-Za-z0-9]{16}$'),
    tenant_id      text NOT NULL REFERENCES ipto.tenants ON DELETE CASCADE,
    secret_sha256  bytea NOT NULL CHECK (length(secret_sha256) = 32),
    scopes         text[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX sessions_tenant ON ipto.sessions (tenant_id);

-- When an API key was last used, kept with its tenant's rows: a write to
-- the global credential tables reaches every node of a cluster.
CREATE TABLE ipto.api_key_uses (
    tenant_id     text NOT NULL,
    api_key_id    text NOT NULL REFERENCES ipto.api_keys ON DELETE CASCADE,
    last_used_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, api_key_id)
);

--------------------------------------------------------------------------
-- Tenant-owned tables: every key includes tenant_id (distribution column).
--------------------------------------------------------------------------
CREATE TABLE ipto.datasets (
    dataset_id           text NOT NULL CHECK (dataset_id ~ '^dset_[0-9a-f]{12}$'),
    tenant_id            text NOT NULL REFERENCES ipto.tenants,
    name                 text NOT NULL,
    description          text,
    source_modality      text NOT NULL DEFAULT 'document'
                         CHECK (source_modality IN ('document', 'image', 'video', 'audio', 'mixed')),
    monetization_mode    text NOT NULL DEFAULT 'open' CHECK (monetization_mode IN ('open', 'premium', 'restricted')),
    pricing_model        text NOT NULL DEFAULT 'demand_curve' CHECK (pricing_model IN ('demand_curve', 'fixed')),
    visibility           text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'restricted', 'listed')),
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- Who a restricted dataset is granted to, on the dataset's own row: a
    -- row-level security policy on a distributed table may not query
    -- another table. Kept from ipto.dataset_grants by its triggers.
    grantees             text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, dataset_id)
);
COMMENT ON TABLE ipto.datasets IS 'datasets; their live counters are in ipto.dataset_counters (see ipto.dataset_summary)';
-- Dataset ids are unique across tenants through a directory (id -> owner)
-- that Citus distributes by id: a lookup by id alone reads one shard.
-- Kept by the datasets' triggers; derived, so not dumped.
CREATE TABLE ipto.dataset_directory (
    dataset_id  text PRIMARY KEY CHECK (dataset_id ~ '^dset_[0-9a-f]{12}$'),
    tenant_id   text NOT NULL
);
-- Keyset pagination: a tenant's own, and the listed catalogue.
CREATE INDEX datasets_tenant_newest ON ipto.datasets (tenant_id, created_at DESC, dataset_id DESC);
CREATE INDEX datasets_listed_newest ON ipto.datasets (created_at DESC, dataset_id DESC)
    WHERE visibility = 'listed' AND status = 'active';

-- Live counters, split in shards so that concurrent writers to one dataset
-- update different rows (a backend always writes its own shard) instead of
-- queueing on one row lock until commit. A dataset's counter is the sum of
-- its shards. Maintained by the triggers on ipto.objects only.
CREATE TABLE ipto.dataset_counters (
    tenant_id            text NOT NULL,
    dataset_id           text NOT NULL,
    shard                smallint NOT NULL,
    object_count         bigint NOT NULL DEFAULT 0,
    active_object_count  bigint NOT NULL DEFAULT 0,
    total_bytes          bigint NOT NULL DEFAULT 0,
    last_ingest_at       timestamptz,
    PRIMARY KEY (tenant_id, dataset_id, shard)
);
-- No foreign key: every read joins ipto.datasets, and a deleted dataset's
-- shards go with its objects in the purge. A key would make an ingest racing
-- a dataset delete fail with a foreign-key error about our bookkeeping, or
-- need a lock on the dataset row that every ingest would write.
--
-- Counts here are derived: only the counter code writes them. A row
-- inserted from anywhere else (a restore's COPY, a hand-written INSERT)
-- keeps only its last_ingest_at, in shard -1 (which also holds what
-- ipto.rebuild_counters() recounts).
CREATE FUNCTION ipto.dataset_counters_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_dataset_counters_insert';
CREATE TRIGGER dataset_counters_insert BEFORE INSERT ON ipto.dataset_counters
    FOR EACH ROW EXECUTE FUNCTION ipto.dataset_counters_insert();

-- How many datasets each tenant has per (visibility, status), and, under
-- tenant_id '*', how many are listed and active in all: list totals come
-- from here instead of a count over the datasets. Sharded like the counters.
CREATE TABLE ipto.dataset_tallies (
    tenant_id   text NOT NULL,
    visibility  text NOT NULL,
    status      text NOT NULL,
    shard       smallint NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (tenant_id, visibility, status, shard)
);

-- Deleted datasets whose objects are still being purged, in bounded
-- batches, after the delete has returned. Every read goes through
-- ipto.datasets, where the dataset is already gone.
CREATE TABLE ipto.deleted_datasets (
    tenant_id   text NOT NULL,
    dataset_id  text NOT NULL,
    deleted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, dataset_id)
);

CREATE TABLE ipto.dataset_grants (
    tenant_id          text NOT NULL,
    dataset_id         text NOT NULL,
    grantee_tenant_id  text NOT NULL REFERENCES ipto.tenants ON DELETE CASCADE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, dataset_id, grantee_tenant_id),
    FOREIGN KEY (tenant_id, dataset_id) REFERENCES ipto.datasets ON DELETE CASCADE
);
CREATE INDEX dataset_grants_grantee ON ipto.dataset_grants (grantee_tenant_id, dataset_id);
CREATE INDEX dataset_grants_dataset ON ipto.dataset_grants (dataset_id);

-- No foreign key to ipto.datasets: deleting a dataset must not delete a
-- million objects inside the request. The counter trigger on insert checks
-- that the dataset exists (in the same statement that adds to its counters),
-- and the objects of a deleted dataset are purged after it
-- (ipto.deleted_datasets).
CREATE TABLE ipto.objects (
    object_id     text NOT NULL DEFAULT ipto.new_id('obj') CHECK (object_id ~ '^obj_[0-9a-f]{12}$'),
    tenant_id     text NOT NULL,
    dataset_id    text NOT NULL,
    filename      text NOT NULL,
    content_type  text NOT NULL DEFAULT 'application/octet-stream',
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    status        text NOT NULL DEFAULT 'staged'
                  CHECK (status IN ('pending', 'staged', 'under_review', 'approved', 'rejected', 'expired')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    indexed_at    timestamptz,
    PRIMARY KEY (tenant_id, object_id)
);
CREATE INDEX objects_dataset ON ipto.objects (tenant_id, dataset_id);

CREATE TABLE ipto.index_entries (
    tenant_id   text NOT NULL,
    object_id   text NOT NULL,
    chunk_no    integer NOT NULL,
    dataset_id  text NOT NULL,
    chunk       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, object_id, chunk_no),
    FOREIGN KEY (tenant_id, object_id) REFERENCES ipto.objects ON DELETE CASCADE
);
CREATE INDEX index_entries_dataset ON ipto.index_entries (tenant_id, dataset_id);

CREATE TABLE ipto.object_metadata (
    tenant_id   text NOT NULL,
    object_id   text NOT NULL,
    key         text NOT NULL,
    value       text NOT NULL,
    dataset_id  text NOT NULL,
    PRIMARY KEY (tenant_id, object_id, key),
    FOREIGN KEY (tenant_id, object_id) REFERENCES ipto.objects ON DELETE CASCADE
);
CREATE INDEX object_metadata_dataset ON ipto.object_metadata (tenant_id, dataset_id);

CREATE TABLE ipto.idempotency_keys (
    tenant_id        text NOT NULL REFERENCES ipto.tenants ON DELETE CASCADE,
    idempotency_key  text NOT NULL,
    request_sha256   bytea NOT NULL,
    dataset_id       text,
    response         text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, dataset_id) REFERENCES ipto.datasets ON DELETE CASCADE
);

-- For operators in psql: datasets with their live counters.
CREATE VIEW ipto.dataset_summary AS
SELECT d.dataset_id, d.tenant_id, d.name, d.description, d.source_modality, d.monetization_mode, d.pricing_model,
       d.visibility, d.status, coalesce(c.object_count, 0) AS object_count,
       coalesce(c.active_object_count, 0) AS active_object_count, coalesce(c.total_bytes, 0) AS total_bytes,
       d.created_at, d.updated_at, c.last_ingest_at
  FROM ipto.datasets d
  LEFT JOIN LATERAL (SELECT sum(x.object_count)::bigint AS object_count,
                            sum(x.active_object_count)::bigint AS active_object_count,
                            sum(x.total_bytes)::bigint AS total_bytes, max(x.last_ingest_at) AS last_ingest_at
                       FROM ipto.dataset_counters x
                      WHERE x.tenant_id = d.tenant_id AND x.dataset_id = d.dataset_id) c ON true;

-- What pg_dump keeps (it skips an extension's tables otherwise): the data,
-- and of the rows that belong to a dataset only those of datasets that
-- exist; a deleted dataset's rows awaiting the purge stay behind. Counter
-- shards are dumped for their last_ingest_at alone (the counts are
-- recomputed as the objects come back); tallies are derived whole and not
-- dumped (the datasets' trigger recomputes them).
SELECT pg_catalog.pg_extension_config_dump('ipto.settings', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.tenants', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.api_keys', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.sessions', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.api_key_uses', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.datasets', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.dataset_counters',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = dataset_counters.tenant_id AND d.dataset_id = dataset_counters.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.dataset_grants', '');
SELECT pg_catalog.pg_extension_config_dump('ipto.objects',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = objects.tenant_id AND d.dataset_id = objects.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.index_entries',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = index_entries.tenant_id AND d.dataset_id = index_entries.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.object_metadata',
    'WHERE EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = object_metadata.tenant_id AND d.dataset_id = object_metadata.dataset_id)');
SELECT pg_catalog.pg_extension_config_dump('ipto.idempotency_keys', '');

--------------------------------------------------------------------------
-- Counters: statement-level C++ triggers with transition tables, one per
-- event; a bulk statement pays once, not per row.
--------------------------------------------------------------------------
-- SECURITY DEFINER: the bookkeeping tables are written as their owner,
-- whoever changed the objects; no role needs privileges on them.
CREATE FUNCTION ipto.objects_counters_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_objects_counters_insert';
CREATE FUNCTION ipto.objects_counters_update() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_objects_counters_update';
CREATE FUNCTION ipto.objects_counters_delete() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_objects_counters_delete';
CREATE FUNCTION ipto.objects_counters_truncate() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_objects_counters_truncate';
CREATE FUNCTION ipto.objects_keep_identity() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'ipto_objects_keep_identity';

CREATE TRIGGER objects_counters_insert AFTER INSERT ON ipto.objects
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.objects_counters_insert();
CREATE TRIGGER objects_counters_update AFTER UPDATE ON ipto.objects
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.objects_counters_update();
CREATE TRIGGER objects_counters_delete AFTER DELETE ON ipto.objects
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.objects_counters_delete();
CREATE TRIGGER objects_counters_truncate AFTER TRUNCATE ON ipto.objects
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.objects_counters_truncate();
-- Fires only when an UPDATE names one of these columns.
CREATE TRIGGER objects_keep_identity BEFORE UPDATE OF object_id, tenant_id, dataset_id ON ipto.objects
    FOR EACH ROW EXECUTE FUNCTION ipto.objects_keep_identity();

-- Tallies of datasets (list totals without a count), and the purge of a
-- deleted dataset's objects, whatever statement deleted it.
CREATE FUNCTION ipto.datasets_tally_insert() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_tally_insert';
CREATE FUNCTION ipto.datasets_tally_update() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_tally_update';
CREATE FUNCTION ipto.datasets_tally_delete() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_tally_delete';
CREATE FUNCTION ipto.datasets_tally_truncate() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_tally_truncate';
CREATE TRIGGER datasets_tally_insert AFTER INSERT ON ipto.datasets
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.datasets_tally_insert();
-- Only visibility and status move a tally.
CREATE TRIGGER datasets_tally_update AFTER UPDATE ON ipto.datasets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.datasets_tally_update();
CREATE TRIGGER datasets_tally_delete AFTER DELETE ON ipto.datasets
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.datasets_tally_delete();
CREATE TRIGGER datasets_tally_truncate AFTER TRUNCATE ON ipto.datasets
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.datasets_tally_truncate();

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
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.api_key_uses
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

-- A dataset keeps its id and owner (everything of it is keyed by them).
CREATE FUNCTION ipto.datasets_keep_identity() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'ipto_datasets_keep_identity';
CREATE TRIGGER datasets_keep_identity BEFORE UPDATE OF dataset_id, tenant_id ON ipto.datasets
    FOR EACH ROW EXECUTE FUNCTION ipto.datasets_keep_identity();

-- A dataset inserted without an id gets one where its row is written: drawn
-- in its owner's shard and entered in the id directory beside it, drawn
-- again if taken (ipto.create_dataset inserts so: one statement, on Citus
-- one routed statement).
CREATE FUNCTION ipto.datasets_draw_id() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_datasets_draw_id';
CREATE TRIGGER datasets_draw_id BEFORE INSERT ON ipto.datasets
    FOR EACH ROW WHEN (NEW.dataset_id IS NULL) EXECUTE FUNCTION ipto.datasets_draw_id();
ALTER TABLE ipto.datasets ENABLE ALWAYS TRIGGER datasets_draw_id;

-- After grants change, the datasets' grantees follow.
CREATE FUNCTION ipto.dataset_grants_changed() RETURNS trigger LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_dataset_grants_changed';
CREATE TRIGGER dataset_grants_insert AFTER INSERT ON ipto.dataset_grants
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dataset_grants_changed();
CREATE TRIGGER dataset_grants_delete AFTER DELETE ON ipto.dataset_grants
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dataset_grants_changed();
ALTER TABLE ipto.dataset_grants ENABLE ALWAYS TRIGGER dataset_grants_insert;

CREATE FUNCTION ipto.purge_deleted(batch_size integer DEFAULT 10000) RETURNS bigint
    LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'ipto_purge_deleted';
COMMENT ON FUNCTION ipto.purge_deleted(integer) IS
    'removes up to batch_size rows of each kind left by deleted datasets; returns how many went (0: nothing left)';

--------------------------------------------------------------------------
-- The operator face: tenant first in every call (docs/architecture.md).
--------------------------------------------------------------------------
CREATE TYPE ipto.dataset AS (
    dataset_id           text,
    tenant_id            text,
    name                 text,
    description          text,
    source_modality      text,
    monetization_mode    text,
    pricing_model        text,
    visibility           text,
    status               text,
    object_count         bigint,
    active_object_count  bigint,
    total_bytes          bigint,
    created_at           timestamptz,
    updated_at           timestamptz,
    last_ingest_at       timestamptz
);

CREATE FUNCTION ipto.create_tenant(name text) RETURNS text
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_create_tenant';

CREATE FUNCTION ipto.create_api_key(tenant_id text, name text, scopes text[], expires_at timestamptz DEFAULT NULL)
    RETURNS text LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_create_api_key';
CREATE FUNCTION ipto.revoke_api_key(api_key_id text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_revoke_api_key';
CREATE FUNCTION ipto.create_session(tenant_id text, scopes text[], ttl interval DEFAULT '24 hours')
    RETURNS text LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_create_session';
CREATE FUNCTION ipto.revoke_session(token text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_revoke_session';

CREATE FUNCTION ipto.create_dataset(tenant_id text, name text, description text DEFAULT NULL,
                                    source_modality text DEFAULT 'document', monetization_mode text DEFAULT 'open',
                                    pricing_model text DEFAULT 'demand_curve', visibility text DEFAULT 'private')
    RETURNS ipto.dataset LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_create_dataset';
CREATE FUNCTION ipto.get_dataset(tenant_id text, dataset_id text) RETURNS ipto.dataset
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_get_dataset';
CREATE FUNCTION ipto.list_datasets(tenant_id text, cursor text DEFAULT NULL, "limit" integer DEFAULT 20,
                                   status text DEFAULT NULL, visibility text DEFAULT NULL, owner text DEFAULT NULL)
    RETURNS TABLE (dataset_id text, tenant_id text, name text, description text, source_modality text,
                   monetization_mode text, pricing_model text, visibility text, status text, object_count bigint,
                   active_object_count bigint, total_bytes bigint, created_at timestamptz, updated_at timestamptz,
                   last_ingest_at timestamptz, total bigint, next_cursor text)
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_list_datasets';
-- expected_updated_at: the dataset's updated_at as the caller last read it;
-- if the dataset has changed since, the call fails (IP412) and changes nothing.
CREATE FUNCTION ipto.update_dataset(tenant_id text, dataset_id text, changes jsonb,
                                    expected_updated_at timestamptz DEFAULT NULL) RETURNS ipto.dataset
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_update_dataset';
CREATE FUNCTION ipto.delete_dataset(tenant_id text, dataset_id text, expected_updated_at timestamptz DEFAULT NULL)
    RETURNS void LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_delete_dataset';
CREATE FUNCTION ipto.grant_dataset(tenant_id text, dataset_id text, grantee_tenant_id text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_grant_dataset';
CREATE FUNCTION ipto.revoke_dataset_grant(tenant_id text, dataset_id text, grantee_tenant_id text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_revoke_dataset_grant';

CREATE FUNCTION ipto.add_object(tenant_id text, dataset_id text, filename text, size_bytes bigint,
                                content_type text DEFAULT 'application/octet-stream', status text DEFAULT 'staged')
    RETURNS text LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_add_object';
CREATE FUNCTION ipto.set_object_status(tenant_id text, object_id text, status text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_set_object_status';
CREATE FUNCTION ipto.mark_object_indexed(tenant_id text, object_id text, chunks text[] DEFAULT '{}') RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_mark_object_indexed';
CREATE FUNCTION ipto.set_object_metadata(tenant_id text, object_id text, key text, value text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_set_object_metadata';
CREATE FUNCTION ipto.delete_object(tenant_id text, object_id text) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_delete_object';

CREATE FUNCTION ipto.verify_counters()
    RETURNS TABLE (dataset_id text, counter text, stored bigint, actual bigint)
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_verify_counters';
CREATE FUNCTION ipto.rebuild_counters(dataset_id text DEFAULT NULL) RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_rebuild_counters';

--------------------------------------------------------------------------
-- The request face (docs/request-face.md): one call per HTTP request,
-- authentication inside. SECURITY DEFINER as ipto_service, under RLS.
--------------------------------------------------------------------------
CREATE TYPE ipto.api_result AS (tenant_id text, resource_id text, data json);

CREATE FUNCTION ipto.api_create_dataset(credential_kind text, credential_id text, credential_digest text,
                                        body text, idempotency_key text DEFAULT NULL)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_create_dataset';
CREATE FUNCTION ipto.api_list_datasets(credential_kind text, credential_id text, credential_digest text,
                                       cursor text DEFAULT NULL, "limit" text DEFAULT NULL, status text DEFAULT NULL,
                                       visibility text DEFAULT NULL, owner text DEFAULT NULL)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_list_datasets';
CREATE FUNCTION ipto.api_get_dataset(credential_kind text, credential_id text, credential_digest text, dataset_id text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_get_dataset';
CREATE FUNCTION ipto.api_update_dataset(credential_kind text, credential_id text, credential_digest text,
                                        dataset_id text, body text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_update_dataset';
CREATE FUNCTION ipto.api_delete_dataset(credential_kind text, credential_id text, credential_digest text, dataset_id text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_delete_dataset';
-- With If-Match: the write happens only if the dataset's entity tag matches,
-- checked under its row lock. The signatures above stay for older fronts.
CREATE FUNCTION ipto.api_update_dataset(credential_kind text, credential_id text, credential_digest text,
                                        dataset_id text, body text, if_match text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_update_dataset';
CREATE FUNCTION ipto.api_delete_dataset(credential_kind text, credential_id text, credential_digest text,
                                        dataset_id text, if_match text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_delete_dataset';

ALTER FUNCTION ipto.api_create_dataset(text, text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_list_datasets(text, text, text, text, text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_get_dataset(text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_update_dataset(text, text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_delete_dataset(text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_update_dataset(text, text, text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_delete_dataset(text, text, text, text, text) OWNER TO ipto_service;

--------------------------------------------------------------------------
-- Rate limits per tenant (ipto.set_tenant_limits): a token bucket shared by
-- every front of the database. The fronts enforce it; each draws the bucket
-- down with what it let through, once per sync (ipto.api_rate_sync).
--------------------------------------------------------------------------
CREATE TABLE ipto.tenant_limits (
    tenant_id            text PRIMARY KEY REFERENCES ipto.tenants ON DELETE CASCADE,
    requests_per_second  integer NOT NULL CHECK (requests_per_second > 0),
    burst                integer NOT NULL CHECK (burst > 0),
    tokens               double precision NOT NULL,
    refilled_at          timestamptz NOT NULL DEFAULT now()
);
SELECT pg_catalog.pg_extension_config_dump('ipto.tenant_limits', '');
CREATE TRIGGER dump_rows_insert BEFORE INSERT ON ipto.tenant_limits
    FOR EACH STATEMENT EXECUTE FUNCTION ipto.dump_rows_insert();
-- The fronts seen syncing lately: a bucket is shared among them. Transient.
CREATE UNLOGGED TABLE ipto.front_presence (
    front_id  text PRIMARY KEY,
    seen_at   timestamptz NOT NULL
);

CREATE FUNCTION ipto.set_tenant_limits(tenant_id text, requests_per_second integer, burst integer) RETURNS void
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_set_tenant_limits';
COMMENT ON FUNCTION ipto.set_tenant_limits(text, integer, integer) IS
    'limits a tenant''s requests through the fronts to requests_per_second, with bursts up to burst; NULLs remove the limit';
CREATE FUNCTION ipto.api_rate_sync(front_id text, tenant_ids text[], used integer[])
    RETURNS TABLE (tenant_id text, requests_per_second integer, burst integer, tokens double precision, fronts integer)
    LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_rate_sync';
ALTER FUNCTION ipto.api_rate_sync(text, text[], integer[]) OWNER TO ipto_service;

--------------------------------------------------------------------------
-- Privileges and row-level security.
--------------------------------------------------------------------------
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ipto FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ipto.new_id(text) TO PUBLIC;
GRANT EXECUTE ON FUNCTION
    ipto.api_create_dataset(text, text, text, text, text),
    ipto.api_list_datasets(text, text, text, text, text, text, text, text),
    ipto.api_get_dataset(text, text, text, text),
    ipto.api_update_dataset(text, text, text, text, text),
    ipto.api_delete_dataset(text, text, text, text),
    ipto.api_update_dataset(text, text, text, text, text, text),
    ipto.api_delete_dataset(text, text, text, text, text),
    ipto.api_rate_sync(text, text[], integer[])
    TO ipto_api;

-- What the definer needs, and no more: credentials are read to authenticate.
GRANT SELECT ON ipto.settings, ipto.tenants, ipto.api_keys, ipto.sessions, ipto.dataset_grants TO ipto_service;
GRANT SELECT, INSERT, UPDATE ON ipto.api_key_uses TO ipto_service;
GRANT SELECT, INSERT ON ipto.dataset_directory TO ipto_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON ipto.datasets, ipto.idempotency_keys TO ipto_service;
GRANT SELECT ON ipto.dataset_counters, ipto.dataset_tallies TO ipto_service;
GRANT SELECT, UPDATE ON ipto.tenant_limits TO ipto_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON ipto.front_presence TO ipto_service;

-- The second wall: whatever a function asks, ipto_service sees only the
-- rows of the tenant it authenticated (ipto.tenant_id, set per transaction)
-- and the datasets that tenant may see.
ALTER TABLE ipto.datasets ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.dataset_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.index_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.object_metadata ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.dataset_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.dataset_tallies ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.deleted_datasets ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.tenant_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.api_key_uses ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipto.dataset_directory ENABLE ROW LEVEL SECURITY;
-- Every front draws down every limited tenant's bucket: the one table
-- ipto_service reads across tenants, and it holds no tenant's data.
CREATE POLICY fronts_sync ON ipto.tenant_limits FOR ALL TO ipto_service USING (true);

CREATE POLICY owner_all ON ipto.datasets FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ipto.tenant_id', true));
CREATE POLICY visible_read ON ipto.datasets FOR SELECT TO ipto_service
    USING ((visibility = 'listed' AND status = 'active')
           OR (visibility = 'restricted' AND current_setting('ipto.tenant_id', true) = ANY (grantees)));
CREATE POLICY owner_or_grantee_read ON ipto.dataset_grants FOR SELECT TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true)
           OR grantee_tenant_id = current_setting('ipto.tenant_id', true));
CREATE POLICY owner_all ON ipto.objects FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true));
CREATE POLICY owner_all ON ipto.index_entries FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true));
CREATE POLICY owner_all ON ipto.object_metadata FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true));
CREATE POLICY owner_all ON ipto.idempotency_keys FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ipto.tenant_id', true));
-- Counts alone, keyed by dataset id: every read joins them to a dataset
-- row, which the policies above filter (a policy here could not read it).
CREATE POLICY counts_read ON ipto.dataset_counters FOR SELECT TO ipto_service USING (true);
-- A tenant's own tallies, and the catalogue-wide ones ('*', or '*N' for
-- each shard on Citus).
CREATE POLICY own_or_catalogue_read ON ipto.dataset_tallies FOR SELECT TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true) OR left(tenant_id, 1) = '*');
-- ipto.deleted_datasets: no policy, so ipto_service sees none of it.
CREATE POLICY owner_all ON ipto.api_key_uses FOR ALL TO ipto_service
    USING (tenant_id = current_setting('ipto.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ipto.tenant_id', true));
-- The directory: anyone may look an id up (the dataset's row keeps its
-- own policies); the request face enters the ids of its tenant's new
-- datasets.
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
