//! The event store: documents, event mentions, casualty claims, fused events and the
//! analysts' merge/split decisions, in an embedded SQLite database.
//!
//! - **Input** is the result record of `shared/spec/output.md` (JSON text made by
//!   `sitrep-output`; only its `doc`, `events` and `contradictions` are parsed, so a huge
//!   document's long lists of dates and places cost no memory beyond the text), so offsets are already code points and the store never
//!   re-derives anything the extractor decided.
//! - **Idempotent.** A document is keyed by the hash of its whitespace-normalised text
//!   and by its URL; putting it again adds nothing. Each batch is one transaction, so a
//!   killed ingest leaves whole documents or nothing, and the next run puts what is
//!   missing.
//! - **Fusion** ([`Store::fuse`]) recomputes the fused events from every mention and every
//!   decision in one transaction (`sitrep-fuse` decides which mentions form an event and,
//!   in `sitrep_fuse::meaning`, what it says: tolls, contradictions, summaries; this crate
//!   reads the typed columns, parses each mention's record once, and writes the result).
//!   A `dirty` flag, set in the same transaction as new documents, says whether fusion
//!   is due, so an ingest killed between the two is finished by the next one.
//! - **Decisions and re-analysis.** Analyst decisions (`decisions.rs`) keep anchors on
//!   what their mentions reported and who made them when; re-analysis (`reanalysis.rs`)
//!   brings stored documents to a new extractor in resumable batches, archives the
//!   analysis it replaces, re-attaches every decision or says why it no longer applies,
//!   and reports what changed. Putting a document (`put.rs`) keys its mentions on their
//!   triggers, so unchanged events keep their ids.
//! - **Narrow interface.** Callers use [`Store`]: put, fuse, query, decide. The views it
//!   returns are JSON values in the API's shape, so a PostgreSQL backend can implement the
//!   same methods without touching extraction or the server.
//!
//! - **Watch state** (`watch.rs`): for `sitrep watch`, each source's validators and
//!   back-off, the item URLs seen, alert rules and fired alerts. A poll's documents, items
//!   and source state commit in one transaction.
//!
//! Schema: `schema.rs` (versioned with `PRAGMA user_version`, migrated on open). WAL mode,
//! foreign keys on, a 5 s busy timeout.

mod acled;
mod clock;
mod decisions;
mod documents;
mod fusion;
mod put;
mod query;
mod reanalysis;
mod rows;
mod schema;
mod watch;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use sitrep_core::EventQuery;

pub use clock::{format_micros, parse_instant};
pub use decisions::{Anchor, Reattached};
pub use query::Format;
pub use reanalysis::{Reanalysed, Run, Stored};
pub use rows::{AtRow, ClaimRow, DocumentRow, EventRow, MentionRow, NO_MONTH, PartyRow};
pub use sitrep_fuse::Params as FuseParams;
pub use watch::{ALERT_ATTEMPTS, NewAlert, SeenItem, SourceState};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "the disk is full (or the file size limit was reached) while writing the database; nothing partial was kept: free space and run again ({0})"
    )]
    DiskFull(rusqlite::Error),
    #[error("the database is locked by another process{}; try again when it is done ({source})", waited_note(*.waited))]
    Locked { source: rusqlite::Error, waited: Option<std::time::Duration> },
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the database has schema version {found}, newer than this sitrep knows ({known}); upgrade sitrep")]
    TooNew { found: i64, known: i64 },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Whether this says the database cannot be written here (read-only file or mount).
    pub fn cannot_write(&self) -> bool {
        match self {
            Error::Sqlite(e) => e
                .sqlite_error()
                .is_some_and(|f| matches!(f.code, rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)),
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        match e.sqlite_error() {
            // SQLITE_FULL, or SQLITE_IOERR_WRITE (778: what a write refused for lack of
            // space or a file-size limit gives).
            Some(f) if f.code == ErrorCode::DiskFull || f.extended_code == 778 => Error::DiskFull(e),
            Some(f) if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Error::Locked { source: e, waited: None }
            }
            _ => Error::Sqlite(e),
        }
    }
}

/// A path as the path part of an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' | b' ' | 0..0x20 | 0x7F.. => out.push_str(&format!("%{b:02X}")),
            _ => out.push(char::from(b)),
        }
    }
    out
}

/// How long a write waited for the lock, as the message says it.
fn waited_note(waited: Option<std::time::Duration>) -> String {
    waited.map(|w| format!(" (gave up after waiting {:.1} s)", w.as_secs_f64())).unwrap_or_default()
}

/// Runs a write, noting in a lock error how long it actually waited.
fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let start = std::time::Instant::now();
    f().map_err(|e| match e {
        Error::Locked { source, .. } => Error::Locked { source, waited: Some(start.elapsed()) },
        e => e,
    })
}

/// A document ready to be stored: the article, where it came from, and its result record.
pub struct NewDocument<'a> {
    pub doc: &'a sitrep_core::Document,
    /// File, line or record it was read from.
    pub origin: &'a str,
    /// Hash of the normalised text (`sitrep_ingest::content_hash`).
    pub content_hash: &'a str,
    /// The result record as JSON text (`sitrep_output::to_string`).
    pub record: &'a str,
    /// What made the record (`sitrep_extract::Config::identity`).
    pub analysed_by: &'a str,
}

/// What putting one document did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    Added,
    /// Same content hash or URL already stored.
    Duplicate,
}

/// `(document id, event id, event type, status, largest killed figure)` of one mention.
pub type MentionEvent = (String, String, String, String, Option<u64>);

/// What a fusion run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FusionReport {
    /// Mentions and events in the store after fusion.
    pub mentions: usize,
    pub events: usize,
    /// Mentions fused again (all of them in a full fusion; the new ones and those they
    /// could meet in an incremental one).
    pub refused: usize,
}

/// Counts for progress and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub documents: u64,
    pub mentions: u64,
    pub claims: u64,
    pub events: u64,
    pub decisions: u64,
}

/// The event store (SQLite backend).
pub struct Store {
    conn: Connection,
    /// When the transaction under way happens (`clock.rs`).
    clock: clock::Clock,
    /// The archived analysis this connection reads instead of the live one, if any.
    analysis: Option<i64>,
}

impl Store {
    /// Opens (creating and migrating) the database at `path`.
    ///
    /// Several processes opening one new database at once race for the switch to WAL and
    /// the first migration; SQLite answers some of those races "locked" at once, without
    /// calling the busy handler (a lock upgrade that could deadlock). Such a failure is
    /// retried from the start for up to 10 s, as the busy timeout would have waited.
    pub fn open(path: &Path) -> Result<Store> {
        let start = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(5);
        timed(|| {
            loop {
                match Store::open_once(path) {
                    Err(Error::Locked { .. }) if start.elapsed() < std::time::Duration::from_secs(10) => {
                        std::thread::sleep(pause);
                        pause = (pause * 2).min(std::time::Duration::from_millis(200));
                    }
                    other => return other,
                }
            }
        })
    }

    fn open_once(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        // Before anything is written (WAL mode, migrations): not another application's file.
        // (Read with the busy timeout: another process may be creating or migrating it.)
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let peek = Store { conn, clock: clock::Clock::default(), analysis: None };
        peek.check_ours(path)?;
        Store::setup(peek.conn)
    }

    /// A private in-memory store (tests, evaluation).
    pub fn in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?)
    }

    /// Opens an existing database for reading only.
    ///
    /// Where nothing can be written (a read-only mount, a file the user may not write, so
    /// that SQLite cannot create the WAL index beside it) the file is opened immutable:
    /// queries work, and a concurrent writer is impossible there anyway.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let (store, v) = match Store::read_only_with(Connection::open_with_flags(path, flags), path) {
            Err(e) if e.cannot_write() && path.exists() => {
                let uri = format!("file:{}?immutable=1", uri_path(path));
                Store::read_only_with(
                    Connection::open_with_flags(uri, flags | rusqlite::OpenFlags::SQLITE_OPEN_URI),
                    path,
                )?
            }
            other => other?,
        };
        let known = schema::MIGRATIONS.len() as i64;
        if v > known {
            return Err(Error::TooNew { found: v, known });
        }
        if v < known {
            return Err(Error::Invalid(format!(
                "{}: schema version {v}, this sitrep uses {known}; the next `sitrep ingest --db {}` migrates it",
                path.display(),
                path.display()
            )));
        }
        Ok(store)
    }

    /// A read connection and its schema version, once the database is known to be
    /// sitrep's. Reading the schema is what fails where the WAL index cannot be made.
    fn read_only_with(conn: rusqlite::Result<Connection>, path: &Path) -> Result<(Store, i64)> {
        let conn = conn?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let store = Store::with_clock(conn)?;
        let v = store.version()?;
        store.check_ours(path)?;
        Ok((store, v))
    }

    /// Refuses a database that holds another application's tables: a sitrep database is
    /// empty (new) or has sitrep's own tables.
    fn check_ours(&self, path: &Path) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let tables = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        let ours = ["documents", "events", "meta"].iter().all(|t| tables.iter().any(|x| x == t));
        if tables.is_empty() || ours {
            return Ok(());
        }
        let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
        Err(Error::Invalid(format!(
            "{} is not a sitrep database (it holds other tables: {}{}); nothing was changed: give another --db",
            path.display(),
            shown.join(", "),
            if tables.len() > shown.len() { ", ..." } else { "" }
        )))
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Every write transaction takes the write lock at once, so that the busy timeout
        // applies (a deferred one that upgrades fails at once when another writer won).
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A 64 MiB page cache and memory-mapped reads: fusion rereads every mention.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "mmap_size", 268435456)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let mut store = Store::with_clock(conn)?;
        store.migrate()?;
        Ok(store)
    }

    /// The connection with the store's SQL functions and its clock: `sitrep_now()` (what
    /// the history triggers and `put` write) is one instant per transaction.
    fn with_clock(mut conn: Connection) -> Result<Store> {
        query::register_functions(&conn)?;
        let clock = clock::Clock::default();
        let c = clock.clone();
        conn.create_scalar_function("sitrep_now", 0, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |_| {
            Ok(c.now())
        })?;
        let (c, r) = (clock.clone(), clock.clone());
        conn.commit_hook(Some(move || {
            c.end_transaction();
            false
        }))?;
        conn.rollback_hook(Some(move || r.end_transaction()))?;
        Ok(Store { conn, clock, analysis: None })
    }

    fn version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let known = schema::MIGRATIONS.len() as i64;
        let found = self.version()?;
        if found > known {
            return Err(Error::TooNew { found, known });
        }
        for (v, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            // Another process may have migrated while this one waited for the lock.
            let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now > v as i64 {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", v as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Whether this connection can write (not a read-only file, mount or directory); a
    /// database busy with another writer counts as writable.
    pub fn can_write(&self) -> bool {
        if self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return false;
        }
        match self.conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
            Ok(()) => true,
            Err(e) => !Error::from(e).cannot_write(),
        }
    }

    /// Schema version of this database.
    pub fn schema_version(&self) -> Result<i64> {
        self.version()
    }

    /// Whether a document with this content hash or URL is stored.
    pub fn contains(&self, content_hash: &str, url: Option<&str>) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE content_hash = ?1 OR (?2 IS NOT NULL AND url = ?2)")?;
        Ok(st.exists(params![content_hash, url])?)
    }

    /// Stores documents with their mentions and claims, all in one transaction; marks
    /// fusion as due when anything was added.
    pub fn put(&mut self, docs: &[NewDocument<'_>]) -> Result<Vec<Put>> {
        timed(|| self.put_now(docs))
    }

    fn put_now(&mut self, docs: &[NewDocument<'_>]) -> Result<Vec<Put>> {
        let tx = self.conn.transaction()?;
        let out = put::put_all(&tx, docs)?;
        tx.commit()?;
        Ok(out)
    }

    /// The input files stored before, as (canonical path, size, modification time in ns),
    /// so that an unchanged file is skipped without being read.
    pub fn known_files(&self) -> Result<std::collections::HashMap<String, (u64, i64)>> {
        let mut st = self.conn.prepare_cached("SELECT path, size, mtime_ns FROM files")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, (u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0), r.get::<_, i64>(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records input files whose every article is stored (see [`Store::known_files`]).
    pub fn mark_files(&mut self, files: &[(String, u64, i64)]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        timed(|| {
            let tx = self.conn.transaction()?;
            for (path, size, mtime) in files {
                tx.prepare_cached("INSERT OR REPLACE INTO files(path, size, mtime_ns) VALUES (?1, ?2, ?3)")?
                    .execute(params![path, i64::try_from(*size).unwrap_or(i64::MAX), mtime])?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Whether documents were added since the last fusion.
    pub fn fusion_due(&self) -> Result<bool> {
        let v: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'fusion_due'", [], |r| r.get(0)).optional()?;
        Ok(v.as_deref() == Some("1"))
    }

    /// Fuses what is due: the mentions added since the last fusion with those they could
    /// meet (incremental), or every mention when the store asks for it (a migrated store,
    /// a finished re-analysis) or when most mentions are new.
    pub fn fuse(&mut self, params: &sitrep_fuse::Params) -> Result<FusionReport> {
        self.run_fusion(params, false)
    }

    /// Recomputes every fused event from every mention and decision.
    pub fn fuse_all(&mut self, params: &sitrep_fuse::Params) -> Result<FusionReport> {
        self.run_fusion(params, true)
    }

    fn run_fusion(&mut self, params: &sitrep_fuse::Params, all: bool) -> Result<FusionReport> {
        timed(|| {
            let tx = self.conn.transaction()?;
            let flag: Option<String> =
                tx.query_row("SELECT value FROM meta WHERE key = 'fusion_full'", [], |r| r.get(0)).optional()?;
            let pending: i64 = tx.query_row("SELECT count(*) FROM fusion_pending", [], |r| r.get(0))?;
            let total: i64 = tx.query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))?;
            let full = all || flag.as_deref() == Some("1") || pending * 2 >= total;
            let report = if full { fusion::refuse(&tx, params)? } else { fusion::refuse_pending(&tx, params)? };
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_due', '0')", [])?;
            // A counter of fusions, so that readers (the dashboard) see that events changed.
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('fusions', '1')
                 ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
                [],
            )?;
            tx.commit()?;
            Ok(report)
        })
    }

    /// Every mention with its document id, event, type, status and largest killed figure,
    /// in document order (for evaluation and diagnostics).
    pub fn mention_events(&self) -> Result<Vec<MentionEvent>> {
        let mut st = self.conn.prepare(
            "SELECT d.ext_id, em.event, m.event_type, m.status, m.killed_high FROM mentions m
             JOIN documents d ON d.id = m.doc JOIN event_members em ON em.mention = m.id ORDER BY d.id, m.idx",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, Option<i64>>(4)?.map(|x| x as u64)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Row counts.
    pub fn counts(&self) -> Result<Counts> {
        let c = |t: &str| -> Result<u64> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(Counts {
            documents: c("documents")?,
            mentions: c("mentions")?,
            claims: c("claims")?,
            events: c("events")?,
            decisions: c("decisions")?,
        })
    }

    /// SQLite's integrity check plus the store's own invariants (every mention in exactly
    /// one event after fusion, FTS in step with documents). Returns the problems found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        for r in st.query_map([], |r| r.get::<_, String>(0))? {
            let r = r?;
            if r != "ok" {
                problems.push(r);
            }
        }
        let fk: i64 = self.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if fk > 0 {
            problems.push(format!("{fk} foreign-key violations"));
        }
        if !self.fusion_due()? {
            let orphans: i64 = self.conn.query_row(
                "SELECT count(*) FROM mentions WHERE id NOT IN (SELECT mention FROM event_members)",
                [],
                |r| r.get(0),
            )?;
            if orphans > 0 {
                problems.push(format!("{orphans} mentions in no event"));
            }
        }
        let (counted, kept): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT n FROM counters WHERE name = 'documents')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if counted != kept {
            problems.push(format!("{counted} documents, counted as {kept}"));
        }
        // The history's current versions are the live rows, one each.
        for (live, versions, key) in
            [("events", "event_versions", "id"), ("event_members", "member_versions", "mention")]
        {
            let (n, open, distinct): (i64, i64, i64) = self.conn.query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM {live}), count(*), count(DISTINCT {key}) FROM {versions} WHERE valid_to IS NULL"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if (open, distinct) != (n, n) {
                problems.push(format!("{versions}: {open} current versions of {distinct} rows for {n} {live}"));
            }
        }
        if let Err(e) = self.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')", []) {
            problems.push(format!("full-text index: {e}"));
        }
        Ok(problems)
    }

    /// Fused events matching the query, one page.
    pub fn events(&self, q: &EventQuery) -> Result<Value> {
        self.check_known(q.as_of.as_deref())?;
        query::events(&self.conn, q)
    }

    /// Every matching event (no paging), in export order, passed to `f` one at a time.
    pub fn each_event(&self, q: &EventQuery, f: &mut dyn FnMut(&Value) -> Result<()>) -> Result<()> {
        self.check_known(q.as_of.as_deref())?;
        query::each_event(&self.conn, q, f)
    }

    /// One event with its tolls, contradictions and mentions (evidence and highlights).
    pub fn event(&self, id: &str) -> Result<Value> {
        query::event(&self.conn, id, None)
    }

    /// One event as it stood at the instant `as_of` (`parse_instant`'s form): its version
    /// then and the reports that were its members then; `NotFound` if it did not exist.
    pub fn event_as_of(&self, id: &str, as_of: Option<&str>) -> Result<Value> {
        self.check_known(as_of)?;
        query::event(&self.conn, id, as_of)
    }

    /// Events and fatalities per day, country or type.
    pub fn stats(&self, by: &str, q: &EventQuery) -> Result<Value> {
        self.check_known(q.as_of.as_deref())?;
        query::stats(&self.conn, by, q)
    }

    /// Documents, one page (newest first, undated last), `offset` rows in.
    pub fn documents(&self, limit: usize, offset: usize) -> Result<Value> {
        documents::documents(&self.conn, limit, offset, None)
    }

    /// Documents, the page after the cursor `after` (the `next` of the page before; a
    /// keyset walk down an index, as fast deep in the store as at its top).
    pub fn documents_after(&self, limit: usize, after: &str) -> Result<Value> {
        documents::documents(&self.conn, limit, 0, Some(after))
    }

    /// One document with its text and result record.
    pub fn document(&self, id: &str) -> Result<Value> {
        documents::document(&self.conn, id)
    }

    /// Writes every matching event in an export format.
    pub fn export(&self, q: &EventQuery, format: Format, out: &mut dyn std::io::Write) -> Result<u64> {
        self.check_known(q.as_of.as_deref())?;
        query::export(&self.conn, q, format, out)
    }
}

#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod tests;
