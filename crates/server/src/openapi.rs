//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`.

use serde_json::{Value, json};

fn param(name: &str, desc: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": desc, "schema": schema})
}

fn filters() -> Vec<Value> {
    vec![
        param(
            "as_of",
            "the dataset as it stood at this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC unless an offset follows (+ written %2B)",
            json!({"type": "string"}),
        ),
        param("from", "first day, YYYY-MM-DD", json!({"type": "string", "format": "date"})),
        param("to", "last day, YYYY-MM-DD", json!({"type": "string", "format": "date"})),
        param(
            "country",
            "ISO 3166-1 alpha-3 of the event's place",
            json!({"type": "string", "pattern": "^[A-Za-z]{3}$"}),
        ),
        param(
            "type",
            "PLOVER event type (ASSAULT, PROTEST, ...)",
            json!({"type": "string", "pattern": "^[A-Za-z]{1,32}$"}),
        ),
        param(
            "status",
            "current, historical, future, hypothetical, negated or any (default: current)",
            json!({"type": "string", "enum": ["current", "historical", "future", "hypothetical", "negated", "any"], "default": "current"}),
        ),
        param(
            "actor",
            "words in an actor's or recipient's name, text or country code",
            json!({"type": "string", "maxLength": 200}),
        ),
        param("min_fatalities", "smallest best fatality estimate", json!({"type": "integer", "minimum": 0})),
        param("q", "full-text search in the reporting articles", json!({"type": "string", "maxLength": 500})),
        param("near", "LAT,LON,KM: events within KM of the point", json!({"type": "string"})),
    ]
}

fn page() -> Vec<Value> {
    vec![
        param(
            "limit",
            "items per page (1-1000, default 50)",
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
        ),
        param("offset", "items to skip", json!({"type": "integer", "minimum": 0})),
    ]
}

/// The document listing's paging: `page()` plus the keyset cursor.
fn doc_page() -> Vec<Value> {
    let mut p = page();
    p.push(param(
        "after",
        "the `next` of the page before: the page after it (cheap at any depth; not with offset)",
        json!({"type": "string"}),
    ));
    p
}

fn ok(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"type": "object"}}}})
}

fn errors() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

/// The document.
pub fn openapi() -> Value {
    let mut list_params = filters();
    list_params.extend(page());
    let mut stats_params =
        vec![param("by", "day, country or type", json!({"type": "string", "enum": ["day", "country", "type"]}))];
    stats_params.extend(filters());
    let id = |what: &str| json!({"name": "id", "in": "path", "required": true, "description": what, "schema": {"type": "string", "maxLength": 512}});
    let write = json!([{"bearer": []}]);
    let n = json!({"name": "n", "in": "path", "required": true, "description": "archived analysis", "schema": {"type": "integer"}});
    let mut archived_params = vec![n.clone()];
    archived_params.extend(list_params.iter().cloned());
    json!({
        "openapi": "3.1.0",
        "info": {"title": "sitrep API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Fused, source-attributed conflict events. Read-only unless the server has a write token."},
        "paths": {
            "/api/events": {"get": {"summary": "List fused events", "parameters": list_params,
                "responses": {"200": ok("{total, limit, offset, items: [EventSummary]}; beside each code its name where known: country_name, admin1_name (and in actors)"), "400": errors()}}},
            "/api/events/{id}": {"get": {"summary": "One event with tolls, contradictions, mentions and evidence; codes with their names (country_name, admin1_name, claimant_country_name)",
                "parameters": [id("event id"), param("as_of", "the event as it stood at this time (its version then and the reports it had then)", json!({"type": "string"}))],
                "responses": {"200": ok("Event"), "400": errors(), "404": errors()}}},
            "/api/events/{id}/split": {"post": {"summary": "Split mentions off an event (analyst decision, kept across re-ingest)",
                "security": write, "parameters": [id("event id")],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["mentions"],
                    "properties": {"mentions": {"type": "array", "items": {"type": "string"}},
                        "by": {"type": "string", "description": "who decides (default \"api\")"}}}}}},
                "responses": {"200": ok("{events: [id]}"), "400": errors(), "401": errors(), "403": errors(), "404": errors()}}},
            "/api/events/merge": {"post": {"summary": "Merge events (analyst decision, kept across re-ingest)", "security": write,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["events"],
                    "properties": {"events": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                        "by": {"type": "string", "description": "who decides (default \"api\")"}}}}}},
                "responses": {"200": ok("{event: id}"), "400": errors(), "401": errors(), "403": errors(), "404": errors()}}},
            "/api/decisions": {"get": {"summary": "Analyst decisions with who made them and when; state=stale lists those that no longer apply after a re-analysis, each with its reason",
                "parameters": [{"name": "state", "in": "query", "schema": {"type": "string", "enum": ["any", "stale"]}}],
                "responses": {"200": ok("{items: [{id, kind, a, b, a_anchor, b_anchor, made_by, made_at, state, reason}]}"), "400": errors()}}},
            "/api/alerts": {"get": {"summary": "The alert rules `sitrep watch` runs, the latest alerts fired (newest first), how the watched sources stand, and a version string that changes when the data do",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}],
                "responses": {"200": ok("{rules: [{name, rule, updated}], alerts: [{id, rule, event, fired_at, kind, message, delivered, delivery_error, attempts, headline}], total, watch: {sources, last_polled, failing, failing_sources: [{url, name, failures, last_status, last_error, next_due}]}, version}"), "400": errors()}}},
            "/api/analyses": {"get": {"summary": "Archived analyses and what each re-analysis changed",
                "responses": {"200": ok("{items: [{analysis, analysed_by, replaced_by, started, finished, documents, events, changes, decisions}]}")}}},
            "/api/analyses/{n}/events": {"get": {"summary": "The events as archived analysis n had them (before re-analysis n)",
                "parameters": archived_params, "responses": {"200": ok("{total, limit, offset, items: [EventSummary]}"), "400": errors(), "404": errors()}}},
            "/api/analyses/{n}/events/{id}": {"get": {"summary": "One event as archived analysis n had it",
                "parameters": [n, id("event id")], "responses": {"200": ok("Event"), "404": errors()}}},
            "/api/stats": {"get": {"summary": "Events and fatalities per day, country or type", "parameters": stats_params,
                "responses": {"200": ok("{by, rows: [{key, events, fatalities}]}; by=country rows also have the country's name"), "400": errors()}}},
            "/api/documents": {
                "get": {"summary": "List documents, newest first (undated last)", "parameters": doc_page(),
                    "responses": {"200": ok("{total, limit, offset, items, next}: next is the cursor of the following page (null on the last)"), "400": errors()}},
                "post": {"summary": "Ingest one article", "security": write,
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"],
                        "properties": {"text": {"type": "string"}, "id": {"type": "string"}, "published": {"type": "string", "format": "date"},
                                       "title": {"type": "string"}, "url": {"type": "string"}, "source": {"type": "string"}, "lang": {"type": "string"}}}}}},
                    "responses": {"201": ok("created"), "200": ok("already stored"), "400": errors(), "401": errors(), "403": errors(), "413": errors()}}},
            "/api/documents/{id}": {"get": {"summary": "One document with its text and result record",
                "parameters": [id("document id")], "responses": {"200": ok("Document"), "404": errors()}}},
            "/api/health": {"get": {"summary": "Liveness", "responses": {"200": ok("{ok: true}")}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": ok("OpenAPI")}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "{error: {status, message}}", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}}}}}},
        },
    })
}
