//! Trigger pass `stopped`: Fighting that stops is a retreat, cooperation broken off a sanction; fighting named by a request, an agreement or a threat nearby is its topic, not an event.

use sitrep_core::{Cue, EventType, Mode, Pos, TokRange};

use crate::cues::any_in;
use crate::events::{Trigger, gap};
use crate::{Ctx, starting_in};

pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // Fighting that stops is a retreat; fighting named by a request, an agreement or
    // an accusation is that event's topic, not a new event.
    let mut k = 0;
    while k < found.len() {
        let t = &found[k];
        // "ended mediation efforts", "suspended talks", "halted aid": breaking off
        // cooperation is a sanction; "ended the offensive" a retreat.
        let stopped = t.pos == Pos::Noun
            && starting_in(
                &cx.cues[Cue::Cease],
                |c| c.start,
                t.toks.start.saturating_sub(4).max(sent.start)..t.toks.start,
            )
            .iter()
            .any(|c| c.end <= t.toks.start && t.toks.start - c.end <= 2);
        if stopped
            && matches!(t.event_type, EventType::Consult | EventType::Aid | EventType::Cooperate | EventType::Assault)
        {
            let t = &mut found[k];
            let retreat = t.event_type == EventType::Assault;
            t.event_type = if retreat { EventType::Retreat } else { EventType::Sanction };
            t.mode = Some(if retreat { Mode::Ceasefire } else { Mode::Halt });
            t.acled = None;
            k += 1;
            continue;
        }
        if t.event_type == EventType::Assault {
            let after = t.toks.end..(t.toks.end + 4).min(sent.end);
            if any_in(&cx.cues[Cue::Cease], after) {
                let t = &mut found[k];
                t.event_type = EventType::Retreat;
                t.mode = Some(Mode::Ceasefire);
                t.acled = None;
                k += 1;
                continue;
            }
            let topic = t.pos == Pos::Noun
                && found.iter().any(|o| {
                    matches!(
                        o.event_type,
                        EventType::Request | EventType::Agree | EventType::Retreat | EventType::Threaten
                    ) && gap(&o.toks, &t.toks) <= 4
                });
            if topic {
                found.remove(k);
                continue;
            }
        }
        k += 1;
    }
}
