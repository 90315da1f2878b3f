#include "openapi.hpp"

namespace ipto::front {
namespace {

// JSON, written by hand: a raw string keeps it readable and diffable.
// Written for generated clients (tests/e2e/test_typed_client.py compiles one
// under tsc --strict): a request body's media type is stated by requestBody
// alone, never as a Content-Type header parameter (OpenAPI 3.1 ignores one,
// generators make every call pass it); request schemas state defaults in
// words, never with the default keyword (openapi-typescript reads a default
// as "always present" and would make every create send every field).
constexpr std::string_view kDocument = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "ipto Datasets API",
    "version": "0.1.0",
    "summary": "Datasets: named collections of objects owned by a tenant, with live counters.",
    "description": "Every response body is UTF-8 JSON in an envelope: {\"data\", \"request_id\", \"timestamp\"} on success, {\"error\": {\"code\", \"message\", \"field\"?}, \"request_id\", \"timestamp\"} on failure. Every response carries the request id in X-Request-Id. Timestamps are UTC, YYYY-MM-DDTHH:MM:SSZ."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearerAuth": []}, {"apiKeyAuth": []}],
  "tags": [
    {"name": "Datasets", "description": "Endpoints for managing datasets."},
    {"name": "Operations", "description": "Health, readiness, metrics and this document. No credential needed."}
  ],
  "x-ipto-front-errors": {
    "description": "Answers any request can receive, whatever its path: an unknown path is a 404 not_found; a known path with a method it does not support is a 405 method_not_allowed with an Allow header; a malformed HTTP request is a 400 bad_request; a request URI over 8 KiB is a 414 uri_too_long; a request line and headers over 64 KiB in all are a 431 bad_request, and the connection ends; a body over 1 MiB is a 413 payload_too_large; a malformed Range header is a 416 range_not_satisfiable (a valid one is ignored: answers are never partial).",
    "responses": {
      "400": {"$ref": "#/components/responses/BadRequest"},
      "404": {"$ref": "#/components/responses/NotFound"},
      "405": {"$ref": "#/components/responses/MethodNotAllowed"},
      "413": {"$ref": "#/components/responses/PayloadTooLarge"},
      "414": {"$ref": "#/components/responses/UriTooLong"},
      "416": {"$ref": "#/components/responses/RangeNotSatisfiable"}
    }
  },
  "paths": {
    "/v1/datasets": {
      "post": {
        "tags": ["Datasets"],
        "operationId": "createDataset",
        "summary": "Create Dataset",
        "description": "Create a new dataset within the authenticated tenant. Scope: datasets:write. With an Idempotency-Key, the same key and body from the same tenant within 24 hours returns the first response; the same key with another body is a 409.",
        "parameters": [
          {"$ref": "#/components/parameters/IdempotencyKey"}
        ],
        "requestBody": {
          "required": true,
          "description": "The media type is application/json (a charset parameter, if any, must be utf-8); anything else is a 415.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetCreate"}}}
        },
        "responses": {
          "201": {
            "description": "Created.",
            "headers": {
              "Location": {"description": "/v1/datasets/{id} of the new dataset.", "schema": {"type": "string"}},
              "ETag": {"$ref": "#/components/headers/ETag"},
              "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}
            },
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetEnvelope"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "500": {"$ref": "#/components/responses/InternalError"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      },
      "get": {
        "tags": ["Datasets"],
        "operationId": "listDatasets",
        "summary": "List Datasets",
        "description": "List the datasets visible to the authenticated tenant, newest first (created_at, then dataset_id, descending), by keyset pagination. total counts every dataset matching the filters. Scope: datasets:read. Any other query parameter, or one given twice, is a 400 bad_request naming it in field.",
        "parameters": [
          {"name": "cursor", "in": "query", "required": false, "description": "Opaque pagination cursor from a previous response's next_cursor, used with the same filters. A forged or corrupt cursor, or one reused with other filters, is a 400 invalid_cursor.", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "required": false, "description": "Maximum number of datasets to return (1 to 100; else 422).", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
          {"name": "status", "in": "query", "required": false, "description": "Filter by status.", "schema": {"$ref": "#/components/schemas/Status"}},
          {"name": "visibility", "in": "query", "required": false, "description": "Filter by visibility.", "schema": {"$ref": "#/components/schemas/Visibility"}},
          {"name": "owner", "in": "query", "required": false, "description": "me: only the caller's datasets; others: only other tenants' datasets visible to the caller.", "schema": {"type": "string", "enum": ["me", "others"]}}
        ],
        "responses": {
          "200": {
            "description": "A page of datasets.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetPageEnvelope"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "500": {"$ref": "#/components/responses/InternalError"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/v1/datasets/{id}": {
      "parameters": [
        {"name": "id", "in": "path", "required": true, "description": "The dataset ID (dset_ and 12 lowercase hex digits). Any other value is a 404.", "schema": {"type": "string"}}
      ],
      "get": {
        "tags": ["Datasets"],
        "operationId": "getDataset",
        "summary": "Get Dataset",
        "description": "Retrieve a dataset visible to the authenticated tenant (else 404, whatever the conditional headers). Scope: datasets:read. With If-None-Match holding its current ETag (or *), a 304 without content.",
        "parameters": [
          {"$ref": "#/components/parameters/IfNoneMatch"}
        ],
        "responses": {
          "200": {
            "description": "The dataset.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetEnvelope"}}}
          },
          "304": {
            "description": "Not modified: If-None-Match matched the dataset's current ETag. No content.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "500": {"$ref": "#/components/responses/InternalError"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      },
      "patch": {
        "tags": ["Datasets"],
        "operationId": "updateDataset",
        "summary": "Update Dataset",
        "description": "Update mutable fields; only the fields in the body change ({} changes nothing and returns the dataset). Scope: datasets:write. A tenant that sees but does not own the dataset gets 403 forbidden; one that cannot see it, 404. With If-Match, the update happens only if the dataset's current ETag matches (checked in the update's own transaction), else 412.",
        "parameters": [
          {"$ref": "#/components/parameters/IfMatch"}
        ],
        "requestBody": {
          "required": true,
          "description": "The media type is application/json (a charset parameter, if any, must be utf-8); anything else is a 415.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetUpdate"}}}
        },
        "responses": {
          "200": {
            "description": "The updated dataset.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetEnvelope"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "412": {"$ref": "#/components/responses/PreconditionFailed"},
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "500": {"$ref": "#/components/responses/InternalError"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      },
      "delete": {
        "tags": ["Datasets"],
        "operationId": "deleteDataset",
        "summary": "Delete Dataset",
        "description": "Delete a dataset and all of its objects, index entries, metadata and grants. Irreversible. Scope: datasets:write. A tenant that sees but does not own the dataset gets 403 forbidden; one that cannot see it, 404. With If-Match, the delete happens only if the dataset's current ETag matches (checked in the delete's own transaction), else 412.",
        "parameters": [
          {"$ref": "#/components/parameters/IfMatch"}
        ],
        "responses": {
          "200": {
            "description": "Deleted; data is an empty object.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EmptyEnvelope"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "412": {"$ref": "#/components/responses/PreconditionFailed"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "500": {"$ref": "#/components/responses/InternalError"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": ["Operations"],
        "operationId": "healthz",
        "summary": "Liveness: the process is up.",
        "security": [],
        "responses": {
          "200": {
            "description": "Alive.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "tags": ["Operations"],
        "operationId": "readyz",
        "summary": "Readiness: a pooled database connection answers SELECT 1.",
        "security": [],
        "responses": {
          "200": {
            "description": "Ready.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
          },
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["Operations"],
        "operationId": "metrics",
        "summary": "Prometheus metrics (text exposition format 0.0.4).",
        "description": "ipto_http_requests_total{route,method,status}, ipto_http_request_duration_seconds{route} (histogram), ipto_db_pool_connections{state=in_use|idle}, ipto_db_pool_max, ipto_db_pool_waiting, ipto_http_worker_threads.",
        "security": [],
        "responses": {
          "200": {
            "description": "Metrics.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"text/plain": {"schema": {"type": "string"}}}
          }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "tags": ["Operations"],
        "operationId": "openapi",
        "summary": "This document.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer {token}: a session token or an API key (ipto_{prefix}_{secret})."},
      "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "X-API-Key: ipto_{prefix}_{secret}. Sending both headers is a 400 ambiguous_credentials."}
    },
    "parameters": {
      "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": false, "description": "Makes a create safe to retry: the same key and body within 24 hours returns the first response.", "schema": {"type": "string"}},
      "IfNoneMatch": {"name": "If-None-Match", "in": "header", "required": false, "description": "ETags (or *): when one matches the dataset's current ETag (weak comparison), the answer is a 304 without content.", "schema": {"type": "string"}},
      "IfMatch": {"name": "If-Match", "in": "header", "required": false, "description": "ETags (or *): the write happens only if one matches the dataset's current ETag (strong comparison), else 412 precondition_failed. Prevents lost updates.", "schema": {"type": "string"}}
    },
    "headers": {
      "XRequestId": {"description": "The request's id, as in the body's request_id.", "schema": {"type": "string", "pattern": "^req_[0-9a-f]{12}$"}},
      "ETag": {"description": "A strong entity tag of the dataset: changes whenever any of its fields does, counters included.", "schema": {"type": "string", "pattern": "^\"[0-9a-f]{32}\"$"}},
      "WWWAuthenticate": {"description": "Bearer (no credential) or Bearer error=\"invalid_token\" (rejected credential).", "schema": {"type": "string"}},
      "Allow": {"description": "The methods the path supports.", "schema": {"type": "string"}},
      "RetryAfter": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
    },
    "schemas": {
      "Visibility": {"type": "string", "enum": ["private", "restricted", "listed"]},
      "Status": {"type": "string", "enum": ["active", "archived"]},
      "SourceModality": {"type": "string", "enum": ["document", "image", "video", "audio", "mixed"]},
      "MonetizationMode": {"type": "string", "enum": ["open", "premium", "restricted"]},
      "PricingModel": {"type": "string", "enum": ["demand_curve", "fixed"]},
      "Timestamp": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", "examples": ["2026-04-05T10:00:00Z"]},
      "Dataset": {
        "type": "object",
        "description": "A dataset. Fields always appear in this order.",
        "additionalProperties": false,
        "required": ["dataset_id", "tenant_id", "name", "description", "source_modality", "monetization_mode", "pricing_model", "visibility", "status", "object_count", "active_object_count", "total_bytes", "created_at", "updated_at", "last_ingest_at"],
        "properties": {
          "dataset_id": {"type": "string", "pattern": "^dset_[0-9a-f]{12}$", "description": "Unique identifier for the dataset."},
          "tenant_id": {"type": "string", "pattern": "^tnt_[0-9a-f]{12}$", "description": "Identifier of the owning tenant."},
          "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Human-readable name."},
          "description": {"type": ["string", "null"], "maxLength": 2000, "description": "Description of the dataset."},
          "source_modality": {"$ref": "#/components/schemas/SourceModality"},
          "monetization_mode": {"$ref": "#/components/schemas/MonetizationMode"},
          "pricing_model": {"$ref": "#/components/schemas/PricingModel"},
          "visibility": {"$ref": "#/components/schemas/Visibility"},
          "status": {"$ref": "#/components/schemas/Status"},
          "object_count": {"type": "integer", "minimum": 0, "description": "Total number of objects in the dataset."},
          "active_object_count": {"type": "integer", "minimum": 0, "description": "Number of objects that are approved and indexed."},
          "total_bytes": {"type": "integer", "minimum": 0, "description": "Total storage used by all objects in bytes."},
          "created_at": {"$ref": "#/components/schemas/Timestamp"},
          "updated_at": {"$ref": "#/components/schemas/Timestamp"},
          "last_ingest_at": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}], "description": "Time of the most recent object ingestion, or null."}
        }
      },
      "DatasetCreate": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "description": "Only name is required; the server fills in an absent field with its default (each property's description says which; the created dataset shows it). A field of the wrong type, a value outside its set, an unknown field or a read-only field is a 422 naming the field.",
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "1 to 200 characters after trimming; no control characters."},
          "description": {"type": ["string", "null"], "maxLength": 2000, "description": "Optional; when absent, null."},
          "source_modality": {"$ref": "#/components/schemas/SourceModality", "description": "Optional; when absent, document."},
          "monetization_mode": {"$ref": "#/components/schemas/MonetizationMode", "description": "Optional; when absent, open."},
          "pricing_model": {"$ref": "#/components/schemas/PricingModel", "description": "Optional; when absent, demand_curve."},
          "visibility": {"$ref": "#/components/schemas/Visibility", "description": "Optional; when absent, private."}
        }
      },
      "DatasetUpdate": {
        "type": "object",
        "additionalProperties": false,
        "description": "All fields optional; only those present change.",
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "description": {"type": ["string", "null"], "maxLength": 2000},
          "source_modality": {"$ref": "#/components/schemas/SourceModality"},
          "monetization_mode": {"$ref": "#/components/schemas/MonetizationMode"},
          "pricing_model": {"$ref": "#/components/schemas/PricingModel"},
          "visibility": {"$ref": "#/components/schemas/Visibility"},
          "status": {"$ref": "#/components/schemas/Status"}
        }
      },
      "DatasetPage": {
        "type": "object",
        "additionalProperties": false,
        "required": ["datasets", "total", "next_cursor"],
        "properties": {
          "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}},
          "total": {"type": "integer", "minimum": 0, "description": "Every dataset matching the filters, not just this page."},
          "next_cursor": {"type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last page."}
        }
      },
      "RequestId": {"type": "string", "pattern": "^req_[0-9a-f]{12}$"},
      "DatasetEnvelope": {
        "type": "object",
        "additionalProperties": false,
        "required": ["data", "request_id", "timestamp"],
        "properties": {
          "data": {"$ref": "#/components/schemas/Dataset"},
          "request_id": {"$ref": "#/components/schemas/RequestId"},
          "timestamp": {"$ref": "#/components/schemas/Timestamp"}
        }
      },
      "DatasetPageEnvelope": {
        "type": "object",
        "additionalProperties": false,
        "required": ["data", "request_id", "timestamp"],
        "properties": {
          "data": {"$ref": "#/components/schemas/DatasetPage"},
          "request_id": {"$ref": "#/components/schemas/RequestId"},
          "timestamp": {"$ref": "#/components/schemas/Timestamp"}
        }
      },
      "EmptyEnvelope": {
        "type": "object",
        "additionalProperties": false,
        "required": ["data", "request_id", "timestamp"],
        "properties": {
          "data": {"type": "object", "maxProperties": 0},
          "request_id": {"$ref": "#/components/schemas/RequestId"},
          "timestamp": {"$ref": "#/components/schemas/Timestamp"}
        }
      },
      "Error": {
        "type": "object",
        "additionalProperties": false,
        "required": ["code", "message"],
        "properties": {
          "code": {"type": "string", "enum": ["invalid_json", "bad_request", "invalid_cursor", "ambiguous_credentials", "unauthenticated", "invalid_credentials", "insufficient_scope", "forbidden", "not_found", "method_not_allowed", "idempotency_conflict", "conflict", "precondition_failed", "payload_too_large", "rate_limited", "uri_too_long", "unsupported_media_type", "range_not_satisfiable", "validation_error", "internal_error", "unavailable"]},
          "message": {"type": "string", "description": "For a person: what was wrong and what is allowed."},
          "field": {"type": "string", "description": "The one field (or query parameter, or header) at fault; absent when there is none."}
        }
      },
      "ErrorEnvelope": {
        "type": "object",
        "additionalProperties": false,
        "required": ["error", "request_id", "timestamp"],
        "properties": {
          "error": {"$ref": "#/components/schemas/Error"},
          "request_id": {"$ref": "#/components/schemas/RequestId"},
          "timestamp": {"$ref": "#/components/schemas/Timestamp"}
        }
      },
      "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}
      }
    },
    "responses": {
      "BadRequest": {
        "description": "invalid_json (the body is not JSON), bad_request (an unknown or repeated query parameter, a malformed header or request), invalid_cursor, or ambiguous_credentials (both Authorization and X-API-Key).",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "Unauthorized": {
        "description": "unauthenticated (no credential) or invalid_credentials (unknown, malformed, revoked or expired).",
        "headers": {
          "WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"},
          "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "Forbidden": {
        "description": "insufficient_scope (the message names the scope needed) or forbidden (the dataset is visible but owned by another tenant).",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "NotFound": {
        "description": "not_found: no such dataset visible to the caller, or no such endpoint.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "MethodNotAllowed": {
        "description": "method_not_allowed: the path exists but not with this method.",
        "headers": {
          "Allow": {"$ref": "#/components/headers/Allow"},
          "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "Conflict": {
        "description": "idempotency_conflict: the Idempotency-Key was used with another body.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "PreconditionFailed": {
        "description": "precondition_failed: If-Match did not match the dataset's current ETag; nothing was changed.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "PayloadTooLarge": {
        "description": "payload_too_large: the body is over 1 MiB (1048576 bytes).",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "UriTooLong": {
        "description": "uri_too_long: the request URI is over 8 KiB.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "RangeNotSatisfiable": {
        "description": "range_not_satisfiable: the Range header could not be parsed.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "UnsupportedMediaType": {
        "description": "unsupported_media_type: the body is not sent as application/json, or is compressed (Content-Encoding).",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "ValidationError": {
        "description": "validation_error: a field of the wrong type, a value outside its set, an unknown or read-only field, a body that is not an object, or a bad query value; field names it.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "InternalError": {
        "description": "internal_error: nothing of the cause is shown; quote the request_id.",
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "RateLimited": {
        "description": "rate_limited: the tenant is over the rate an operator set for it (a token bucket shared by every front); retry after Retry-After seconds. RateLimit-* fields as in the IETF draft on RateLimit header fields for HTTP (draft-ietf-httpapi-ratelimit-headers-06).",
        "headers": {
          "Retry-After": {"$ref": "#/components/headers/RetryAfter"},
          "RateLimit-Policy": {"description": "burst;w=seconds for a full bucket to refill", "schema": {"type": "string"}},
          "RateLimit-Limit": {"description": "the burst: requests a full bucket holds", "schema": {"type": "integer"}},
          "RateLimit-Remaining": {"description": "requests left now, across every front", "schema": {"type": "integer"}},
          "RateLimit-Reset": {"description": "seconds until the bucket is full again", "schema": {"type": "integer"}},
          "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      },
      "Unavailable": {
        "description": "unavailable: the database is unreachable or the server is saturated; retry after Retry-After seconds.",
        "headers": {
          "Retry-After": {"$ref": "#/components/headers/RetryAfter"},
          "X-Request-Id": {"$ref": "#/components/headers/XRequestId"}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
      }
    }
  }
})json";

}  // namespace

std::string_view openapi_document() { return kDocument; }

}  // namespace ipto::front
