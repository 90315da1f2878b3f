// PostgreSQL's headers, as C, in one place. Extension files include this and
// nothing of PostgreSQL directly; the build adds them with -isystem.
#pragma once

extern "C" {
#include <postgres.h>

#include <access/htup_details.h>
#include <access/xact.h>
#include <catalog/namespace.h>
#include <catalog/pg_collation.h>
#include <catalog/pg_type.h>
#include <commands/extension.h>
#include <commands/trigger.h>
#include <common/hashfn.h>
#include <executor/spi.h>
#include <fmgr.h>
#include <funcapi.h>
#include <miscadmin.h>
#include <port.h>
#include <utils/array.h>
#include <utils/builtins.h>
#include <utils/guc.h>
#include <utils/json.h>
#include <utils/jsonb.h>
#include <utils/lsyscache.h>
#include <utils/memutils.h>
#include <utils/timestamp.h>
#include <utils/tuplestore.h>
}

// PostgreSQL defines these as macros; they collide with the C++ library.
#undef snprintf
#undef vsnprintf
#undef printf
#undef sprintf
#undef fprintf
