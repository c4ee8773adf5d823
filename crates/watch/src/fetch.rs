//! HTTP(S) over `ureq` (rustls, Mozilla's root certificates compiled in): conditional
//! GETs, a whole-request time-out, a cap on the body, redirects followed (at most 5),
//! one User-Agent. Statuses are answers, not errors: the caller decides what a 304, 429
//! or 500 means.

use std::io::Read;
use std::time::Duration;

use ureq::ResponseExt;

use crate::sources::Settings;

/// An answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// The URL answered, after redirects.
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// `Retry-After`, as sent (seconds or an HTTP date).
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Conditional-GET validators from the last answer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Validators<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

pub struct Fetcher {
    agent: ureq::Agent,
    max_body: u64,
}

impl Fetcher {
    pub fn new(s: &Settings) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(s.timeout))
            .timeout_connect(Some(s.timeout.min(Duration::from_secs(10))))
            .max_redirects(5)
            .user_agent(&s.user_agent)
            .build();
        Fetcher { agent: config.new_agent(), max_body: s.max_body }
    }

    /// GETs `url`; an error is a failure to get any answer (DNS, connection, time-out,
    /// TLS, a body over the cap, too many redirects).
    pub fn get(&self, url: &str, v: Validators<'_>) -> Result<Answer, String> {
        let mut req = self.agent.get(url);
        if let Some(e) = v.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = v.last_modified {
            req = req.header("If-Modified-Since", m);
        }
        let resp = req.call().map_err(|e| e.to_string())?;
        let header = |name: &str| resp.headers().get(name).and_then(|h| h.to_str().ok()).map(|s| s.trim().to_string());
        let mut a = Answer {
            status: resp.status().as_u16(),
            url: resp.get_uri().to_string(),
            etag: header("etag"),
            last_modified: header("last-modified"),
            retry_after: header("retry-after"),
            content_type: header("content-type"),
            body: Vec::new(),
        };
        if a.status == 304 {
            return Ok(a);
        }
        let mut reader = resp.into_body().into_reader().take(self.max_body + 1);
        reader.read_to_end(&mut a.body).map_err(|e| e.to_string())?;
        if a.body.len() as u64 > self.max_body {
            return Err(format!("the body is over the {} byte cap (max_body)", self.max_body));
        }
        Ok(a)
    }

    /// POSTs a JSON body; `Ok(status)` when some answer came.
    pub fn post_json(&self, url: &str, body: &str) -> Result<u16, String> {
        let resp = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .map_err(|e| e.to_string())?;
        Ok(resp.status().as_u16())
    }
}

/// A `Retry-After` value as milliseconds from `now` (Unix ms): delta seconds or an HTTP
/// date; `None` when unreadable.
pub fn retry_after_ms(value: &str, now: i64) -> Option<i64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.min(i64::MAX as u64 / 1000) as i64 * 1000);
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let at = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis().min(i64::MAX as u128) as i64;
    Some((at - now).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms("120", 0), Some(120_000));
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch.
        assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000 - 5_000), Some(5_000));
        assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000 + 5_000), Some(0));
        assert_eq!(retry_after_ms("soon", 0), None);
    }
}
