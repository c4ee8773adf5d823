//! Non-casualty quantities: troops deployed, peacekeepers, prisoners exchanged, durations
//! of wars (displaced people come from the casualty stage).

use sitrep_core::{Cue, DateKind, Event, EventType, Quantity, QuantityKind, Sector};

use crate::events::status_at;
use crate::{Ctx, starting_in};

pub fn find(cx: &Ctx<'_, '_>, events: &[Event]) -> Vec<Quantity> {
    let mut out = Vec::new();
    for n in cx.numbers.iter().filter(|n| !n.year_like) {
        let si = cx.text.sentence_of(n.toks.start);
        let Some(s) = cx.text.sentences.get(si) else {
            continue;
        };
        // "un échange de 215 prisonniers", "swapped 95 prisoners each"
        let prisoners = starting_in(&cx.cues[Cue::Prisoner], |c| c.start, n.toks.end..(n.toks.end + 2).min(s.toks.end));
        if !prisoners.is_empty() && !starting_in(&cx.cues[Cue::Exchange], |c| c.start, s.toks.clone()).is_empty() {
            let (status, date) = status_at(cx, n.toks.start, s.toks.clone(), EventType::Retreat);
            out.push(Quantity {
                kind: QuantityKind::PrisonersExchanged,
                count: n.value,
                qualifier: n.qualifier,
                of: None,
                status,
                date,
                span: n.span.cover(cx.text.span(prisoners[0].clone())),
                evidence: cx.text.sentence_span(si),
            });
            continue;
        }
        // "2 000 soldats de maintien de la paix", "2,000 troops"
        let noun = cx.ix.find(&cx.pack.nouns, n.toks.end..(n.toks.end + 3).min(s.toks.end)).into_iter().next();
        let Some(noun) = noun else { continue };
        if noun.toks.start > n.toks.end + 1 {
            continue;
        }
        let sector =
            cx.pack.nouns.rows_of(&noun).next().and_then(|r| cx.pack.nouns.get(r, "sector")).and_then(Sector::parse);
        let from = events.partition_point(|e| e.sentence < si);
        let deploy =
            events[from..].iter().take_while(|e| e.sentence == si).find(|e| e.event_type == EventType::Mobilize);
        let kind = match (sector, deploy) {
            (Some(Sector::Mil) | Some(Sector::Pko), Some(_)) => QuantityKind::TroopsDeployed,
            (Some(Sector::Pko), None) => QuantityKind::Peacekeepers,
            _ => continue,
        };
        let (status, date) = status_at(cx, n.toks.start, s.toks.clone(), EventType::Mobilize);
        let of = deploy.and_then(|e| e.actors.first().cloned()).or_else(|| {
            cx.actors
                .iter()
                .find(|a| a.toks.start >= noun.toks.start && a.toks.start <= noun.toks.end + 1 && a.country.is_some())
                .cloned()
        });
        out.push(Quantity {
            kind,
            count: n.value,
            qualifier: n.qualifier,
            of,
            status,
            date,
            span: n.span.cover(cx.text.span(noun.toks.clone())),
            evidence: cx.text.sentence_span(si),
        });
    }
    // "une guerre de six semaines": a war's duration.
    for d in cx.dates.iter().filter(|d| d.kind == DateKind::Duration) {
        let Some(v) = d.value.as_deref() else {
            continue;
        };
        let near = events.iter().find(|e| {
            e.event_type == EventType::Assault && {
                let t = cx.text.span(d.toks.clone());
                e.trigger.end <= t.start && t.start - e.trigger.end <= 8
            }
        });
        let Some(e) = near else { continue };
        let (num, unit) = v.trim_start_matches('P').split_at(v.len().saturating_sub(2));
        let days_per = match unit {
            "D" => 1,
            "W" => 7,
            "M" => 30,
            "Y" => 365,
            _ => continue,
        };
        let Ok(count) = num.parse::<u64>() else {
            continue;
        };
        out.push(Quantity {
            kind: QuantityKind::DurationDays,
            count: count.saturating_mul(days_per),
            qualifier: sitrep_core::Qualifier::Approx,
            of: None,
            status: e.status,
            date: e.date.clone(),
            span: d.span,
            evidence: e.evidence,
        });
    }
    out
}
