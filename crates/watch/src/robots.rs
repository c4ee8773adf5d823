//! robots.txt (RFC 9309): the group for our product token, else `*`; the longest
//! matching rule decides, `Allow` winning a tie; `*` and a final `$` in paths; the
//! group's `Crawl-delay` (not in the RFC, but widely used) is read too. A
//! robots.txt that answers 4xx allows everything; one that cannot be fetched (5xx, no
//! connection) disallows everything until it can be.

/// `(allow, pattern)`.
type Rule = (bool, String);

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
}

/// The rules that apply to us on one host.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    disallow_all: bool,
    /// Seconds between requests the site asks for.
    pub crawl_delay: Option<f64>,
}

impl Robots {
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    pub fn disallow_all() -> Robots {
        Robots { rules: Vec::new(), disallow_all: true, crawl_delay: None }
    }

    /// Parses a robots.txt for the agent whose product token is `token` (the first word
    /// of the User-Agent, before `/`).
    pub fn parse(text: &str, token: &str) -> Robots {
        let token = token.to_ascii_lowercase();
        // Consecutive user-agent lines open one group.
        let mut groups: Vec<Group> = Vec::new();
        let mut open = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else { continue };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !open {
                        groups.push(Group::default());
                        open = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.agents.push(value.to_ascii_lowercase());
                    }
                }
                "crawl-delay" => {
                    open = false;
                    if let (Some(g), Ok(d)) = (groups.last_mut(), value.parse::<f64>())
                        && d.is_finite()
                        && d >= 0.0
                    {
                        g.crawl_delay = Some(d);
                    }
                }
                "allow" | "disallow" => {
                    open = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.rules.push((key == "allow", value.to_string()));
                    }
                }
                _ => {}
            }
        }
        let ours = |g: &&Group| g.agents.iter().any(|a| a != "*" && token.contains(a.as_str()));
        let star = |g: &&Group| g.agents.iter().any(|a| a == "*");
        let chosen: Vec<&Group> = if groups.iter().any(|g| ours(&g)) {
            groups.iter().filter(ours).collect()
        } else {
            groups.iter().filter(star).collect()
        };
        let crawl_delay = chosen.iter().filter_map(|g| g.crawl_delay).reduce(f64::max);
        Robots { rules: chosen.into_iter().flat_map(|g| g.rules.clone()).collect(), disallow_all: false, crawl_delay }
    }

    /// Whether `path` (with its query) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        if self.disallow_all {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pat) in &self.rules {
            if matches(pat, path) {
                let len = pat.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern against a path: a prefix match, `*` any run, `$` the end.
fn matches(pat: &str, path: &str) -> bool {
    let (pat, anchored) = match pat.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pat, false),
    };
    let parts: Vec<&str> = pat.split('*').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            at = part.len();
            continue;
        }
        let last = i == parts.len() - 1;
        if last && anchored {
            return path.len() >= at + part.len() && path.ends_with(part);
        }
        match path[at..].find(part) {
            Some(p) => at += p + part.len(),
            None => return false,
        }
    }
    !anchored || at == path.len() || (parts.len() > 1 && parts.last() == Some(&""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "# comment\nUser-agent: *\nDisallow: /private/\nAllow: /private/open\nDisallow: /*.pdf$\n\nUser-agent: badbot\nDisallow: /\n";

    #[test]
    fn star_group_and_longest_match() {
        let r = Robots::parse(TXT, "sitrep-watch");
        assert!(r.allows("/news/1.html"));
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/x"));
        assert!(!r.allows("/doc/a.pdf"));
        assert!(r.allows("/doc/a.pdf?x=1"));
    }

    #[test]
    fn our_own_group_wins() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: sitrep-watch\nAllow: /\nDisallow: /x",
            "sitrep-watch",
        );
        assert!(r.allows("/news"));
        assert!(!r.allows("/x/1"));
        let other = Robots::parse(TXT, "badbot");
        assert!(!other.allows("/news"));
    }

    #[test]
    fn crawl_delay_of_our_group() {
        assert_eq!(
            Robots::parse("User-agent: *\nCrawl-delay: 5\nDisallow: /x\n", "sitrep-watch").crawl_delay,
            Some(5.0)
        );
        assert_eq!(Robots::parse("User-agent: other\nCrawl-delay: 9\n", "sitrep-watch").crawl_delay, None);
        assert_eq!(Robots::parse("User-agent: *\nCrawl-delay: soon\n", "sitrep-watch").crawl_delay, None);
    }

    #[test]
    fn empty_and_unreachable() {
        assert!(Robots::parse("", "sitrep-watch").allows("/anything"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "sitrep-watch").allows("/x"));
        assert!(!Robots::disallow_all().allows("/"));
    }
}
