"""The OpenAPI 3.1 description served at /api/v1/openapi.json."""
from __future__ import annotations

from crowdcat.services.keying.validation import MAX_ROWS

_ERROR = {"$ref": "#/components/schemas/Error"}

# Errors any request may meet, besides those its operation lists.
_ALWAYS = {
    "400": "The request could not be read",
    "405": "The address does not take this method",
    "413": "The request body is too large",
    "429": "Too many requests: wait (Retry-After) and try again",
    "500": "Something went wrong on the server; nothing was half-saved",
}


def _json(schema: dict, description: str) -> dict:
    """A JSON response object."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(**described: str) -> dict:
    """Error responses (status -> description, as keyword e_404="..."), each the Error shape."""
    statuses = _ALWAYS | {key.removeprefix("e_"): text for key, text in described.items()}
    return {status: _json(_ERROR, text) for status, text in sorted(statuses.items())}


SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "crowdcat keying API",
        "version": "1",
        "description": (
            "Key catalog entries from scanned archival documents. The unit keyed is an item "
            "(件: one archival file), shown by its scanned images (頁) in order. Authenticate "
            "with a personal token (profile page, or `crowdcat create-token EMAIL`) sent as "
            "`Authorization: Bearer TOKEN`. Blind keying: no response ever contains "
            "another volunteer's values. Restricted items and their images never reach "
            "volunteers. The addresses of API version 1 before items, /pages/{id}/..., "
            "answer 308 to the /items/{id}/... and /images/{id} ones."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/projects": {"get": {
            "summary": "Active projects",
            "responses": {"200": _json({"type": "object", "properties": {
                "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}
            }}, "The projects open for keying"), **_errors(e_401="No valid token")},
        }},
        "/projects/{slug}/next": {"post": {
            "summary": "Reserve the next item",
            "description": "Resumes the item this volunteer already holds in the project.",
            "parameters": [{"name": "slug", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/ReservedItem"}, "The reserved item"),
                "204": {"description": "Nothing is left for this volunteer in this project"},
                **_errors(e_401="No valid token", e_404="No such active project",
                          e_409="No item can be given now"),
            },
        }},
        "/items/{item_id}/submissions": {"post": {
            "summary": "Submit typed values, or skip the item",
            "parameters": [{"name": "item_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [
                    {"type": "object", "anyOf": [{"required": ["values"]},
                                                 {"required": ["rows"]}], "properties": {
                        "values": {
                            "type": "object", "additionalProperties": {"type": "string"},
                            "description": "Field key -> value as typed (dates and numbers "
                                           "as written in the document, e.g. "
                                           "民國三十七年五月十日); on a list item, its header "
                                           "fields (part \"header\")"},
                        "rows": {
                            "type": "array", "minItems": 1, "maxItems": MAX_ROWS,
                            "items": {"type": "object",
                                      "additionalProperties": {"type": "string"}},
                            "description": "A list item's rows in list order (required for "
                                           "the items of a project whose fields include a "
                                           "part \"row\" field; refused for any other item): "
                                           "each row field key -> value as typed. A cell "
                                           "typed 同上, 仝上 or 〃 takes the value of the row "
                                           "above; the typed form is kept."}}},
                    {"type": "object", "required": ["skip"], "properties": {"skip": {
                        "type": "string",
                        "enum": ["illegible", "blank", "not_catalog", "other"]}}},
                ]}}}},
            "responses": {
                "201": _json({"$ref": "#/components/schemas/Submission"}, "Stored"),
                **_errors(
                    e_400="Not a JSON object with either values or skip",
                    e_401="No valid token", e_403="Not allowed for this volunteer",
                    e_404="No such item open for keying",
                    e_409="Already keyed by this volunteer (code already_submitted), not "
                          "given to this volunteer (code not_assigned), or no longer needed "
                          "(code no_longer_needed)",
                    e_415="The body is not JSON",
                    e_422="Some values were refused (code invalid_values; a message per field "
                          "in error.fields, a row's cell as rows.<n>.<key> with n from 1, "
                          "e.g. rows.3.title), or rows were sent for an item that is not "
                          "keyed as a list (code not_a_list); nothing was stored"),
            },
        }},
        "/items/{item_id}/reservation": {"post": {
            "summary": "Extend the hold on an item being keyed",
            "parameters": [{"name": "item_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {
                "200": _json({"type": "object", "properties": {
                    "reserved_until": {"type": "string", "format": "date-time"}}}, "Renewed"),
                **_errors(e_401="No valid token", e_404="No such item open for keying",
                          e_409="The item is no longer held for this volunteer (code not_held)"),
            },
        }},
        "/images/{image_id}": {"get": {
            "summary": "One scanned image of an item (web size, JPEG)",
            "description": "The `url` of an image in a reserved item. A volunteer gets the "
                           "images of an item given to them or keyed by them; staff those of "
                           "every item open for keying.",
            "parameters": [{"name": "image_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The image",
                                  "content": {"image/jpeg": {}}},
                          "304": {"description": "Not modified (If-None-Match)"},
                          **_errors(e_401="No valid token",
                                    e_404="No such image of an item this volunteer may see")},
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
            "Error": {
                "description": "Every error answer of the API (any 4xx or 5xx status).",
                "type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string", "description": "A short machine code",
                                 "examples": ["not_found", "invalid_values", "unauthorized"]},
                        "message": {"type": "string",
                                    "description": "What happened, in the user's language"},
                        "fields": {"type": "object",
                                   "additionalProperties": {"type": "string"},
                                   "description": "Field key -> message, for the fields "
                                                  "the refusal names"},
                    }}}},
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
                "default": {"type": ["string", "null"]},
                "part": {"enum": ["header", "row"],
                         "description": "Where a list item keys the field: \"row\", a "
                                        "column of its grid (once per row, in \"rows\"); "
                                        "\"header\", once per item (in \"values\"). An "
                                        "item is a list when any of its fields is a row "
                                        "field."}}},
            "Image": {"type": "object", "required": ["url", "width", "height"], "properties": {
                "url": {"type": "string", "format": "uri",
                        "description": "GET it with the token (/images/{image_id})"},
                "width": {"type": "integer", "description": "Of the original, in pixels"},
                "height": {"type": "integer", "description": "Of the original, in pixels"}}},
            "ReservedItem": {"type": "object", "required": [
                "item_id", "images", "fields", "reserved_until"], "properties": {
                "item_id": {"type": "integer"}, "sequence": {"type": "integer"},
                "project": {"type": "string"},
                "images": {"type": "array", "items": {"$ref": "#/components/schemas/Image"},
                           "description": "The item's images in reading order (page 1 first)"},
                "image_url": {"type": ["string", "null"], "format": "uri",
                              "deprecated": True,
                              "description": "The first image's url (images[0].url)"},
                "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}},
                "prefill": {"type": "object", "description": "Fixed imported values, not keyed"},
                "reserved_until": {"type": "string", "format": "date-time"}}},
            "Submission": {"type": "object", "properties": {
                "id": {"type": "integer"}, "item_id": {"type": "integer"},
                "values": {"type": ["object", "null"]}, "skip": {"type": ["string", "null"]},
                "rows": {"type": "array", "items": {"type": "object"},
                         "description": "A list item's rows as typed (list items only)"},
                "submitted_at": {"type": "string", "format": "date-time"},
                "duration_seconds": {"type": ["integer", "null"]}}},
        },
    },
}
