-- ipto 0.2 -> 0.3: conditional writes, rate limits.
\echo Use "ALTER EXTENSION ipto UPDATE TO '0.3'" to load this file. \quit

-- The operator face: an optional expected version (updated_at).
DROP FUNCTION ipto.update_dataset(text, text, jsonb);
DROP FUNCTION ipto.delete_dataset(text, text);
-- expected_updated_at: the dataset's updated_at as the caller last read it;
-- if the dataset has changed since, the call fails (IP412) and changes nothing.
CREATE FUNCTION ipto.update_dataset(tenant_id text, dataset_id text, changes jsonb,
                                    expected_updated_at timestamptz DEFAULT NULL) RETURNS ipto.dataset
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_update_dataset';
CREATE FUNCTION ipto.delete_dataset(tenant_id text, dataset_id text, expected_updated_at timestamptz DEFAULT NULL)
    RETURNS void LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'ipto_delete_dataset';
REVOKE ALL ON FUNCTION ipto.update_dataset(text, text, jsonb, timestamptz),
    ipto.delete_dataset(text, text, timestamptz) FROM PUBLIC;

-- The request face: If-Match. The signatures without it stay for fronts of
-- the previous release, which keep working until they are restarted.
CREATE FUNCTION ipto.api_update_dataset(credential_kind text, credential_id text, credential_digest text,
                                        dataset_id text, body text, if_match text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_update_dataset';
CREATE FUNCTION ipto.api_delete_dataset(credential_kind text, credential_id text, credential_digest text,
                                        dataset_id text, if_match text)
    RETURNS ipto.api_result LANGUAGE c VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'ipto_api_delete_dataset';
ALTER FUNCTION ipto.api_update_dataset(text, text, text, text, text, text) OWNER TO ipto_service;
ALTER FUNCTION ipto.api_delete_dataset(text, text, text, text, text) OWNER TO ipto_service;
REVOKE ALL ON FUNCTION ipto.api_update_dataset(text, text, text, text, text, text),
    ipto.api_delete_dataset(text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ipto.api_update_dataset(text, text, text, text, text, text),
    ipto.api_delete_dataset(text, text, text, text, text) TO ipto_api;

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
REVOKE ALL ON FUNCTION ipto.set_tenant_limits(text, integer, integer),
    ipto.api_rate_sync(text, text[], integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ipto.api_rate_sync(text, text[], integer[]) TO ipto_api;
GRANT SELECT, UPDATE ON ipto.tenant_limits TO ipto_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON ipto.front_presence TO ipto_service;
ALTER TABLE ipto.tenant_limits ENABLE ROW LEVEL SECURITY;
-- Every front draws down every limited tenant's bucket: the one table
-- ipto_service reads across tenants, and it holds no tenant's data.
CREATE POLICY fronts_sync ON ipto.tenant_limits FOR ALL TO ipto_service USING (true);
