//! The SQLite schema, one migration per version (`PRAGMA user_version`).

/// Migrations in order; migration `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    ext_id TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    url TEXT UNIQUE,
    source TEXT,
    title TEXT,
    published TEXT,
    lang TEXT,
    origin TEXT NOT NULL,
    names TEXT NOT NULL,
    contradictions TEXT,
    text TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX documents_ext_id ON documents(ext_id);
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    key TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    status TEXT NOT NULL,
    date TEXT,
    date_precision TEXT,
    country TEXT,
    admin1 TEXT,
    place TEXT,
    geonameid INTEGER,
    lat REAL,
    lon REAL,
    precision TEXT,
    parties TEXT NOT NULL,
    killed_low INTEGER,
    killed_high INTEGER,
    record TEXT NOT NULL
);
CREATE INDEX mentions_doc ON mentions(doc);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    mention INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    count INTEGER,
    qualifier TEXT,
    low INTEGER,
    high INTEGER,
    victims_text TEXT,
    victims_country TEXT,
    victims_sector TEXT,
    claimant TEXT,
    claimant_country TEXT,
    claimant_sector TEXT,
    status TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL
);
CREATE INDEX claims_mention ON claims(mention);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    mode TEXT,
    acled_type TEXT,
    acled_sub_type TEXT,
    status TEXT NOT NULL,
    date TEXT,
    date_precision TEXT,
    country TEXT,
    admin1 TEXT,
    place TEXT,
    lat REAL,
    lon REAL,
    precision TEXT,
    fatalities_low INTEGER,
    fatalities_best INTEGER,
    fatalities_high INTEGER,
    injured_low INTEGER,
    injured_best INTEGER,
    injured_high INTEGER,
    n_mentions INTEGER NOT NULL,
    n_documents INTEGER NOT NULL,
    langs TEXT NOT NULL,
    actors TEXT NOT NULL,
    recipients TEXT NOT NULL,
    parties_text TEXT NOT NULL,
    headline TEXT NOT NULL,
    has_contradictions INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX events_order ON events(date, id);
CREATE INDEX events_country ON events(country, date, id);
CREATE INDEX events_type ON events(event_type, date, id);
CREATE INDEX events_status ON events(status, date, id);
CREATE TABLE event_members (
    mention INTEGER PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
    event TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    reasons TEXT NOT NULL
);
CREATE INDEX event_members_event ON event_members(event);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    note TEXT,
    UNIQUE (kind, a, b)
);
"#,
    // v2: input files read to the end and stored, by canonical path, with the size and
    // modification time they had (a rerun skips them without reading them again).
    r#"
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    // v3: re-analysis. Each document records what analysed it and the language its input
    // named; each decision (the table rebuilt: only active decisions are unique) the mentions it is about (anchors: document, trigger, evidence,
    // type, figure), who made it and when, and whether it still applies; each finished
    // re-analysis keeps the analysis it replaced (`*_archive`, the same columns as the live
    // tables, plus the analysis number: a later migration that adds a column to `events`,
    // `event_members` or `mentions` adds it to the archive too).
    r#"
ALTER TABLE documents ADD COLUMN analysed_by TEXT;
ALTER TABLE documents ADD COLUMN lang_hint TEXT;
CREATE INDEX documents_analysed_by ON documents(analysed_by, id);
CREATE TABLE decisions_v3 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    note TEXT,
    a_ref TEXT,
    b_ref TEXT,
    members TEXT,
    made_by TEXT,
    made_at TEXT,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'stale', 'overridden')),
    reason TEXT
);
INSERT INTO decisions_v3(id, kind, a, b, note) SELECT id, kind, a, b, note FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v3 RENAME TO decisions;
CREATE UNIQUE INDEX decisions_active ON decisions(kind, a, b) WHERE state = 'active';
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    extractor TEXT,
    replaced_by TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    documents INTEGER NOT NULL,
    events INTEGER NOT NULL,
    report TEXT,
    kept INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE events_archive AS SELECT 0 AS analysis, * FROM events WHERE 0;
CREATE INDEX events_archive_id ON events_archive(analysis, id);
CREATE TABLE event_members_archive AS SELECT 0 AS analysis, * FROM event_members WHERE 0;
CREATE INDEX event_members_archive_event ON event_members_archive(analysis, event);
CREATE INDEX event_members_archive_mention ON event_members_archive(analysis, mention);
CREATE TABLE mentions_archive AS SELECT 0 AS analysis, * FROM mentions WHERE 0;
CREATE INDEX mentions_archive_id ON mentions_archive(analysis, id);
CREATE INDEX mentions_archive_doc ON mentions_archive(analysis, doc);
"#,
    // v4: `sitrep watch`. What each followed source answered last (validators, when it
    // is due again, failures in a row for the back-off), every item URL seen (so that an
    // item is fetched once), the alert rules in force and the alerts fired. An alert is
    // written before it is sent (`delivered` NULL) and marked once sent, so that a crash
    // between the two resends it rather than losing it. A `baseline` row records an event
    // a new rule found already there (not sent, unless the rule asks for a backfill).
    r#"
CREATE TABLE watch_sources (
    url TEXT PRIMARY KEY,
    name TEXT,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    last_polled INTEGER,
    next_due INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    polls INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE watch_items (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    seen INTEGER NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TABLE alert_rules (
    name TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    updated INTEGER NOT NULL
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    event TEXT NOT NULL,
    fired_at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('new', 'revised', 'baseline')),
    signature TEXT NOT NULL,
    message TEXT NOT NULL,
    payload TEXT NOT NULL,
    delivered INTEGER,
    delivery_error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alerts_rule_event ON alerts(rule, event, id);
"#,
    // v5: incremental fusion. Each mention's date interval as day numbers (from its date,
    // or else its article's publication date) and the interval's length class, indexed by
    // type, so that a new report finds the mentions it can meet without reading the
    // store; the mentions not yet fused; and each proper name's article count and first
    // and last day (what makes a name rare), kept as documents are put. The next fusion
    // of a migrated store is a full one, which fills them.
    r#"
ALTER TABLE mentions ADD COLUMN day_lo INTEGER;
ALTER TABLE mentions ADD COLUMN day_hi INTEGER;
ALTER TABLE mentions ADD COLUMN day_class INTEGER;
ALTER TABLE mentions_archive ADD COLUMN day_lo INTEGER;
ALTER TABLE mentions_archive ADD COLUMN day_hi INTEGER;
ALTER TABLE mentions_archive ADD COLUMN day_class INTEGER;
CREATE INDEX mentions_days ON mentions(event_type, day_class, day_lo);
CREATE INDEX mentions_place ON mentions(geonameid, event_type, day_lo);
CREATE TABLE fusion_pending (mention INTEGER PRIMARY KEY);
CREATE INDEX documents_published ON documents(published, id);
CREATE TABLE name_stats (
    name TEXT PRIMARY KEY,
    docs INTEGER NOT NULL,
    first_day INTEGER,
    last_day INTEGER
) WITHOUT ROWID;
INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_full', '1');
"#,
    // v6: history ("what did we know on day D"). Each document says when it entered the
    // store; every version of every fused event and of every event membership is kept
    // with the instants it was valid from and to (`valid_to` NULL: the current one),
    // written by triggers whatever rewrites events (fusion, a decision, a re-analysis).
    // A row deleted and written again unchanged in one transaction (`sitrep_now()`, the
    // store's clock, is one instant per transaction) stays one version; a version that
    // lived zero time is dropped. A later migration that adds a column to `events` adds it
    // to `event_versions` and to these triggers. History starts here: documents stored
    // before it have no `added_at` (meta `history_since` says when it started). And the
    // number of documents, kept by triggers, so that a listing does not count them; a
    // latitude/longitude index for radius searches (a bounding box, then the distance);
    // status with type or country, the listings' usual pair of filters (covering their
    // counts, fatality floor included).
    r#"
ALTER TABLE documents ADD COLUMN added_at TEXT;
CREATE TABLE event_versions AS SELECT '' AS valid_from, '' AS valid_to, * FROM events WHERE 0;
CREATE INDEX event_versions_id ON event_versions(id, valid_to);
CREATE INDEX event_versions_from ON event_versions(valid_from);
CREATE TABLE member_versions (
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    mention INTEGER NOT NULL,
    mention_key TEXT NOT NULL,
    event TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL
);
CREATE INDEX member_versions_event ON member_versions(event, valid_from);
CREATE INDEX member_versions_mention ON member_versions(mention, valid_to);
INSERT INTO event_versions SELECT sitrep_now(), NULL, * FROM events;
INSERT INTO member_versions SELECT sitrep_now(), NULL, em.mention, m.key, em.event, em.score, em.reasons
    FROM event_members em JOIN mentions m ON m.id = em.mention;
INSERT OR REPLACE INTO meta(key, value) VALUES ('history_since', sitrep_now());
INSERT OR REPLACE INTO meta(key, value) SELECT 'history_before', '1' WHERE EXISTS (SELECT 1 FROM documents);
CREATE INDEX events_latlon ON events(lat, lon);
CREATE INDEX events_status_type ON events(status, event_type, date, fatalities_best);
CREATE INDEX events_status_country ON events(status, country, date, fatalities_best);
CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters SELECT 'documents', count(*) FROM documents;
CREATE TRIGGER documents_count_in AFTER INSERT ON documents BEGIN
    UPDATE counters SET n = n + 1 WHERE name = 'documents';
END;
CREATE TRIGGER documents_count_out AFTER DELETE ON documents BEGIN
    UPDATE counters SET n = n - 1 WHERE name = 'documents';
END;
CREATE TRIGGER events_version_in AFTER INSERT ON events BEGIN
    UPDATE event_versions SET valid_to = NULL
     WHERE id = NEW.id AND valid_to = sitrep_now()
       AND (event_type, mode, acled_type, acled_sub_type, status, date, date_precision, country,
            admin1, place, lat, lon, precision, fatalities_low, fatalities_best,
            fatalities_high, injured_low, injured_best, injured_high, n_mentions, n_documents,
            langs, actors, recipients, parties_text, headline, has_contradictions, detail)
        IS (NEW.event_type, NEW.mode, NEW.acled_type, NEW.acled_sub_type, NEW.status, NEW.date,
            NEW.date_precision, NEW.country, NEW.admin1, NEW.place, NEW.lat, NEW.lon,
            NEW.precision, NEW.fatalities_low, NEW.fatalities_best, NEW.fatalities_high,
            NEW.injured_low, NEW.injured_best, NEW.injured_high, NEW.n_mentions,
            NEW.n_documents, NEW.langs, NEW.actors, NEW.recipients, NEW.parties_text,
            NEW.headline, NEW.has_contradictions, NEW.detail);
    INSERT INTO event_versions SELECT sitrep_now(), NULL,
        NEW.id, NEW.event_type, NEW.mode, NEW.acled_type, NEW.acled_sub_type, NEW.status,
        NEW.date, NEW.date_precision, NEW.country, NEW.admin1, NEW.place, NEW.lat, NEW.lon,
        NEW.precision, NEW.fatalities_low, NEW.fatalities_best, NEW.fatalities_high,
        NEW.injured_low, NEW.injured_best, NEW.injured_high, NEW.n_mentions,
        NEW.n_documents, NEW.langs, NEW.actors, NEW.recipients, NEW.parties_text,
        NEW.headline, NEW.has_contradictions, NEW.detail
     WHERE NOT EXISTS (SELECT 1 FROM event_versions WHERE id = NEW.id AND valid_to IS NULL);
END;
CREATE TRIGGER events_version_out AFTER DELETE ON events BEGIN
    UPDATE event_versions SET valid_to = sitrep_now() WHERE id = OLD.id AND valid_to IS NULL;
    DELETE FROM event_versions WHERE id = OLD.id AND valid_to = valid_from;
END;
CREATE TRIGGER members_version_in AFTER INSERT ON event_members BEGIN
    UPDATE member_versions SET valid_to = NULL
     WHERE mention = NEW.mention AND valid_to = sitrep_now()
       AND (event, score, reasons) IS (NEW.event, NEW.score, NEW.reasons)
       AND mention_key = (SELECT key FROM mentions WHERE id = NEW.mention);
    INSERT INTO member_versions
        SELECT sitrep_now(), NULL, NEW.mention, m.key, NEW.event, NEW.score, NEW.reasons
          FROM mentions m WHERE m.id = NEW.mention
           AND NOT EXISTS (SELECT 1 FROM member_versions WHERE mention = NEW.mention AND valid_to IS NULL);
END;
CREATE TRIGGER members_version_out AFTER DELETE ON event_members BEGIN
    UPDATE member_versions SET valid_to = sitrep_now() WHERE mention = OLD.mention AND valid_to IS NULL;
    DELETE FROM member_versions WHERE mention = OLD.mention AND valid_to = valid_from;
END;
"#,
];
