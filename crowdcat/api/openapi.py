"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""
from __future__ import annotations

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    """A JSON response object."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "crowdcat keying API",
        "version": "1",
        "description": (
            "Key catalog entries from scanned archival pages. Authenticate with a personal "
            "token (profile page, or `crowdcat create-token EMAIL`) sent as "
            "`Authorization: Bearer TOKEN`. Blind keying: no response ever contains "
            "another volunteer's values."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/projects": {"get": {
            "summary": "Active projects",
            "responses": {"200": _json({"type": "object", "properties": {
                "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}
            }}, "The projects open for keying"), "401": _json(_ERROR, "No valid token")},
        }},
        "/projects/{slug}/next": {"post": {
            "summary": "Reserve the next page",
            "description": "Resumes the page this volunteer already holds in the project.",
            "parameters": [{"name": "slug", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/ReservedPage"}, "The reserved page"),
                "204": {"description": "Nothing is left for this volunteer in this project"},
                "401": _json(_ERROR, "No valid token"),
                "404": _json(_ERROR, "No such active project"),
            },
        }},
        "/pages/{page_id}/submissions": {"post": {
            "summary": "Submit typed values, or skip the page",
            "parameters": [{"name": "page_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [
                    {"type": "object", "required": ["values"], "properties": {"values": {
                        "type": "object", "additionalProperties": {"type": "string"},
                        "description": "Field key -> value as typed (dates and numbers as "
                                       "written on the page, e.g. 民國三十七年五月十日)"}}},
                    {"type": "object", "required": ["skip"], "properties": {"skip": {
                        "type": "string",
                        "enum": ["illegible", "blank", "not_catalog", "other"]}}},
                ]}}}},
            "responses": {
                "201": _json({"$ref": "#/components/schemas/Submission"}, "Stored"),
                "400": _json(_ERROR, "Neither values nor skip"),
                "401": _json(_ERROR, "No valid token"),
                "404": _json(_ERROR, "No such page open for keying"),
                "409": _json(_ERROR, "Already keyed by this volunteer, or no longer needed"),
                "422": _json({"allOf": [_ERROR, {"type": "object", "properties": {
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}}}}]},
                    "Some values were refused (per-field messages); nothing was stored"),
            },
        }},
        "/pages/{page_id}/reservation": {"post": {
            "summary": "Extend the hold on a page being keyed",
            "parameters": [{"name": "page_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {
                "200": _json({"type": "object", "properties": {
                    "reserved_until": {"type": "string", "format": "date-time"}}}, "Renewed"),
                "409": _json(_ERROR, "The page is no longer held for this volunteer"),
            },
        }},
        "/pages/{page_id}/image": {"get": {
            "summary": "The scan of a page open for keying",
            "parameters": [{"name": "page_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The image",
                                  "content": {"image/jpeg": {}}},
                          "404": _json(_ERROR, "No such page open for keying")},
        }},
        "/parse-date": {"get": {
            "summary": "How a typed date is read (no token needed)",
            "security": [],
            "parameters": [{"name": "value", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "iso": {"type": ["string", "null"], "examples": ["1948-05-10"]},
                "precision": {"type": ["string", "null"], "enum": ["year", "month", "day", None]},
            }}, "The ISO 8601 reading, or nulls")},
        }},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "properties": {
                "error": {"type": "integer"}, "message": {"type": "string"}}},
            "Project": {"type": "object", "properties": {
                "slug": {"type": "string"}, "title": {"type": "string"},
                "description": {"type": "string"},
                "instructions": {"type": "string", "description": "Markdown"},
                "reservation_minutes": {"type": "integer"}}},
            "Field": {"type": "object", "properties": {
                "key": {"type": "string"},
                "kind": {"enum": ["text", "long_text", "integer", "date", "select", "reference"]},
                "label": {"type": "object", "additionalProperties": {"type": "string"}},
                "help": {"type": "object", "additionalProperties": {"type": "string"}},
                "required": {"type": "boolean"},
                "choices": {"type": "array", "items": {"type": "string"}},
                "default": {"type": ["string", "null"]}}},
            "ReservedPage": {"type": "object", "properties": {
                "page_id": {"type": "integer"}, "sequence": {"type": "integer"},
                "project": {"type": "string"},
                "image_url": {"type": "string", "format": "uri"},
                "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}},
                "prefill": {"type": "object", "description": "Fixed imported values, not keyed"},
                "reserved_until": {"type": "string", "format": "date-time"}}},
            "Submission": {"type": "object", "properties": {
                "id": {"type": "integer"}, "page_id": {"type": "integer"},
                "values": {"type": ["object", "null"]}, "skip": {"type": ["string", "null"]},
                "submitted_at": {"type": "string", "format": "date-time"},
                "duration_seconds": {"type": ["integer", "null"]}}},
        },
    },
}
