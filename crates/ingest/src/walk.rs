//! Walking input paths and reading their files one at a time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::archive::{WarcStream, gz_warc};
use crate::decode::utf16_kind;
use crate::format::SNIFF_LEN;
use crate::jsonl::{JsonlReader, read_jsonl_bytes};
use crate::{Error, Format, Item, Problem, read_bytes};

/// Iterates over the articles (and problems) of input paths.
///
/// Paths are files, directories (walked recursively, entries sorted by name, hidden
/// entries skipped, symbolic links followed) or `-` for standard input (its format is
/// sniffed: JSON Lines is streamed, anything else read whole; text by default). The file
/// list is collected in [`Walker::new`]; files are opened when reached, one at a time.
/// Whatever cannot be read (a missing path, an unreadable file or directory, a directory
/// or file reached a second time, as through a symbolic link loop) is a [`Problem`] in
/// its place in the sequence, and reading goes on.
pub struct Walker {
    queue: VecDeque<Entry>,
    current: Option<Source>,
    total: u64,
    /// Sizes of the files read to the end.
    finished: u64,
    current_size: u64,
    /// Bytes read from the current file.
    counter: Arc<AtomicU64>,
    /// The file being read, and whether it gave a problem.
    current_file: Option<(FileInfo, bool)>,
    /// Files read to the end without a problem, not yet taken.
    done: Vec<FileInfo>,
}

/// An input file as found by the walk (before it is read): canonical path, size and
/// modification time, to recognise a file already stored without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i64,
}

enum Entry {
    File { path: PathBuf, name: String, size: u64, info: FileInfo },
    Stdin,
    Problem(Problem),
}

/// The items of one input, read lazily where the format allows.
enum Source {
    Items(std::vec::IntoIter<Item>),
    Jsonl(JsonlReader<Box<dyn BufRead + Send>>),
    Warc(WarcStream<Box<dyn BufRead + Send>>),
}

impl Iterator for Source {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        match self {
            Source::Items(it) => it.next(),
            Source::Jsonl(r) => r.next(),
            Source::Warc(r) => r.next(),
        }
    }
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Walker {
    /// Collects the files under `paths` (see [`Walker`]).
    pub fn new(paths: &[PathBuf]) -> Walker {
        let mut w = Walker {
            queue: VecDeque::new(),
            current: None,
            total: 0,
            finished: 0,
            current_size: 0,
            counter: Arc::new(AtomicU64::new(0)),
            current_file: None,
            done: Vec::new(),
        };
        let mut seen = Seen::default();
        for path in paths {
            if path.as_os_str() == "-" {
                w.queue.push_back(Entry::Stdin);
                continue;
            }
            let name = path.display().to_string();
            match fs::metadata(path) {
                Err(e) => w.problem(&name, Error::Io(e)),
                Ok(m) if m.is_dir() => w.walk_dir(path, &mut seen),
                Ok(m) => match crate::special_file(&m) {
                    Some(kind) => w.problem(&name, Error::NotAFile(kind)),
                    None => w.add_file(path, name, &m, &mut seen),
                },
            }
        }
        w
    }

    /// Total size of the input files (standard input not counted).
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Bytes of the input files read so far, whole or in part (standard input not
    /// counted; a gzip-compressed WARC counts once it is read to the end); equal to
    /// [`Walker::total_bytes`] once all files are read.
    pub fn bytes_done(&self) -> u64 {
        self.finished + self.counter.load(Ordering::Relaxed).min(self.current_size)
    }

    fn problem(&mut self, name: &str, e: impl std::fmt::Display) {
        self.queue.push_back(Entry::Problem(Problem::new(name, e)));
    }

    fn add_file(&mut self, path: &Path, name: String, m: &fs::Metadata, seen: &mut Seen) {
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(first) = seen.files.get(&canonical) {
            let msg = format!("same file as {first}: skipped");
            self.problem(&name, Error::Other(msg));
            return;
        }
        let size = m.len();
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let info = FileInfo { path: canonical.to_string_lossy().into_owned(), size, mtime_ns };
        seen.files.insert(canonical, name.clone());
        self.total += size;
        self.queue.push_back(Entry::File { path: path.to_path_buf(), name, size, info });
    }

    /// Drops the files that `skip` says need no reading (stored before, unchanged);
    /// returns how many were dropped. Call before reading.
    pub fn skip_files(&mut self, skip: impl Fn(&FileInfo) -> bool) -> usize {
        let before = self.queue.len();
        let mut dropped = 0u64;
        self.queue.retain(|e| match e {
            Entry::File { info, size, .. } if skip(info) => {
                dropped += size;
                false
            }
            _ => true,
        });
        self.total -= dropped.min(self.total);
        before - self.queue.len()
    }

    /// The files read to the end without a problem since the last call: every article
    /// of theirs has been returned.
    pub fn take_done(&mut self) -> Vec<FileInfo> {
        std::mem::take(&mut self.done)
    }

    /// Walks a directory depth-first, entries in name order, without recursion.
    fn walk_dir(&mut self, root: &Path, seen: &mut Seen) {
        let mut stack: Vec<std::vec::IntoIter<PathBuf>> = Vec::new();
        if let Some(children) = self.enter(root, seen) {
            stack.push(children.into_iter());
        }
        while let Some(top) = stack.last_mut() {
            let Some(child) = top.next() else {
                stack.pop();
                continue;
            };
            let name = child.display().to_string();
            match fs::metadata(&child) {
                Err(e) => self.problem(&name, Error::Io(e)),
                Ok(m) if m.is_dir() => {
                    if let Some(children) = self.enter(&child, seen) {
                        stack.push(children.into_iter());
                    }
                }
                Ok(m) if m.is_file() => self.add_file(&child, name, &m, seen),
                Ok(_) => self.problem(&name, Error::Other("not a regular file: skipped".into())),
            }
        }
    }

    /// The sorted entries of a directory not seen before.
    fn enter(&mut self, dir: &Path, seen: &mut Seen) -> Option<Vec<PathBuf>> {
        let name = dir.display().to_string();
        let canonical = match fs::canonicalize(dir) {
            Ok(c) => c,
            Err(e) => {
                self.problem(&name, Error::Io(e));
                return None;
            }
        };
        if !seen.dirs.insert(canonical) {
            let msg = "directory already visited (symbolic link loop?): skipped";
            self.problem(&name, Error::Other(msg.into()));
            return None;
        }
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.problem(&name, Error::Io(e));
                return None;
            }
        };
        let mut children = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => {
                    let file_name = e.file_name();
                    if !file_name.as_encoded_bytes().starts_with(b".") {
                        children.push((file_name, e.path()));
                    }
                }
                Err(e) => self.problem(&name, Error::Io(e)),
            }
        }
        children.sort_by(|a, b| a.0.cmp(&b.0));
        Some(children.into_iter().map(|(_, p)| p).collect())
    }

    fn finish_current(&mut self) {
        self.current = None;
        if let Some((info, false)) = self.current_file.take() {
            self.done.push(info);
        }
        self.finished += self.current_size;
        self.current_size = 0;
        self.counter.store(0, Ordering::Relaxed);
    }

    fn open(&self, path: &Path, name: &str) -> Source {
        let one = |e: Error| Source::Items(vec![Item::Problem(Problem::new(name, e))].into_iter());
        let file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return one(Error::Io(e)),
        };
        let mut reader = BufReader::with_capacity(64 << 10, Counting { inner: file, counter: self.counter.clone() });
        let head = match reader.fill_buf() {
            Ok(h) => h[..h.len().min(SNIFF_LEN)].to_vec(),
            Err(e) => return one(Error::Io(e)),
        };
        let format = Format::detect(path, &head);
        open_reader(Box::new(reader), &head, format, name, Some(path))
    }

    fn open_stdin() -> Source {
        let mut reader = BufReader::new(std::io::stdin());
        let head = match reader.fill_buf() {
            Ok(h) => h[..h.len().min(SNIFF_LEN)].to_vec(),
            Err(e) => return Source::Items(vec![Item::Problem(Problem::new("-", Error::Io(e)))].into_iter()),
        };
        let format = Format::sniff(&head, false);
        open_reader(Box::new(reader), &head, format, "-", None)
    }
}

/// Reads an opened input: JSON Lines and uncompressed WARC streamed, the rest whole.
fn open_reader(
    mut reader: Box<dyn BufRead + Send>,
    head: &[u8],
    format: Format,
    name: &str,
    path: Option<&Path>,
) -> Source {
    let gzip = head.starts_with(&[0x1F, 0x8B]);
    match format {
        Format::Jsonl if utf16_kind(head).is_none() => return Source::Jsonl(JsonlReader::new(reader, name)),
        Format::Warc if !gzip => return Source::Warc(WarcStream::new(reader, name)),
        Format::Warc => {
            let compressed = path.and_then(|p| fs::metadata(p).ok()).filter(|m| m.is_file()).map_or(0, |m| m.len());
            return Source::Warc(gz_warc(reader, compressed, name));
        }
        _ => {}
    }
    let bytes = match crate::read_capped(reader.as_mut()) {
        Ok(b) => b,
        Err(e) => {
            // A file says its size; a pipe or standard input cannot.
            let e = match (e, path.and_then(|p| fs::metadata(p).ok()).filter(|m| m.is_file())) {
                (Error::TooLargeStream { limit }, Some(m)) => Error::TooLarge { size: m.len(), limit },
                (e, _) => e,
            };
            return Source::Items(vec![Item::Problem(Problem::new(name, e))].into_iter());
        }
    };
    let items = match format {
        Format::Jsonl => read_jsonl_bytes(&bytes, name),
        f => read_bytes(&bytes, name, f),
    };
    Source::Items(items.into_iter())
}

/// Directories and files already reached, by canonical path (files: with the name they
/// were first reached by).
#[derive(Default)]
struct Seen {
    dirs: HashSet<PathBuf>,
    files: HashMap<PathBuf, String>,
}

impl Iterator for Walker {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(src) = self.current.as_mut() {
                if let Some(item) = src.next() {
                    if let (Item::Problem(_), Some(f)) = (&item, self.current_file.as_mut()) {
                        f.1 = true;
                    }
                    return Some(item);
                }
                self.finish_current();
            }
            match self.queue.pop_front()? {
                Entry::Problem(p) => return Some(Item::Problem(p)),
                Entry::File { path, name, size, info } => {
                    self.current_file = Some((info, false));
                    self.current_size = size;
                    self.counter.store(0, Ordering::Relaxed);
                    self.current = Some(self.open(&path, &name));
                }
                Entry::Stdin => {
                    self.current_file = None;
                    self.current_size = 0;
                    self.current = Some(Walker::open_stdin());
                }
            }
        }
    }
}
