//! Alert rules over fused events: which events a rule matches (the query's filters),
//! whether one is new to the rule or changed materially since it last fired (its toll
//! or its claims), the message and JSON body, and the sinks (webhook, command, stdout).

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sitrep_core::{EventQuery, Status};

use crate::sources::AlertRule;

/// The filters of a rule as a store query.
pub fn query(rule: &AlertRule) -> EventQuery {
    EventQuery {
        country: rule.country.clone(),
        event_type: rule.event_type.clone(),
        status: Status::filter(rule.status.as_deref()).unwrap_or(Some(Status::Current)),
        actor: rule.actor.clone(),
        min_fatalities: rule.min_fatalities,
        near: rule.near,
        ..EventQuery::default()
    }
}

/// The best confidence among an event's mentions.
pub fn confidence(event: &Value) -> f64 {
    event["mentions"].as_array().into_iter().flatten().filter_map(|m| m["confidence"].as_f64()).fold(0.0, f64::max)
}

/// What an alert compares: the best killed and injured figures and every claim
/// (kind, claimant, count), sorted.
pub fn signature(event: &Value) -> Value {
    let mut claims: Vec<(String, String, u64)> = Vec::new();
    for t in event["tolls"].as_array().into_iter().flatten() {
        let kind = t["kind"].as_str().unwrap_or("").to_string();
        for c in t["claims"].as_array().into_iter().flatten() {
            if let Some(n) = c["count"].as_u64().or(c["high"].as_u64()) {
                claims.push((kind.clone(), c["claimant"].as_str().unwrap_or("").to_string(), n));
            }
        }
    }
    claims.sort();
    claims.dedup();
    json!({
        "killed": event["fatalities"]["best"].as_u64(),
        "injured": event["injured"]["best"].as_u64(),
        "claims": claims,
    })
}

fn claims(sig: &Value) -> Vec<(String, String, u64)> {
    serde_json::from_value(sig["claims"].clone()).unwrap_or_default()
}

/// The claimant of the claim that gives `count` for `kind`, if one names it.
fn who_says(sig: &Value, kind: &str, count: u64) -> Option<String> {
    claims(sig).into_iter().find(|(k, who, n)| k == kind && *n == count && !who.is_empty()).map(|(_, who, _)| who)
}

fn figure(n: Option<u64>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

/// How `now` differs materially from `prev`, or `None`: the event's best figure
/// changed, a claimant revised its figure, or a new claimant gave one. More reports of
/// the same figures are not material.
pub fn revision(prev: &Value, now: &Value) -> Option<String> {
    let label = |kind: &str| if kind == "killed" { "toll" } else { kind }.to_string();
    let mut parts: Vec<String> = Vec::new();
    for kind in ["killed", "injured"] {
        let (a, b) = (prev[kind].as_u64(), now[kind].as_u64());
        if a != b {
            let per = b.and_then(|n| who_says(now, kind, n)).map(|w| format!(" per {w}")).unwrap_or_default();
            parts.push(format!("{} revised {} → {}{per}", label(kind), figure(a), figure(b)));
        }
    }
    let before = claims(prev);
    for (kind, who, n) in claims(now) {
        if who.is_empty() || before.contains(&(kind.clone(), who.clone(), n)) {
            continue;
        }
        let was = before.iter().filter(|c| c.0 == kind && c.1 == who).map(|c| c.2).max();
        let msg = match was {
            Some(m) => format!("{} revised {m} → {n} per {who}", label(&kind)),
            None => format!("new claim: {who} says {n} {kind}"),
        };
        if !parts.contains(&msg) {
            parts.push(msg);
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A one-line description of an event for a new alert.
pub fn describe(event: &Value, sig: &Value) -> String {
    let mut s = event["event_type"].as_str().unwrap_or("event").to_string();
    let place = event["place"].as_str().or(event["country_name"].as_str()).or(event["country"].as_str());
    if let Some(p) = place {
        s.push_str(&format!(" in {p}"));
    }
    if let Some(d) = event["date"].as_str() {
        s.push_str(&format!(" on {d}"));
    }
    if let Some(k) = sig["killed"].as_u64() {
        let per = who_says(sig, "killed", k).map(|w| format!(" per {w}")).unwrap_or_default();
        s.push_str(&format!(", {k} killed{per}"));
    }
    s
}

/// The JSON body of an alert: the rule, what happened, the event without its mentions
/// and the reporting documents.
pub fn payload(rule: &AlertRule, kind: &str, message: &str, event: &Value, fired_at: i64) -> Value {
    let mut ev = event.clone();
    let docs: Vec<Value> = event["mentions"].as_array().into_iter().flatten().map(|m| m["document"].clone()).fold(
        Vec::new(),
        |mut v, d| {
            if !v.contains(&d) {
                v.push(d);
            }
            v
        },
    );
    if let Some(o) = ev.as_object_mut() {
        o.remove("mentions");
        o.remove("summary");
    }
    json!({
        "rule": rule.name, "kind": kind, "message": message, "event_id": event["id"], "fired_at": crate::iso_of(fired_at),
        "event": ev, "documents": docs,
    })
}

/// Runs `sh -c command` with the body on its standard input (one line, ending in a
/// newline: `cat >> alerts.jsonl` makes JSON Lines), killed after `limit`.
pub fn run_command(command: &str, body: &str, limit: Duration) -> Result<(), String> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input is not an error.
        let _ = stdin.write_all(body.as_bytes()).and_then(|_| stdin.write_all(b"\n"));
    }
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(st)) if st.success() => return Ok(()),
            Ok(Some(st)) => return Err(format!("{command:?} exited with {st}")),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{command:?} ran over {} s and was stopped", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(best: Option<u64>, claims: &[(&str, u64)]) -> Value {
        json!({
            "id": "E1", "event_type": "ASSAULT", "place": "Gao", "date": "2024-03-01",
            "fatalities": best.map(|b| json!({"low": b, "best": b, "high": b})),
            "tolls": [{"kind": "killed", "claims": claims.iter().map(|(w, n)| json!({"claimant": w, "count": n})).collect::<Vec<_>>()}],
        })
    }

    #[test]
    fn a_revised_toll_names_its_claimant() {
        let a = signature(&event(Some(12), &[("the Malian army", 12)]));
        let b = signature(&event(Some(19), &[("the Malian army", 19)]));
        assert_eq!(revision(&a, &b).as_deref(), Some("toll revised 12 → 19 per the Malian army"));
        assert_eq!(revision(&a, &a), None);
        assert_eq!(
            describe(&event(Some(12), &[("the Malian army", 12)]), &a),
            "ASSAULT in Gao on 2024-03-01, 12 killed per the Malian army"
        );
    }

    #[test]
    fn a_new_claim_is_material_and_more_reports_are_not() {
        let a = signature(&event(Some(12), &[("the Malian army", 12)]));
        let b = signature(&event(Some(12), &[("the Malian army", 12), ("JNIM", 30)]));
        assert_eq!(revision(&a, &b).as_deref(), Some("new claim: JNIM says 30 killed"));
        // The same claimant with a second, higher figure: its revision, the best unchanged.
        let d = signature(&event(Some(12), &[("the Malian army", 12), ("the Malian army", 19)]));
        assert_eq!(revision(&a, &d).as_deref(), Some("toll revised 12 → 19 per the Malian army"));
        let c = signature(&event(Some(12), &[("the Malian army", 12), ("", 12)]));
        assert_eq!(revision(&a, &c), None);
    }

    #[test]
    fn commands_get_the_body_and_a_time_limit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got.json");
        run_command(&format!("cat > '{}'", out.display()), "{\"a\":1}", Duration::from_secs(5)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"a\":1}\n");
        assert!(run_command("exit 3", "", Duration::from_secs(5)).is_err());
        assert!(run_command("sleep 5", "", Duration::from_millis(100)).unwrap_err().contains("stopped"));
    }
}
