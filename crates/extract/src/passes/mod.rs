//! The trigger passes: rewrites of one sentence's triggers, in this order, after they
//! are read from the pack (`events::triggers`). Each is a named function in its own
//! file, with its cases per language in `tests/cases/<lang>.tsv` (the pass name in a
//! `# pass` comment line above them).
//!
//! | pass | what it does |
//! |---|---|
//! | `stopped` | Fighting that stops is a retreat, cooperation broken off a sanction; fighting named by a request, an agreement or a threat nearby is its topic, not an event. |
//! | `noun_compound` | A noun compound names one event, its head last where the language puts modifiers first ("ceasefire talks": talks). |
//! | `verb_noun` | A verb with its event noun is one event ("négocié un cessez-le-feu", "called for talks"); an argument between them stays outside the trigger. |
//! | `complement` | A verb governs its infinitive complement ("agreed to share", "a accepté de négocier", "threatened to attack"): one event of the verb's type. |
//! | `speech_content` | What is asked, refused, alleged, agreed, backed or discussed is the content of that event, not a second one (nouns and gerunds of the same clause). |
//! | `that_clause` | What a request, an agreement, a threat or an accusation states in a that-clause is its content ("demanded that Israel ease restrictions"). |
//! | `light_verb` | The light verb that carries a noun event ("mounted an invasion", "a lancé une offensive"): its subject acts, its tense is the event's. |
//! | `condition` | What a condition supposes is no event ("unless Baghdad accepted", "if it is attacked", "si les négociations échouent"). |
//! | `antecedent` | An earlier event named as the background of the news ("after 12 days of battles", "à la suite des combats") is a reference, not a report, unless given a toll here. |

use sitrep_core::TokRange;

use crate::Ctx;
use crate::events::Trigger;

mod antecedent;
mod complement;
mod condition;
mod light_verb;
mod noun_compound;
mod speech_content;
mod stopped;
mod that_clause;
mod verb_noun;

/// A pass rewrites (merges, retypes, drops) the triggers found in one sentence.
pub(crate) type Pass = fn(&Ctx<'_, '_>, TokRange, &mut Vec<Trigger>);

/// `(name, pass)` pairs named after their modules.
macro_rules! passes {
    ($($m:ident),* $(,)?) => {
        &[$((stringify!($m), $m::run as Pass)),*]
    };
}

/// Every pass, in the order they run.
pub(crate) const PASSES: &[(&str, Pass)] = passes![
    stopped,
    noun_compound,
    verb_noun,
    complement,
    speech_content,
    that_clause,
    light_verb,
    condition,
    antecedent,
];
