//! The alert side of the watcher: a new rule's baseline, running the rules after a
//! fusion, sending to the sinks, and sending again what a crash or a failed sink left.

use serde_json::{Value, json};
use sitrep_store::NewAlert;

use super::{COMMAND_LIMIT, Watcher};
use crate::sources::AlertRule;
use crate::{Error, alerts};

impl Watcher<'_> {
    /// The ids of the events a rule's filters match.
    fn matching(&self, rule: &AlertRule) -> Result<Vec<String>, Error> {
        let mut ids = Vec::new();
        self.store.each_event(&alerts::query(rule), &mut |e| {
            ids.extend(e["id"].as_str().map(String::from));
            Ok(())
        })?;
        Ok(ids)
    }

    /// Records the events a rule matches now as known to it, without sending anything.
    pub(super) fn baseline(&mut self, rule: &AlertRule) -> Result<(), Error> {
        let ids = self.matching(rule)?;
        let now = self.shared.clock.now();
        for id in &ids {
            let sig = alerts::signature(&self.store.event(id)?).to_string();
            let a =
                NewAlert { rule: &rule.name, event: id, kind: "baseline", signature: &sig, message: "", payload: "{}" };
            let aid = self.store.record_alert(&a, now)?;
            self.store.mark_alert(aid, now, None)?;
        }
        if !ids.is_empty() {
            self.shared.report.log("baseline", json!({"rule": rule.name, "events": ids.len()}));
        }
        Ok(())
    }

    /// Runs every rule over the fused events; records and sends what is new or revised.
    pub(super) fn fire_alerts(&mut self) -> Result<(), Error> {
        for rule in self.shared.config.alerts.clone() {
            for id in self.matching(&rule)? {
                let ev = self.store.event(&id)?;
                if rule.min_confidence.is_some_and(|min| alerts::confidence(&ev) < min) {
                    continue;
                }
                let sig = alerts::signature(&ev);
                let (kind, message) = match self.store.last_alert(&rule.name, &id)? {
                    None => ("new", alerts::describe(&ev, &sig)),
                    Some(prev) => match alerts::revision(&serde_json::from_str(&prev).unwrap_or(Value::Null), &sig) {
                        Some(m) => ("revised", m),
                        None => continue,
                    },
                };
                let now = self.shared.clock.now();
                let mut body = alerts::payload(&rule, kind, &message, &ev, now);
                self.add_scales(&mut body);
                let body = body.to_string();
                let sig = sig.to_string();
                let a =
                    NewAlert { rule: &rule.name, event: &id, kind, signature: &sig, message: &message, payload: &body };
                let aid = self.store.record_alert(&a, now)?;
                self.stats.alerts += 1;
                self.deliver(aid, &rule, &body)?;
            }
        }
        Ok(())
    }

    /// Gives each reporting document of a payload the scale its source has in the
    /// sources file (`international`, `national`, `local`...), where it has one.
    fn add_scales(&self, payload: &mut Value) {
        for d in payload["documents"].as_array_mut().into_iter().flatten() {
            let name = d["source"].as_str().map(str::to_string);
            let scale = self
                .shared
                .config
                .sources
                .iter()
                .find(|s| s.name.is_some() && s.name == name)
                .and_then(|s| s.scale.clone());
            if let (Some(o), Some(sc)) = (d.as_object_mut(), scale) {
                o.insert("scale".into(), Value::String(sc));
            }
        }
    }

    /// Sends an alert to its rule's sinks and records the outcome.
    fn deliver(&mut self, id: i64, rule: &AlertRule, body: &str) -> Result<(), Error> {
        let mut errors = Vec::new();
        if let Some(w) = &rule.sinks.webhook {
            match self.shared.fetcher.post_json(w, body) {
                Ok(s) if (200..300).contains(&s) => {}
                Ok(s) => errors.push(format!("webhook answered HTTP {s}")),
                Err(e) => errors.push(format!("webhook: {e}")),
            }
        }
        if let Some(c) = &rule.sinks.command
            && let Err(e) = alerts::run_command(c, body, COMMAND_LIMIT)
        {
            errors.push(e);
        }
        if rule.sinks.stdout {
            self.shared.report.alert(&serde_json::from_str(body).unwrap_or(Value::Null));
        }
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        if let Some(e) = &error {
            self.stats.alerts_failed += 1;
            self.shared.report.log("alert-failed", json!({"rule": rule.name, "alert": id, "error": e}));
        }
        self.store.mark_alert(id, self.shared.clock.now(), error.as_deref())?;
        Ok(())
    }

    /// Sends again the alerts recorded but not sent (a crash, a sink that failed).
    pub(super) fn retry_alerts(&mut self) -> Result<(), Error> {
        for (id, rule, body) in self.store.undelivered_alerts()? {
            match self.shared.config.alerts.iter().find(|r| r.name == rule).cloned() {
                Some(r) => self.deliver(id, &r, &body)?,
                None => self.store.mark_alert(id, self.shared.clock.now(), None)?,
            }
        }
        Ok(())
    }
}
