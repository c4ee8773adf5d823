//! The sources file (`--sources sources.toml`): settings, the sources to follow and the
//! alert rules. Unknown keys are errors (a misspelt `intervall` must not be ignored).

use std::time::Duration;

use serde::Deserialize;

use crate::Error;

/// The whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub settings: Settings,
    pub sources: Vec<Source>,
    pub alerts: Vec<AlertRule>,
}

/// How politely and how often to fetch.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Sent with every request, and matched against robots.txt groups.
    pub user_agent: String,
    /// Polling interval of sources that give none.
    pub interval: Duration,
    /// Smallest gap between two requests to one host.
    pub host_delay: Duration,
    /// Whole-request time-out (connect, headers and body).
    pub timeout: Duration,
    /// Largest body read; a larger one is a failed fetch.
    pub max_body: u64,
    /// Largest back-off after failures, and the longest Retry-After honoured.
    pub max_backoff: Duration,
    /// Re-fuse at most this often while new articles arrive.
    pub fuse_every: Duration,
    /// Item URLs seen longer ago are forgotten (the content hash still prevents a
    /// second copy of an article).
    pub forget_after: Duration,
    /// Obey robots.txt.
    pub robots: bool,
    /// New items fetched per poll of one source at most (the rest wait for the next poll).
    pub max_items_per_poll: usize,
    /// Threads polling at once; one host's sources are always polled by one of them.
    pub workers: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            user_agent: format!("sitrep-watch/{} (conflict-event monitor)", env!("CARGO_PKG_VERSION")),
            interval: Duration::from_secs(15 * 60),
            host_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            max_body: 8 << 20,
            max_backoff: Duration::from_secs(6 * 3600),
            fuse_every: Duration::from_secs(60),
            forget_after: Duration::from_secs(30 * 86400),
            robots: true,
            max_items_per_poll: 200,
            workers: 8,
        }
    }
}

/// What a source URL is; `Auto` decides from the first answer (a feed, a sitemap, else
/// a page). `Page` is one article (stored once: the store keeps the first version of a
/// URL); `Links` is a listing page (a section front, a press-release list) whose links
/// to article pages on the same site are the items.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    #[default]
    Auto,
    Feed,
    Sitemap,
    Page,
    Links,
}

/// One followed source.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub url: String,
    pub name: Option<String>,
    pub lang: Option<String>,
    pub interval: Duration,
    pub kind: SourceKind,
    /// The outlet's reach as the user labels it (`international`, `national`, `local`...);
    /// carried into alerts.
    pub scale: Option<String>,
}

/// Where an alert goes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sinks {
    /// POSTed a JSON body.
    pub webhook: Option<String>,
    /// Run by `sh -c`, the JSON body on its standard input.
    pub command: Option<String>,
    /// One line on standard output.
    pub stdout: bool,
}

/// An `[[alert]]` rule: filters as `sitrep query` has them, and sinks.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRule {
    pub name: String,
    pub country: Option<String>,
    pub near: Option<(f64, f64, f64)>,
    pub event_type: Option<String>,
    pub actor: Option<String>,
    pub min_fatalities: Option<u64>,
    /// `current` when not given; `any` for every status.
    pub status: Option<String>,
    pub min_confidence: Option<f64>,
    /// When the rule is new to a database that already holds events: alert on those too
    /// (`true`), or only on events that appear or change from now on (`false`, default).
    pub backfill: bool,
    pub sinks: Sinks,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    alert: Vec<RawAlert>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    user_agent: Option<String>,
    interval: Option<String>,
    host_delay: Option<String>,
    timeout: Option<String>,
    max_body: Option<String>,
    max_backoff: Option<String>,
    fuse_every: Option<String>,
    forget_after: Option<String>,
    robots: Option<bool>,
    max_items_per_poll: Option<usize>,
    workers: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: String,
    name: Option<String>,
    lang: Option<String>,
    interval: Option<String>,
    #[serde(default)]
    kind: SourceKind,
    scale: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlert {
    name: String,
    country: Option<String>,
    near: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
    actor: Option<String>,
    min_fatalities: Option<u64>,
    status: Option<String>,
    min_confidence: Option<f64>,
    webhook: Option<String>,
    command: Option<String>,
    #[serde(default)]
    stdout: bool,
    #[serde(default)]
    backfill: bool,
}

/// `90`, `90s`, `15m`, `2h`, `1d`, `250ms`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok().filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        _ => return None,
    };
    (secs <= 1e9).then(|| Duration::from_secs_f64(secs))
}

/// `8388608`, `512KiB`, `8MiB`, `1GiB` (also `KB`/`MB`/`GB`, as powers of 1024).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

fn duration(key: &str, v: Option<&String>, default: Duration) -> Result<Duration, Error> {
    match v {
        None => Ok(default),
        Some(s) => parse_duration(s)
            .ok_or_else(|| Error::Config(format!("{key} = {s:?}: expected a duration such as 90s, 15m, 2h or 1d"))),
    }
}

fn near(s: &str) -> Option<(f64, f64, f64)> {
    let p: Vec<f64> = s.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().ok()?;
    match p[..] {
        [lat, lon, km] if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && km > 0.0 => {
            Some((lat, lon, km))
        }
        _ => None,
    }
}

impl Config {
    /// Parses and checks a sources file's text.
    pub fn parse(text: &str) -> Result<Config, Error> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        let d = Settings::default();
        let r = &raw.settings;
        let settings = Settings {
            user_agent: r.user_agent.clone().filter(|u| !u.trim().is_empty()).unwrap_or(d.user_agent),
            interval: duration("interval", r.interval.as_ref(), d.interval)?,
            host_delay: duration("host_delay", r.host_delay.as_ref(), d.host_delay)?,
            timeout: duration("timeout", r.timeout.as_ref(), d.timeout)?,
            max_body: match &r.max_body {
                None => d.max_body,
                Some(s) => parse_size(s)
                    .ok_or_else(|| Error::Config(format!("max_body = {s:?}: expected a size such as 8MiB")))?,
            },
            max_backoff: duration("max_backoff", r.max_backoff.as_ref(), d.max_backoff)?,
            fuse_every: duration("fuse_every", r.fuse_every.as_ref(), d.fuse_every)?,
            forget_after: duration("forget_after", r.forget_after.as_ref(), d.forget_after)?,
            robots: r.robots.unwrap_or(true),
            max_items_per_poll: r.max_items_per_poll.unwrap_or(d.max_items_per_poll).max(1),
            workers: r.workers.unwrap_or(d.workers).clamp(1, 256),
        };
        if settings.timeout.is_zero() {
            return Err(Error::Config("timeout must be more than 0".into()));
        }
        let mut sources = Vec::new();
        for s in raw.source {
            let u = url::Url::parse(&s.url).map_err(|e| Error::Config(format!("source {:?}: {e}", s.url)))?;
            if !matches!(u.scheme(), "http" | "https") {
                return Err(Error::Config(format!("source {:?}: only http and https URLs can be followed", s.url)));
            }
            if sources.iter().any(|x: &Source| x.url == u.as_str()) {
                return Err(Error::Config(format!("source {:?} is listed twice", s.url)));
            }
            let interval = duration("interval", s.interval.as_ref(), settings.interval)?;
            if interval < Duration::from_secs(1) {
                return Err(Error::Config(format!("source {:?}: an interval under 1 s is not polite", s.url)));
            }
            sources.push(Source { url: u.into(), name: s.name, lang: s.lang, interval, kind: s.kind, scale: s.scale });
        }
        let mut alerts: Vec<AlertRule> = Vec::new();
        for a in raw.alert {
            if a.name.trim().is_empty() || alerts.iter().any(|x| x.name == a.name) {
                return Err(Error::Config(format!("alert {:?}: each alert needs a name of its own", a.name)));
            }
            let near = match &a.near {
                None => None,
                Some(s) => Some(near(s).ok_or_else(|| {
                    Error::Config(format!("alert {:?}: near = {s:?}: expected \"LAT,LON,KM\"", a.name))
                })?),
            };
            if let Some(st) = &a.status {
                sitrep_core::Status::filter(Some(st)).map_err(|m| Error::Config(format!("alert {:?}: {m}", a.name)))?;
            }
            if let Some(t) = &a.event_type {
                let up = t.to_ascii_uppercase();
                if !sitrep_core::EventType::ALL.iter().any(|e| e.as_str() == up) {
                    return Err(Error::Config(format!("alert {:?}: type {t:?} is not a PLOVER event type", a.name)));
                }
            }
            if a.min_confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
                return Err(Error::Config(format!("alert {:?}: min_confidence is from 0 to 1", a.name)));
            }
            let sinks = Sinks { webhook: a.webhook, command: a.command, stdout: a.stdout };
            if sinks.webhook.is_none() && sinks.command.is_none() && !sinks.stdout {
                return Err(Error::Config(format!(
                    "alert {:?}: say where to send it (webhook, command or stdout = true)",
                    a.name
                )));
            }
            alerts.push(AlertRule {
                name: a.name,
                country: a.country.map(|c| c.to_ascii_uppercase()),
                near,
                event_type: a.event_type.map(|t| t.to_ascii_uppercase()),
                actor: a.actor,
                min_fatalities: a.min_fatalities,
                status: a.status,
                min_confidence: a.min_confidence,
                backfill: a.backfill,
                sinks,
            });
        }
        Ok(Config { settings, sources, alerts })
    }
}

impl AlertRule {
    /// The rule as the store and the dashboard show it (sinks named, not their secrets:
    /// a webhook's host only).
    pub fn to_json(&self) -> serde_json::Value {
        let host = self
            .sinks
            .webhook
            .as_deref()
            .and_then(|w| url::Url::parse(w).ok())
            .and_then(|u| u.host_str().map(String::from));
        serde_json::json!({
            "country": self.country, "near": self.near.map(|(a, b, c)| [a, b, c]), "type": self.event_type,
            "actor": self.actor, "min_fatalities": self.min_fatalities, "status": self.status.as_deref().unwrap_or("current"),
            "min_confidence": self.min_confidence, "backfill": self.backfill,
            "sinks": {"webhook": host, "command": self.sinks.command.is_some(), "stdout": self.sinks.stdout},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86400)));
        assert_eq!(parse_duration("fast"), None);
        assert_eq!(parse_duration("-3s"), None);
        assert_eq!(parse_size("8MiB"), Some(8 << 20));
        assert_eq!(parse_size("512kb"), Some(512 << 10));
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn a_full_file() {
        let c = Config::parse(
            r#"
[settings]
host_delay = "2s"
[[source]]
url = "https://example.org/rss"
name = "Example"
lang = "fr"
interval = "10m"
kind = "feed"
scale = "national"
[[alert]]
name = "mali"
country = "mli"
near = "12.6,-8.0,300"
type = "assault"
min_fatalities = 5
webhook = "http://127.0.0.1:9/hook"
"#,
        )
        .unwrap();
        assert_eq!(c.settings.host_delay, Duration::from_secs(2));
        assert_eq!(c.sources[0].interval, Duration::from_secs(600));
        assert_eq!(c.sources[0].kind, SourceKind::Feed);
        assert_eq!(c.alerts[0].country.as_deref(), Some("MLI"));
        assert_eq!(c.alerts[0].event_type.as_deref(), Some("ASSAULT"));
        assert_eq!(c.alerts[0].near, Some((12.6, -8.0, 300.0)));
    }

    #[test]
    fn mistakes_are_errors() {
        for bad in [
            "[[source]]\nurl = \"https://a.org/\"\nintervall = \"5m\"",
            "[[source]]\nurl = \"ftp://a.org/\"",
            "[[source]]\nurl = \"https://a.org/\"\ninterval = \"soon\"",
            "[[source]]\nurl = \"https://a.org/\"\ninterval = \"0s\"",
            "[[source]]\nurl = \"https://a.org/\"\n[[source]]\nurl = \"https://a.org/\"",
            "[[alert]]\nname = \"x\"",
            "[[alert]]\nname = \"x\"\nstdout = true\nnear = \"1,2\"",
            "[[alert]]\nname = \"x\"\nstdout = true\ntype = \"PARTY\"",
            "[[alert]]\nname = \"x\"\nstdout = true\nstatus = \"maybe\"",
            "[[alert]]\nname = \"x\"\nstdout = true\n[[alert]]\nname = \"x\"\nstdout = true",
        ] {
            assert!(matches!(Config::parse(bad), Err(Error::Config(_))), "{bad}");
        }
    }
}
