-- Tenants, API keys and sessions: the operator face that mints credentials.
-- A credential is shown once and stored only as its public part plus the
-- SHA-256 of its secret.
\set VERBOSITY sqlstate
-- Helpers in pg_temp are this session's own: on Citus they stay on the
-- coordinator (without it trying, and warning about, its workers).
SET citus.enable_ddl_propagation = off;
-- err(q): runs q; 'ok', or the SQLSTATE and the column the error names.
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

-------------------------------------------------------------------------
-- create_tenant
-------------------------------------------------------------------------
SELECT ipto.create_tenant('Acme Corp') AS t \gset
SELECT :'t' ~ '^tnt_[0-9a-f]{12}$' AS id_format,
       (SELECT name FROM ipto.tenants WHERE tenant_id = :'t') AS stored_name;
-- Two tenants never share an id, even with the same name.
SELECT ipto.create_tenant('Acme Corp') <> :'t' AS distinct_ids;
SELECT ipto.create_tenant(repeat('x', 200)) ~ '^tnt_[0-9a-f]{12}$' AS name_200_ok;
SELECT ipto.create_tenant('Ünïcødé 名前') ~ '^tnt_[0-9a-f]{12}$' AS unicode_ok;
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('empty',         format('SELECT ipto.create_tenant(%L)', '')),
    ('control char',  format('SELECT ipto.create_tenant(%L)', E'a\x01b')),
    ('newline',       format('SELECT ipto.create_tenant(%L)', E'a\nb')),
    ('DEL',           format('SELECT ipto.create_tenant(%L)', E'a\x7fb')),
    ('201 chars',     format('SELECT ipto.create_tenant(%L)', repeat('x', 201))),
    ('201 multibyte', format('SELECT ipto.create_tenant(%L)', repeat('é', 201))),
    ('null',          'SELECT ipto.create_tenant(NULL)')
) AS v(label, q);
-- A failed create leaves no tenant behind.
SELECT count(*) AS tenants_named_201 FROM ipto.tenants WHERE length(name) > 200;
-- What a person sees in psql.
\set VERBOSITY default
SELECT ipto.create_tenant('');
SELECT ipto.create_tenant(repeat('x', 201));
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- create_api_key: ipto_<8 of [a-z0-9]>_<40 of [A-Za-z0-9]>, shown once.
-------------------------------------------------------------------------
SELECT ipto.create_api_key(:'t', 'ci key', ARRAY['datasets:read', 'datasets:write']) AS key \gset
SELECT :'key' ~ '^ipto_[a-z0-9]{8}_[A-Za-z0-9]{40}$' AS key_format;
SELECT substr(:'key', 6, 8) AS key_prefix, substr(:'key', 15) AS key_secret \gset
-- Stored: the prefix and the SHA-256 of the secret (32 bytes), nothing more.
SELECT k.api_key_id ~ '^key_[0-9a-f]{12}$' AS id_format,
       k.tenant_id = :'t' AS tenant_ok,
       k.name,
       k.scopes,
       k.prefix = :'key_prefix' AS prefix_ok,
       length(k.secret_sha256) AS digest_bytes,
       k.secret_sha256 = sha256(convert_to(:'key_secret', 'UTF8')) AS digest_of_secret,
       k.expires_at IS NULL AS no_expiry,
       k.revoked_at IS NULL AS not_revoked,
       k.api_key_id NOT IN (SELECT u.api_key_id FROM ipto.api_key_uses u) AS never_used
  FROM ipto.api_keys k WHERE k.prefix = :'key_prefix';
-- The secret is in no column of any credential table, in any form we can spot.
SELECT count(*) AS rows_holding_secret FROM (
    SELECT row_to_json(k)::text AS r FROM ipto.api_keys k
    UNION ALL SELECT row_to_json(s)::text FROM ipto.sessions s
    UNION ALL SELECT row_to_json(n)::text FROM ipto.tenants n) x
 WHERE r LIKE '%' || :'key_secret' || '%' OR r LIKE '%' || :'key' || '%'
    OR r LIKE '%' || encode(convert_to(:'key_secret', 'UTF8'), 'hex') || '%';
-- Each key is new: another call gives another prefix and secret.
SELECT ipto.create_api_key(:'t', 'ci key', ARRAY['datasets:read']) AS key2 \gset
SELECT substr(:'key2', 6, 8) <> :'key_prefix' AS new_prefix, substr(:'key2', 15) <> :'key_secret' AS new_secret;
SELECT count(*) AS keys_of_tenant FROM ipto.api_keys WHERE tenant_id = :'t';
-- Every known scope is accepted, alone or together.
SELECT ipto.create_api_key(:'t', 'admin', ARRAY['admin:*']) ~ '^ipto_' AS admin_ok,
       ipto.create_api_key(:'t', 'all', ARRAY['datasets:read', 'datasets:write', 'admin:*']) ~ '^ipto_' AS all_ok;
-- A future expiry is stored as given.
SELECT ipto.create_api_key(:'t', 'expiring', ARRAY['datasets:read'], '2999-01-01 00:00:00+00') AS key3 \gset
SELECT expires_at = '2999-01-01 00:00:00+00' AS expiry_stored FROM ipto.api_keys WHERE prefix = substr(:'key3', 6, 8);
-- Refusals.
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('unknown scope',   format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', 'k', '{datasets:delete}')),
    ('one bad of two',  format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', 'k', '{datasets:read,admin}')),
    ('scope case',      format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', 'k', '{DATASETS:READ}')),
    ('empty scopes',    format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', 'k', '{}')),
    ('null scopes',     format('SELECT ipto.create_api_key(%L, %L, NULL)', :'t', 'k')),
    ('null scope item', format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', 'k', '{datasets:read,NULL}')),
    ('unknown tenant',  format('SELECT ipto.create_api_key(%L, %L, %L)', 'tnt_000000000000', 'k', '{datasets:read}')),
    ('malformed tenant',format('SELECT ipto.create_api_key(%L, %L, %L)', 'acme', 'k', '{datasets:read}')),
    ('null tenant',     format('SELECT ipto.create_api_key(NULL, %L, %L)', 'k', '{datasets:read}')),
    ('expired',         format('SELECT ipto.create_api_key(%L, %L, %L, now() - interval %L)', :'t', 'k', '{datasets:read}', '1 second')),
    ('expires now',     format('SELECT ipto.create_api_key(%L, %L, %L, now())', :'t', 'k', '{datasets:read}')),
    ('empty name',      format('SELECT ipto.create_api_key(%L, %L, %L)', :'t', '', '{datasets:read}')),
    ('null name',       format('SELECT ipto.create_api_key(%L, NULL, %L)', :'t', '{datasets:read}'))
) AS v(label, q);
-- None of the refused calls stored a key.
SELECT count(*) AS keys_of_tenant FROM ipto.api_keys WHERE tenant_id = :'t';
\set VERBOSITY default
SELECT ipto.create_api_key(:'t', 'k', ARRAY['datasets:delete']);
SELECT ipto.create_api_key('tnt_000000000000', 'k', ARRAY['datasets:read']);
SELECT ipto.create_api_key(:'t', 'k', ARRAY['datasets:read'], now() - interval '1 hour');
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- revoke_api_key
-------------------------------------------------------------------------
SELECT api_key_id AS key_id FROM ipto.api_keys WHERE prefix = :'key_prefix' \gset
SELECT ipto.revoke_api_key(:'key_id');
SELECT revoked_at AS first_revoked_at FROM ipto.api_keys WHERE api_key_id = :'key_id' \gset
SELECT :'first_revoked_at' IS NOT NULL AS revoked;
-- Twice is fine, and keeps the first revocation time.
SELECT ipto.revoke_api_key(:'key_id');
SELECT revoked_at = :'first_revoked_at' AS first_time_kept FROM ipto.api_keys WHERE api_key_id = :'key_id';
-- Only that key was revoked.
SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL) AS revoked, count(*) AS total
  FROM ipto.api_keys WHERE tenant_id = :'t';
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('unknown id',   format('SELECT ipto.revoke_api_key(%L)', 'key_000000000000')),
    ('malformed id', format('SELECT ipto.revoke_api_key(%L)', 'nonsense')),
    ('the prefix',   format('SELECT ipto.revoke_api_key(%L)', :'key_prefix')),
    ('null',         'SELECT ipto.revoke_api_key(NULL)')
) AS v(label, q);

-------------------------------------------------------------------------
-- create_session: an opaque 48-character token (16 public + 32 secret).
-------------------------------------------------------------------------
SELECT ipto.create_session(:'t', ARRAY['datasets:read']) AS tok \gset
SELECT :'tok' ~ '^[A-Za-z0-9]{48}$' AS token_format;
SELECT s.tenant_id = :'t' AS tenant_ok,
       s.scopes,
       s.secret_sha256 = sha256(convert_to(right(:'tok', 32), 'UTF8')) AS digest_of_secret,
       s.expires_at - s.created_at = interval '24 hours' AS default_ttl_24h,
       s.revoked_at IS NULL AS not_revoked
  FROM ipto.sessions s WHERE s.session_id = left(:'tok', 16);
SELECT count(*) AS rows_holding_secret FROM ipto.sessions s
 WHERE row_to_json(s)::text LIKE '%' || right(:'tok', 32) || '%';
SELECT ipto.create_session(:'t', ARRAY['admin:*'], '90 minutes') AS tok2 \gset
SELECT expires_at - created_at = interval '90 minutes' AS ttl_90min FROM ipto.sessions WHERE session_id = left(:'tok2', 16);
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('ttl zero',       format('SELECT ipto.create_session(%L, %L, %L)', :'t', '{datasets:read}', '0')),
    ('ttl negative',   format('SELECT ipto.create_session(%L, %L, %L)', :'t', '{datasets:read}', '-1 hour')),
    ('ttl mixed sign', format('SELECT ipto.create_session(%L, %L, %L)', :'t', '{datasets:read}', '1 day -25 hours')),
    ('ttl null',       format('SELECT ipto.create_session(%L, %L, NULL)', :'t', '{datasets:read}')),
    ('unknown scope',  format('SELECT ipto.create_session(%L, %L)', :'t', '{root}')),
    ('empty scopes',   format('SELECT ipto.create_session(%L, %L)', :'t', '{}')),
    ('null scopes',    format('SELECT ipto.create_session(%L, NULL)', :'t')),
    ('unknown tenant', format('SELECT ipto.create_session(%L, %L)', 'tnt_000000000000', '{datasets:read}'))
) AS v(label, q);
SELECT count(*) AS sessions_of_tenant FROM ipto.sessions WHERE tenant_id = :'t';
\set VERBOSITY default
SELECT ipto.create_session(:'t', ARRAY['datasets:read'], '0');
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- revoke_session: by the whole token only.
-------------------------------------------------------------------------
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    -- the right public part with a wrong secret
    ('wrong secret',  format('SELECT ipto.revoke_session(%L)', left(:'tok', 16) || repeat('A', 32))),
    ('unknown token', format('SELECT ipto.revoke_session(%L)', repeat('Z', 48))),
    ('bad id',        format('SELECT ipto.revoke_session(%L)', left(:'tok', 15) || '!')),
    ('not a token',   format('SELECT ipto.revoke_session(%L)', 'hello world')),
    ('null',          'SELECT ipto.revoke_session(NULL)')
) AS v(label, q);
SELECT revoked_at IS NULL AS still_live FROM ipto.sessions WHERE session_id = left(:'tok', 16);
SELECT ipto.revoke_session(:'tok');
SELECT revoked_at IS NOT NULL AS revoked FROM ipto.sessions WHERE session_id = left(:'tok', 16);
SELECT revoked_at AS first_revoked_at FROM ipto.sessions WHERE session_id = left(:'tok', 16) \gset
-- A session can also be revoked by its public id alone (ipto.sessions.session_id),
-- which keeps the secret out of statement logs.
SELECT ipto.create_session(:'t', ARRAY['datasets:read']) AS tok_by_id \gset
SELECT ipto.revoke_session(left(:'tok_by_id', 16));
SELECT revoked_at IS NOT NULL AS revoked_by_id FROM ipto.sessions WHERE session_id = left(:'tok_by_id', 16);
SELECT ipto.revoke_session(:'tok');
SELECT revoked_at = :'first_revoked_at' AS first_time_kept FROM ipto.sessions WHERE session_id = left(:'tok', 16);
-- The other session is untouched.
SELECT revoked_at IS NULL AS other_live FROM ipto.sessions WHERE session_id = left(:'tok2', 16);
