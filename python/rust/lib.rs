//! `sitrep._sitrep`: the extension module behind the `sitrep` Python package.
//!
//! Thin: each function takes and returns plain values (JSON text for records and events,
//! so Python sees exactly what the CLI writes) and releases the GIL while it works. The
//! Pythonic surface (`extract`, `extract_many`, `Store`, `events_df`) is in
//! `src/sitrep/__init__.py`.

use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use sitrep_core::{Document, EventQuery, Status};
use sitrep_store::{FuseParams, NewDocument, Put, Store as Inner};

create_exception!(_sitrep, SitrepError, PyException, "An error sitrep reports (the message the CLI would print).");

fn err(e: impl std::fmt::Display) -> PyErr {
    SitrepError::new_err(e.to_string())
}

/// A language code of a data pack, or a ValueError listing them.
fn check_lang(lang: Option<&str>) -> PyResult<Option<String>> {
    let Some(l) = lang else { return Ok(None) };
    let l = l.to_ascii_lowercase();
    if sitrep_extract::SUPPORTED.contains(&l.as_str()) {
        Ok(Some(l))
    } else {
        Err(PyValueError::new_err(format!(
            "lang {l:?} has no data pack; supported: {}",
            sitrep_extract::SUPPORTED.join(", ")
        )))
    }
}

/// A real calendar day `YYYY-MM-DD`, or a ValueError (the CLI's check).
fn check_day(day: Option<&str>) -> PyResult<Option<String>> {
    match day {
        None => Ok(None),
        Some(d) if sitrep_dates::Ymd::parse_day(d).is_some() => Ok(Some(d.to_string())),
        Some(d) => Err(PyValueError::new_err(format!("{d:?} is not a date YYYY-MM-DD (a real day, e.g. 2022-09-13)"))),
    }
}

/// The result record of one document as JSON text (the document named after its hash
/// when it has no id).
fn analyse(doc: &mut Document, config: &sitrep_extract::Config) -> (String, String) {
    let hash = sitrep_ingest::content_hash(&doc.text);
    if doc.id.is_empty() {
        doc.id = format!("doc-{}", &hash[..16.min(hash.len())]);
    }
    let a = sitrep_extract::analyze(doc, config);
    (hash, sitrep_output::to_string(doc, &a))
}

/// Analyses documents on `jobs` threads, results in input order.
fn analyse_all(docs: &mut [Document], config: &sitrep_extract::Config, jobs: usize) -> Vec<(String, String)> {
    if jobs <= 1 || docs.len() < 2 {
        return docs.iter_mut().map(|d| analyse(d, config)).collect();
    }
    let chunk = docs.len().div_ceil(jobs);
    std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .chunks_mut(chunk)
            .map(|c| s.spawn(move || c.iter_mut().map(|d| analyse(d, config)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

fn jobs(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

/// extract_json(text, lang=None, published=None, id=None, title=None, url=None) -> str
///
/// The result record of one article as JSON text.
#[pyfunction]
#[pyo3(signature = (text, lang=None, published=None, id=None, title=None, url=None))]
fn extract_json(
    py: Python<'_>,
    text: String,
    lang: Option<&str>,
    published: Option<&str>,
    id: Option<String>,
    title: Option<String>,
    url: Option<String>,
) -> PyResult<String> {
    let config = sitrep_extract::Config { lang: check_lang(lang)?, ..Default::default() };
    let mut doc = Document {
        id: id.unwrap_or_default(),
        text,
        published: check_day(published)?,
        title,
        url,
        ..Document::default()
    };
    Ok(py.detach(move || analyse(&mut doc, &config).1))
}

/// extract_jsonl(lines, jobs=None) -> list[str]
///
/// Result records (JSON text) of articles given as JSON Lines objects (`text`, `id`,
/// `lang`, `published`, `title`, `url`), in order; a line that is not an article gives
/// a record with only an `error`.
#[pyfunction]
#[pyo3(signature = (lines, jobs=None))]
fn extract_jsonl(py: Python<'_>, lines: Vec<String>, jobs: Option<usize>) -> PyResult<Vec<String>> {
    let jobs = self::jobs(jobs);
    Ok(py.detach(move || {
        let config = sitrep_extract::Config::default();
        let items: Vec<Result<Document, String>> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let name = format!("record {}", i + 1);
                match sitrep_ingest::read_bytes(l.as_bytes(), &name, sitrep_ingest::Format::Jsonl).pop() {
                    Some(sitrep_ingest::Item::Article(a)) => Ok(a.doc),
                    Some(sitrep_ingest::Item::Problem(p)) => Err(p.to_string()),
                    None => Err(format!("{name}: empty")),
                }
            })
            .collect();
        let mut docs: Vec<Document> = items.iter().filter_map(|d| d.as_ref().ok().cloned()).collect();
        let mut done = analyse_all(&mut docs, &config, jobs).into_iter();
        items
            .iter()
            .map(|d| match d {
                Ok(_) => done.next().map(|x| x.1).unwrap_or_default(),
                Err(e) => serde_json::json!({ "error": e }).to_string(),
            })
            .collect()
    }))
}

/// The event store (SQLite file), as `sitrep ingest` and `sitrep query` use it.
#[pyclass(module = "sitrep._sitrep")]
struct Store {
    inner: Mutex<Inner>,
    path: PathBuf,
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[pymethods]
impl Store {
    #[new]
    fn new(path: PathBuf) -> PyResult<Store> {
        let shown = path.to_string_lossy();
        if shown.starts_with("postgres://") || shown.starts_with("postgresql://") {
            return Err(err("PostgreSQL stores are not supported yet: give the path of a SQLite database"));
        }
        let inner = Inner::open(&path).map_err(|e| err(format!("cannot open the database {}: {e}", path.display())))?;
        Ok(Store { inner: Mutex::new(inner), path })
    }

    /// ingest(paths, records, lang=None, published=None, jobs=None, batch=256) -> dict
    ///
    /// Reads files and directories (every format `sitrep ingest` reads) and JSON Lines
    /// records, stores what is new, fuses. Returns counts and the problems found.
    #[pyo3(signature = (paths, records, lang=None, published=None, jobs=None, batch=256))]
    #[allow(clippy::too_many_arguments)]
    fn ingest(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        records: Vec<String>,
        lang: Option<&str>,
        published: Option<&str>,
        jobs: Option<usize>,
        batch: usize,
    ) -> PyResult<String> {
        let lang = check_lang(lang)?;
        let published = check_day(published)?;
        for p in &paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(err(format!("nothing to read: {} not found", p.display())));
            }
        }
        let jobs = self::jobs(jobs);
        let inner = &self.inner;
        py.detach(|| {
            let mut store = lock(inner);
            let config = sitrep_extract::Config { lang: lang.clone(), ..Default::default() };
            let extractor = config.identity();
            let mut walker = sitrep_ingest::Walker::new(&paths);
            let from_records = records.iter().enumerate().flat_map(|(i, l)| {
                sitrep_ingest::read_bytes(l.as_bytes(), &format!("record {}", i + 1), sitrep_ingest::Format::Jsonl)
            });
            let items = std::iter::from_fn(|| walker.next()).chain(from_records);
            let (mut read, mut added, mut problems) = (0u64, 0u64, Vec::new());
            let mut pending: Vec<(Document, String)> = Vec::new();
            let flush =
                |pending: &mut Vec<(Document, String)>, store: &mut Inner| -> Result<u64, sitrep_store::Error> {
                    let mut docs: Vec<Document> = pending.iter().map(|(d, _)| d.clone()).collect();
                    let analysed = analyse_all(&mut docs, &config, jobs);
                    let new: Vec<NewDocument<'_>> = docs
                        .iter()
                        .zip(pending.iter())
                        .zip(&analysed)
                        .map(|((d, (_, origin)), (hash, record))| NewDocument {
                            doc: d,
                            origin,
                            content_hash: hash,
                            record,
                            analysed_by: &extractor,
                        })
                        .collect();
                    let puts = store.put(&new)?;
                    pending.clear();
                    Ok(puts.iter().filter(|p| **p == Put::Added).count() as u64)
                };
            for item in items {
                match item {
                    sitrep_ingest::Item::Article(a) => {
                        read += 1;
                        let mut doc = a.doc;
                        doc.published = doc.published.or_else(|| published.clone());
                        if lang.is_some() {
                            doc.lang = lang.clone();
                        }
                        pending.push((doc, a.origin));
                        if pending.len() >= batch.max(1) {
                            added += flush(&mut pending, &mut store).map_err(err)?;
                        }
                    }
                    sitrep_ingest::Item::Problem(p) => problems.push(p.to_string()),
                }
            }
            added += flush(&mut pending, &mut store).map_err(err)?;
            if store.fusion_due().map_err(err)? {
                store.fuse(&FuseParams::default()).map_err(err)?;
            }
            let c = store.counts().map_err(err)?;
            Ok(serde_json::json!({
                "read": read, "added": added, "already_stored": read - added, "problems": problems,
                "documents": c.documents, "events": c.events,
            })
            .to_string())
        })
    }

    /// events_json(filters: dict[str, str], limit=0, offset=0) -> list[str]
    #[pyo3(signature = (country=None, event_type=None, status=None, date_from=None, date_to=None, actor=None, min_fatalities=None, text=None, near=None, as_of=None, limit=0, offset=0))]
    #[allow(clippy::too_many_arguments)]
    fn events_json(
        &self,
        py: Python<'_>,
        country: Option<String>,
        event_type: Option<String>,
        status: Option<String>,
        date_from: Option<&str>,
        date_to: Option<&str>,
        actor: Option<String>,
        min_fatalities: Option<u64>,
        text: Option<String>,
        near: Option<(f64, f64, f64)>,
        as_of: Option<&str>,
        limit: usize,
        offset: usize,
    ) -> PyResult<Vec<String>> {
        let as_of = as_of.map(instant).transpose()?;
        let status = Status::filter(status.as_deref()).map_err(PyValueError::new_err)?;
        let event_type = match event_type {
            None => None,
            Some(t) => {
                let up = t.to_ascii_uppercase();
                let Some(e) = sitrep_core::EventType::ALL.iter().find(|e| e.as_str() == up) else {
                    let all: Vec<&str> = sitrep_core::EventType::ALL.iter().map(|e| e.as_str()).collect();
                    return Err(PyValueError::new_err(format!(
                        "{t:?} is not a PLOVER event type; one of {}",
                        all.join(", ")
                    )));
                };
                Some(e.as_str().to_string())
            }
        };
        if near.is_some_and(|n| n.2 <= 0.0) {
            return Err(PyValueError::new_err("near: (lat, lon, km) with km > 0"));
        }
        let q = EventQuery {
            from: check_day(date_from)?,
            to: check_day(date_to)?,
            country: country.map(|c| c.to_ascii_uppercase()),
            event_type,
            status,
            actor,
            min_fatalities,
            text,
            near,
            as_of,
            // Every match, paged here.
            limit: 0,
            offset: 0,
        };
        let inner = &self.inner;
        py.detach(|| {
            let store = lock(inner);
            let mut out = Vec::new();
            let mut skipped = 0;
            store
                .each_event(&q, &mut |e| {
                    if skipped < offset {
                        skipped += 1;
                    } else if limit == 0 || out.len() < limit {
                        out.push(e.to_string());
                    }
                    Ok(())
                })
                .map_err(err)?;
            Ok(out)
        })
    }

    /// event_json(id, as_of=None) -> str: one event in full (tolls, claims, mentions with
    /// evidence), as it stood at `as_of` if given.
    #[pyo3(signature = (id, as_of=None))]
    fn event_json(&self, py: Python<'_>, id: &str, as_of: Option<&str>) -> PyResult<String> {
        let as_of = as_of.map(instant).transpose()?;
        let inner = &self.inner;
        py.detach(|| lock(inner).event_as_of(id, as_of.as_deref()).map(|v| v.to_string()).map_err(err))
    }

    /// The database's path.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }
}

/// A time as the store reads it (`sitrep_store::parse_instant`), or a ValueError.
fn instant(t: &str) -> PyResult<String> {
    sitrep_store::parse_instant(t).map_err(|m| PyValueError::new_err(format!("as_of: {m}")))
}

#[pymodule]
fn _sitrep(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract_jsonl, m)?)?;
    m.add_class::<Store>()?;
    m.add("SitrepError", m.py().get_type::<SitrepError>())?;
    m.add("SUPPORTED", sitrep_extract::SUPPORTED.to_vec())?;
    m.add("EXTRACTOR", sitrep_extract::Config::default().identity())?;
    Ok(())
}
