-- Everything of schema ipto a user or pg_dump depends on, one sorted line per
-- fact, with no OIDs: two databases with equal output have equal catalogs.
WITH ns AS (SELECT 'ipto'::regnamespace AS oid),
ext AS (SELECT oid, extconfig, extcondition FROM pg_extension WHERE extname = 'ipto'),
rel AS (SELECT c.* FROM pg_class c, ns WHERE c.relnamespace = ns.oid),
facts(kind, line) AS (
    SELECT 'schema', n.nspname || ' owner=' || n.nspowner::regrole || ' acl=' || coalesce(n.nspacl::text, '')
      FROM pg_namespace n, ns WHERE n.oid = ns.oid
    UNION ALL
    SELECT 'relation', relname || ' kind=' || relkind::text || ' persistence=' || relpersistence::text
           || ' owner=' || relowner::regrole || ' acl=' || coalesce(relacl::text, '')
           || ' rls=' || relrowsecurity || '/' || relforcerowsecurity || ' options=' || coalesce(reloptions::text, '')
           || ' comment=' || coalesce(obj_description(oid, 'pg_class'), '')
      FROM rel
    UNION ALL
    SELECT 'column', r.relname || '.' || a.attname || ' #' || row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum)
           || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' acl=' || coalesce(a.attacl::text, '')
           || ' collation=' || coalesce(nullif(a.attcollation, 0)::regcollation::text, '')
      FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
    UNION ALL
    SELECT 'constraint', r.relname || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
           || ' deferrable=' || c.condeferrable || '/' || c.condeferred
      FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid
    UNION ALL
    SELECT 'index', pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN rel r ON r.oid = i.indrelid
    UNION ALL
    SELECT 'function', p.oid::regprocedure::text || ' owner=' || p.proowner::regrole
           || ' acl=' || coalesce(p.proacl::text, '') || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
           || E'\n' || pg_get_functiondef(p.oid)
      FROM pg_proc p, ns WHERE p.pronamespace = ns.oid
    UNION ALL
    SELECT 'trigger', pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
      FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
    UNION ALL
    SELECT 'policy', r.relname || ' ' || p.polname || ' cmd=' || p.polcmd::text || ' permissive=' || p.polpermissive
           || ' roles=' || (SELECT string_agg(CASE WHEN x = 0 THEN 'public' ELSE x::regrole::text END, ',' ORDER BY 1)
                              FROM unnest(p.polroles) x)
           || ' using=' || coalesce(pg_get_expr(p.polqual, p.polrelid), '')
           || ' check=' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
      FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
    UNION ALL
    SELECT 'view', r.relname || ' ' || pg_get_viewdef(r.oid) FROM rel r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT 'type', t.typname || ' type=' || t.typtype::text || ' owner=' || t.typowner::regrole
      FROM pg_type t, ns WHERE t.typnamespace = ns.oid AND t.typtype <> 'b'
    UNION ALL
    SELECT 'member', pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
    UNION ALL
    SELECT 'dumped', c.relname || ' ' || coalesce(x.cond, '')
      FROM ext, unnest(ext.extconfig, ext.extcondition) AS x(config, cond) JOIN pg_class c ON c.oid = x.config
    UNION ALL
    SELECT 'initial privileges', pg_describe_object(i.classoid, i.objoid, i.objsubid) || ' ' || i.initprivs::text
      FROM pg_init_privs i WHERE i.privtype = 'e'
       AND (i.classoid, i.objoid) IN (SELECT d.classid, d.objid FROM pg_depend d, ext
                                       WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid)
)
SELECT kind || ': ' || line FROM facts ORDER BY 1;
