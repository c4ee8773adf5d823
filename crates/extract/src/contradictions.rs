//! Contradictions between casualty claims of one document.

use sitrep_core::{Casualty, Contradiction, Event, Qualifier, Status};

fn victims_label(c: &Casualty) -> String {
    let country = c.victims.country.unwrap_or("?");
    match c.victims.sector {
        Some(s) => format!("{country} {s}"),
        None => country.to_string(),
    }
}

fn voice(c: &Casualty) -> String {
    match &c.claimant {
        Some(a) => {
            let who = a.name.clone().unwrap_or_else(|| {
                format!("{} {}", a.country.unwrap_or("?"), a.sector.map_or("", |s| s.as_str())).trim().to_string()
            });
            format!("{who} says")
        }
        None => "the article says".to_string(),
    }
}

fn figure(c: &Casualty) -> String {
    let n = c.count.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    match c.qualifier {
        Some(Qualifier::AtLeast) => format!("at least {n}"),
        Some(Qualifier::MoreThan) => format!("more than {n}"),
        Some(Qualifier::AtMost) => format!("at most {n}"),
        Some(Qualifier::Approx) => format!("about {n}"),
        _ => n,
    }
}

/// Whether the two figures' bounds exclude each other.
fn incompatible(a: &Casualty, b: &Casualty) -> bool {
    let lo = |c: &Casualty| c.low.or(c.count).unwrap_or(0);
    let hi = |c: &Casualty| c.high.unwrap_or(u64::MAX);
    lo(a) > hi(b) || lo(b) > hi(a)
}

/// Finds pairs of current claims about the same victims and kind whose figures differ.
/// When one figure is the sum of two others (both sides' tolls), the explanation says so.
pub fn find(events: &[Event]) -> Vec<Contradiction> {
    let all: Vec<((usize, usize), &Casualty)> = events
        .iter()
        .enumerate()
        .flat_map(|(ei, e)| e.casualties.iter().enumerate().map(move |(ci, c)| ((ei, ci), c)))
        .filter(|(_, c)| c.status == Status::Current && c.count.is_some())
        .collect();
    // Only claims about the same kind of harm to the same country's people can clash:
    // compare within those groups (bounded, so long documents stay linear).
    const GROUP: usize = 200;
    const MAX: usize = 100;
    let mut groups: std::collections::BTreeMap<(sitrep_core::CasualtyKind, &str), Vec<usize>> = Default::default();
    for (i, (_, c)) in all.iter().enumerate() {
        if let Some(country) = c.victims.country {
            groups.entry((c.kind, country)).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for g in groups.values() {
        let g = &g[..g.len().min(GROUP)];
        for (x, &i) in g.iter().enumerate() {
            for &j in &g[x + 1..] {
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_unstable();
    let mut out = Vec::new();
    for (i, j) in pairs {
        if out.len() >= MAX {
            break;
        }
        let ((ra, a), (rb, b)) = (&all[i], &all[j]);
        {
            if a.kind != b.kind
                || a.count == b.count
                || a.victims.country.is_none()
                || a.victims.country != b.victims.country
            {
                continue;
            }
            if a.victims.sector.is_some() && b.victims.sector.is_some() && a.victims.sector != b.victims.sector {
                continue;
            }
            if a.date.value.is_some() && b.date.value.is_some() && a.date.value != b.date.value {
                continue;
            }
            let same_voice = a.claimant.as_ref().map(|c| (c.country, c.sector))
                == b.claimant.as_ref().map(|c| (c.country, c.sector));
            let strict = incompatible(a, b);
            if same_voice && !strict {
                continue;
            }
            let (big, small) = if a.count > b.count { (a, b) } else { (b, a) };
            let mut explanation = format!(
                "{} {} {} {}; {} {}",
                voice(a),
                figure(a),
                victims_label(a),
                a.kind.as_str(),
                voice(b),
                figure(b)
            );
            if !strict {
                explanation.push_str(" (the bounds overlap, but the figures differ)");
            }
            // One side's figure plus the other side's equals the larger one.
            let (bc, sc) = (big.count.unwrap_or(0), small.count.unwrap_or(0));
            if let Some((_, other)) = all.iter().find(|(_, o)| {
                o.kind == a.kind
                    && o.victims.country.is_some()
                    && o.victims.country != a.victims.country
                    && o.count.is_some_and(|n| n.checked_add(sc) == Some(bc))
            }) {
                explanation.push_str(&format!(
                    "; {sc} + {} = {bc}: the larger figure may add both sides' tolls ({} and {})",
                    other.count.unwrap_or(0),
                    victims_label(small),
                    victims_label(other)
                ));
            }
            out.push(Contradiction { kind: "casualty_count", a: *ra, b: *rb, explanation });
        }
    }
    out
}
