//! The response cache: rendered GET responses by path and query, bounded in bytes and
//! entries, dropped whole at each write of this server.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::body::Bytes;

/// Rendered GET responses by path and query, kept for [`CACHE_TTL`] or until this server
/// writes (another process writing the database is seen within the TTL). Bounded in bytes
/// (keys and bodies): the oldest entries go first.
pub(crate) struct Cache {
    pub(crate) generation: u64,
    budget: usize,
    pub(crate) bytes: usize,
    seq: u64,
    pub(crate) entries: HashMap<String, CacheEntry>,
    /// Keys by insertion; an element whose `seq` no longer matches its entry is stale.
    order: VecDeque<(u64, String)>,
}

pub(crate) struct CacheEntry {
    pub(crate) at: std::time::Instant,
    pub(crate) generation: u64,
    seq: u64,
    pub(crate) body: Bytes,
}

pub(crate) const CACHE_TTL: Duration = Duration::from_secs(1);
/// An expired entry is served (while one request refreshes it) only this long after it
/// was made.
pub(crate) const CACHE_STALE_MAX: Duration = Duration::from_secs(2);

/// Expired cache entries refreshed in the background at once (see `AppState::refreshes`).
pub(crate) const BACKGROUND_REFRESHES: usize = 1;
/// Entries at most, whatever their size.
const CACHE_ENTRIES: usize = 4096;
/// Default byte budget of the response cache ([`crate::Config::cache_bytes`]).
pub const CACHE_BYTES: usize = 64 << 20;
/// Largest response cached (and at most a sixteenth of the budget).
pub const CACHE_MAX_RESPONSE: usize = 4 << 20;

impl Cache {
    pub(crate) fn new(budget: usize) -> Cache {
        Cache { generation: 0, budget, bytes: 0, seq: 0, entries: HashMap::new(), order: VecDeque::new() }
    }

    pub(crate) fn remove(&mut self, key: &str) {
        if let Some(e) = self.entries.remove(key) {
            self.bytes = self.bytes.saturating_sub(key.len() + e.body.len());
        }
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.bytes = 0;
    }

    pub(crate) fn insert(&mut self, key: String, generation: u64, body: Bytes) {
        self.remove(&key);
        let size = key.len() + body.len();
        if size > (self.budget / 16).min(CACHE_MAX_RESPONSE) {
            return;
        }
        while self.bytes + size > self.budget || self.entries.len() >= CACHE_ENTRIES {
            let Some((seq, k)) = self.order.pop_front() else { break };
            if self.entries.get(&k).is_some_and(|e| e.seq == seq) {
                self.remove(&k);
            }
        }
        if self.bytes + size > self.budget {
            return;
        }
        // Refreshed keys leave stale elements behind; drop them now and then.
        if self.order.len() > 2 * self.entries.len() + 1024 {
            let entries = &self.entries;
            self.order.retain(|(seq, k)| entries.get(k).is_some_and(|e| e.seq == *seq));
        }
        self.seq += 1;
        self.order.push_back((self.seq, key.clone()));
        self.bytes += size;
        self.entries.insert(key, CacheEntry { at: std::time::Instant::now(), generation, seq: self.seq, body });
    }
}
