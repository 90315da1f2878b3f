-- Visibility across tenants (docs/api.md, Visibility): the owner sees its
-- datasets; others see listed+active ones, and restricted ones only where
-- granted; private ones never. Non-owners that see a dataset get 403 on
-- update/delete; those that do not see it get 404.
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
-- msg(q): what a person sees of q's error, identifiers masked.
CREATE FUNCTION pg_temp.msg(q text) RETURNS TABLE (message text, detail text) LANGUAGE plpgsql AS $f$
DECLARE m text; d text;
BEGIN
    EXECUTE q;
    RETURN QUERY SELECT 'ok', NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    RETURN QUERY SELECT regexp_replace(m, '(dset|tnt)_[0-9a-f]{12}', '\1_…', 'g'), d;
END $f$;
-- What viewer may see, straight from the rule (an oracle independent of
-- the extension's queries).
CREATE FUNCTION pg_temp.may_see(viewer text) RETURNS SETOF ipto.datasets LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY
    SELECT * FROM ipto.datasets d
     WHERE d.tenant_id = viewer
        OR (d.visibility = 'listed' AND d.status = 'active')
        OR (d.visibility = 'restricted' AND d.dataset_id IN (
                SELECT g.dataset_id FROM ipto.dataset_grants g WHERE g.grantee_tenant_id = viewer));
END $f$;
SELECT ipto.create_tenant('vis A') AS a, ipto.create_tenant('vis B') AS b, ipto.create_tenant('vis C') AS c \gset
-- A list, as seen by one tenant: only our three tenants' datasets by name
-- (other test files leave listed datasets behind), plus whether "total"
-- counts exactly what the rule allows with the same filters.
CREATE FUNCTION pg_temp.seen(viewer text, st text DEFAULT NULL, vis text DEFAULT NULL, own text DEFAULT NULL)
RETURNS TABLE (names text, total_ok boolean) LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY
    SELECT (SELECT string_agg(l.name, ', ' ORDER BY l.name)
              FROM ipto.list_datasets(viewer, NULL, 100, st, vis, own) l
             WHERE l.tenant_id IN (SELECT t.tenant_id FROM ipto.tenants t WHERE t.name LIKE 'vis _')),
           (SELECT coalesce(max(l.total), 0) FROM ipto.list_datasets(viewer, NULL, 100, st, vis, own) l)
             = (SELECT count(*) FROM pg_temp.may_see(viewer) m
                 WHERE (st IS NULL OR m.status = st) AND (vis IS NULL OR m.visibility = vis)
                   AND (own IS NULL OR (m.tenant_id = viewer) = (own = 'me')));
END $f$;
RESET citus.enable_ddl_propagation;

SELECT dataset_id AS a_private    FROM ipto.create_dataset(:'a', 'A private') \gset
SELECT dataset_id AS a_restricted FROM ipto.create_dataset(:'a', 'A restricted', visibility => 'restricted') \gset
SELECT dataset_id AS a_restricted2 FROM ipto.create_dataset(:'a', 'A restricted ungranted', visibility => 'restricted') \gset
SELECT dataset_id AS a_listed     FROM ipto.create_dataset(:'a', 'A listed', visibility => 'listed') \gset
SELECT dataset_id AS a_archived   FROM ipto.create_dataset(:'a', 'A listed archived', visibility => 'listed') \gset
SELECT status FROM ipto.update_dataset(:'a', :'a_archived', '{"status": "archived"}');
SELECT dataset_id AS b_private    FROM ipto.create_dataset(:'b', 'B private') \gset
SELECT dataset_id AS b_listed     FROM ipto.create_dataset(:'b', 'B listed', visibility => 'listed') \gset
SELECT ipto.grant_dataset(:'a', :'a_restricted', :'b');
-- Granting twice is harmless: one grant.
SELECT ipto.grant_dataset(:'a', :'a_restricted', :'b');
SELECT count(*) AS grants FROM ipto.dataset_grants WHERE dataset_id = :'a_restricted';

-------------------------------------------------------------------------
-- get: who sees what.
-------------------------------------------------------------------------
SELECT ds.label,
       pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'a', ds.id)) AS as_a,
       pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'b', ds.id)) AS as_b,
       pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', ds.id)) AS as_c
  FROM (VALUES ('A private', :'a_private'), ('A restricted (granted B)', :'a_restricted'),
               ('A restricted ungranted', :'a_restricted2'), ('A listed', :'a_listed'),
               ('A listed archived', :'a_archived'), ('B private', :'b_private'), ('B listed', :'b_listed'))
       AS ds(label, id);
-- What a non-owner gets is the owner's dataset, whole.
SELECT tenant_id = :'a' AS owned_by_a, name, visibility FROM ipto.get_dataset(:'b', :'a_restricted');

-------------------------------------------------------------------------
-- list: who sees what.
-------------------------------------------------------------------------
SELECT 'A' AS viewer, * FROM pg_temp.seen(:'a')
UNION ALL SELECT 'B', * FROM pg_temp.seen(:'b')
UNION ALL SELECT 'C', * FROM pg_temp.seen(:'c');
-- Filters: status, visibility, owner; each combination keeps "total" exact.
SELECT f.label, s.* FROM (VALUES
    ('A status=active',     :'a', 'active',   NULL,         NULL),
    ('A status=archived',   :'a', 'archived', NULL,         NULL),
    ('A visibility=listed', :'a', NULL,       'listed',     NULL),
    ('A restricted',        :'a', NULL,       'restricted', NULL),
    ('A owner=me',          :'a', NULL,       NULL,         'me'),
    ('A owner=others',      :'a', NULL,       NULL,         'others'),
    ('B owner=me',          :'b', NULL,       NULL,         'me'),
    ('B owner=others',      :'b', NULL,       NULL,         'others'),
    ('B others restricted', :'b', NULL,       'restricted', 'others'),
    ('B archived',          :'b', 'archived', NULL,         NULL),
    ('C private',           :'c', NULL,       'private',    NULL),
    ('C owner=me',          :'c', NULL,       NULL,         'me')
) AS f(label, viewer, st, vis, own), LATERAL pg_temp.seen(f.viewer, f.st, f.vis, f.own) s;
-- An owner's own list is exact, total included.
SELECT count(*) AS rows, max(total) AS total FROM ipto.list_datasets(:'a', owner => 'me');
SELECT count(*) AS rows, max(total) AS total FROM ipto.list_datasets(:'c', owner => 'me');
-- Invalid filters and limits.
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('status',         format('SELECT * FROM ipto.list_datasets(%L, status => %L)', :'a', 'deleted')),
    ('status case',    format('SELECT * FROM ipto.list_datasets(%L, status => %L)', :'a', 'Active')),
    ('visibility',     format('SELECT * FROM ipto.list_datasets(%L, visibility => %L)', :'a', 'public')),
    ('owner',          format('SELECT * FROM ipto.list_datasets(%L, owner => %L)', :'a', 'you')),
    ('owner empty',    format('SELECT * FROM ipto.list_datasets(%L, owner => %L)', :'a', '')),
    ('limit 0',        format('SELECT * FROM ipto.list_datasets(%L, "limit" => 0)', :'a')),
    ('limit 101',      format('SELECT * FROM ipto.list_datasets(%L, "limit" => 101)', :'a')),
    ('limit -1',       format('SELECT * FROM ipto.list_datasets(%L, "limit" => -1)', :'a')),
    ('limit null',     format('SELECT * FROM ipto.list_datasets(%L, "limit" => NULL)', :'a')),
    ('limit 1',        format('SELECT * FROM ipto.list_datasets(%L, "limit" => 1)', :'a')),
    ('limit 100',      format('SELECT * FROM ipto.list_datasets(%L, "limit" => 100)', :'a')),
    ('unknown tenant', format('SELECT * FROM ipto.list_datasets(%L)', 'tnt_000000000000'))
) AS v(label, q);
\set VERBOSITY default
SELECT * FROM ipto.list_datasets(:'a', "limit" => 101);
SELECT * FROM ipto.list_datasets(:'a', owner => 'you');
\set VERBOSITY sqlstate

-------------------------------------------------------------------------
-- update/delete by a non-owner: 403 where it sees the dataset, else 404.
-------------------------------------------------------------------------
SELECT ds.label, w.who,
       pg_temp.err(format('SELECT ipto.update_dataset(%L, %L, %L)', w.t, ds.id, '{"name": "hijacked"}')) AS "update",
       pg_temp.err(format('SELECT ipto.update_dataset(%L, %L, %L)', w.t, ds.id, '{}')) AS update_empty,
       pg_temp.err(format('SELECT ipto.delete_dataset(%L, %L)', w.t, ds.id)) AS "delete"
  FROM (VALUES ('A private', :'a_private'), ('A restricted (granted B)', :'a_restricted'),
               ('A restricted ungranted', :'a_restricted2'), ('A listed', :'a_listed'),
               ('A listed archived', :'a_archived')) AS ds(label, id),
       (VALUES ('B', :'b'), ('C', :'c')) AS w(who, t)
 ORDER BY w.who, ds.label;
-- Nothing changed and nothing was deleted.
SELECT name, visibility, status FROM ipto.datasets WHERE tenant_id = :'a' ORDER BY name;
SELECT * FROM pg_temp.msg(format('SELECT ipto.delete_dataset(%L, %L)', :'b', :'a_listed'));
SELECT * FROM pg_temp.msg(format('SELECT ipto.delete_dataset(%L, %L)', :'c', :'a_private'));

-------------------------------------------------------------------------
-- Grants: only the owner grants, never to itself; only restricted
-- datasets are opened by a grant.
-------------------------------------------------------------------------
SELECT label, pg_temp.err(q) AS result FROM (VALUES
    ('grant to self',          format('SELECT ipto.grant_dataset(%L, %L, %L)', :'a', :'a_restricted', :'a')),
    ('grant others dataset',   format('SELECT ipto.grant_dataset(%L, %L, %L)', :'b', :'a_restricted', :'c')),
    ('grant seen by grantee',  format('SELECT ipto.grant_dataset(%L, %L, %L)', :'b', :'a_listed', :'c')),
    ('grant unknown dataset',  format('SELECT ipto.grant_dataset(%L, %L, %L)', :'a', 'dset_000000000000', :'b')),
    ('grant malformed dataset',format('SELECT ipto.grant_dataset(%L, %L, %L)', :'a', 'x', :'b')),
    ('grant unknown grantee',  format('SELECT ipto.grant_dataset(%L, %L, %L)', :'a', :'a_restricted', 'tnt_000000000000')),
    ('grant unknown owner',    format('SELECT ipto.grant_dataset(%L, %L, %L)', 'tnt_000000000000', :'a_restricted', :'b')),
    ('grant null grantee',     format('SELECT ipto.grant_dataset(%L, %L, NULL)', :'a', :'a_restricted')),
    ('revoke by non-owner',    format('SELECT ipto.revoke_dataset_grant(%L, %L, %L)', :'b', :'a_restricted', :'b')),
    ('revoke never granted',   format('SELECT ipto.revoke_dataset_grant(%L, %L, %L)', :'a', :'a_restricted', :'c'))
) AS v(label, q);
SELECT count(*) AS grants_of_a FROM ipto.dataset_grants WHERE tenant_id = :'a';
-- A grant of a private or an archived listed dataset does not open it.
SELECT ipto.grant_dataset(:'a', :'a_private', :'c');
SELECT ipto.grant_dataset(:'a', :'a_archived', :'c');
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', :'a_private')) AS c_gets_private,
       pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', :'a_archived')) AS c_gets_archived;
SELECT * FROM pg_temp.seen(:'c');
-- ...but the same grant does once the owner makes the dataset restricted.
SELECT visibility FROM ipto.update_dataset(:'a', :'a_private', '{"visibility": "restricted"}');
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', :'a_private')) AS c_gets_it;
SELECT visibility FROM ipto.update_dataset(:'a', :'a_private', '{"visibility": "private"}');
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', :'a_private')) AS c_gets_it;
-- A restricted dataset stays visible to its grantee when archived (the rule
-- for restricted datasets does not look at status).
SELECT status FROM ipto.update_dataset(:'a', :'a_restricted', '{"status": "archived"}');
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'b', :'a_restricted')) AS b_gets_archived_restricted;
SELECT status FROM ipto.update_dataset(:'a', :'a_restricted', '{"status": "active"}');
-- Listing an archived dataset again (active) opens it to everyone.
SELECT status FROM ipto.update_dataset(:'a', :'a_archived', '{"status": "active"}');
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'c', :'a_archived')) AS c_gets_relisted;
SELECT status FROM ipto.update_dataset(:'a', :'a_archived', '{"status": "archived"}');

-- Revoking the grant closes the dataset to B again: 404 everywhere.
SELECT ipto.revoke_dataset_grant(:'a', :'a_restricted', :'b');
SELECT count(*) AS grants_left FROM ipto.dataset_grants WHERE dataset_id = :'a_restricted';
SELECT pg_temp.err(format('SELECT ipto.get_dataset(%L, %L)', :'b', :'a_restricted')) AS "get",
       pg_temp.err(format('SELECT ipto.update_dataset(%L, %L, %L)', :'b', :'a_restricted', '{}')) AS "update",
       pg_temp.err(format('SELECT ipto.delete_dataset(%L, %L)', :'b', :'a_restricted')) AS "delete",
       pg_temp.err(format('SELECT ipto.revoke_dataset_grant(%L, %L, %L)', :'a', :'a_restricted', :'b')) AS revoke_again;
SELECT * FROM pg_temp.seen(:'b');
-- The owner may still do everything.
SELECT name FROM ipto.update_dataset(:'a', :'a_restricted', '{"name": "A restricted, renamed"}');
SELECT ipto.delete_dataset(:'a', :'a_restricted');
SELECT count(*) AS a_datasets FROM ipto.datasets WHERE tenant_id = :'a';
