-- ipto 0.2 -> 0.3: conditional writes.
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
