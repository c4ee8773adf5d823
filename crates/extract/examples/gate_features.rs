//! Prints the gate's features for every event the rules find (the gate itself off), for
//! `tools/train/events.py`: JSON Lines of documents (`id`, `text`, `lang`, `published`)
//! on standard input, one line per event on standard output:
//! `{"doc", "type", "status", "start", "end", "trigger", "actors", "recipients", "casualties", "features"}`
//! (byte offsets; countries of the roles; casualty kinds, counts and victims' countries).

use std::io::{BufRead, Write};

use serde_json::{Value, json};

fn main() {
    let config = sitrep_extract::Config { no_gate: true, ..Default::default() };
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let doc = sitrep_core::Document {
            id: s("id").unwrap_or_default(),
            text: s("text").unwrap_or_default(),
            lang: s("lang"),
            published: s("published"),
            ..Default::default()
        };
        let a = sitrep_extract::analyze(&doc, &config);
        let lang = a.lang.unwrap_or_default();
        let feats = sitrep_extract::gate::features(&doc.text, lang, &a.events);
        for (e, f) in a.events.iter().zip(feats) {
            let countries = |xs: &[sitrep_core::Actor]| xs.iter().map(|x| x.country).collect::<Vec<_>>();
            let rec = json!({
                "doc": doc.id,
                "type": e.event_type.as_str(),
                "status": format!("{:?}", e.status).to_lowercase(),
                "start": e.trigger.start,
                "end": e.trigger.end,
                "trigger": doc.text.get(e.trigger.start..e.trigger.end),
                "actors": countries(&e.actors),
                "recipients": countries(&e.recipients),
                "two_sided": e.two_sided,
                "sentence": e.sentence,
                "acled": e.acled.as_ref().map(|a| format!("{}|{}", a.event_type, a.sub_event_type)),
                "casualties": e.casualties.iter().map(|c| json!([c.kind.as_str(), c.count, c.victims.country])).collect::<Vec<_>>(),
                "features": f,
            });
            let _ = writeln!(out, "{rec}");
        }
    }
}
