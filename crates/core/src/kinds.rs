//! Closed sets read from the data packs, as types: PLOVER event types and modes, actor
//! sectors, trigger parts of speech, cue kinds and the grammar's word classes. Each is
//! parsed once, when a pack row is read; the rest of sitrep compares enums, not strings.

/// A closed set with one spelling per value (the one the data packs and the output use).
macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The spelling used by the data packs and the output.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value spelled `s`, if any.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set! {
    /// PLOVER's root event types.
    EventType {
        Agree = "AGREE",
        Consult = "CONSULT",
        Support = "SUPPORT",
        Concede = "CONCEDE",
        Cooperate = "COOPERATE",
        Aid = "AID",
        Retreat = "RETREAT",
        Request = "REQUEST",
        Accuse = "ACCUSE",
        Reject = "REJECT",
        Threaten = "THREATEN",
        Protest = "PROTEST",
        Sanction = "SANCTION",
        Mobilize = "MOBILIZE",
        Coerce = "COERCE",
        Assault = "ASSAULT",
    }
}

impl EventType {
    /// Acts of force: what a ceasefire stops and what tolls are read from.
    pub fn is_violent(self) -> bool {
        matches!(self, EventType::Assault | EventType::Coerce)
    }
}

closed_set! {
    /// PLOVER modes (the `mode` column of `triggers.tsv`).
    Mode {
        Abduction = "abduction",
        Aerial = "aerial",
        Alert = "alert",
        Allege = "allege",
        Arrest = "arrest",
        Assassination = "assassination",
        Ban = "ban",
        Beating = "beating",
        Boycott = "boycott",
        Ceasefire = "ceasefire",
        Censor = "censor",
        Curfew = "curfew",
        Demonstrate = "demonstrate",
        Diplomatic = "diplomatic",
        Economic = "economic",
        Exercise = "exercise",
        Expel = "expel",
        Explosion = "explosion",
        Firearms = "firearms",
        Halt = "halt",
        HeavyWeapons = "heavy-weapons",
        Humanitarian = "humanitarian",
        HungerStrike = "hunger-strike",
        Investigate = "investigate",
        Military = "military",
        Peace = "peace",
        Phone = "phone",
        Release = "release",
        Resign = "resign",
        Riot = "riot",
        Seize = "seize",
        Sexual = "sexual",
        Strike = "strike",
        Suicide = "suicide",
        Summon = "summon",
        Troops = "troops",
        Visit = "visit",
        Withdraw = "withdraw",
    }
}

closed_set! {
    /// CAMEO/PLOVER-style actor sectors (`nouns.tsv`, `actors.tsv`, organisations).
    Sector {
        Bus = "BUS",
        Cop = "COP",
        Crm = "CRM",
        Cvl = "CVL",
        Edu = "EDU",
        Gov = "GOV",
        Igo = "IGO",
        Jud = "JUD",
        Leg = "LEG",
        Med = "MED",
        Mil = "MIL",
        Ngo = "NGO",
        Opp = "OPP",
        Pko = "PKO",
        Pol = "POL",
        Reb = "REB",
        Ref = "REF",
        Rel = "REL",
        Uaf = "UAF",
    }
}

impl Sector {
    /// Armed sectors: those that fight.
    pub fn is_armed(self) -> bool {
        matches!(self, Sector::Mil | Sector::Reb | Sector::Cop | Sector::Pko | Sector::Uaf)
    }
    /// Armed sectors and governments: the sides of a military conflict.
    pub fn is_military(self) -> bool {
        self.is_armed() || self == Sector::Gov
    }
}

closed_set! {
    /// How a trigger form reads (`pos` column of `triggers.tsv`).
    Pos {
        /// An active verb form: subject acts, object is acted upon.
        Verb = "V",
        /// A passive participle: the actor follows an agent marker.
        Passive = "P",
        /// A noun: the actor is a modifier or an of/by phrase.
        Noun = "N",
        /// A modal of obligation: a demand in reported speech.
        Modal = "M",
    }
}

closed_set! {
    /// Context cues (`cues.tsv`, `cue` column): words and phrases found anywhere in a
    /// sentence (longest match).
    Cue {
        Negation = "negation",
        Hypothetical = "hypothetical",
        Future = "future",
        Historical = "historical",
        Cease = "cease",
        Sport = "sport",
        Metaphor = "metaphor",
        UnknownToll = "unknown_toll",
        Court = "court",
        Toll = "toll",
        Aux = "aux",
        AuxSg = "aux_sg",
        PronounSg = "pronoun_sg",
        Pronoun = "pronoun",
        Clause = "clause",
        Prep = "prep",
        Det = "det",
        Prisoner = "prisoner",
        Exchange = "exchange",
        Purpose = "purpose",
        Condition = "condition",
        Light = "light",
        Labour = "labour",
        Antecedent = "antecedent",
        Conditional = "conditional",
        NamePart = "name_part",
        Ethnic = "ethnic",
        Stance = "stance",
        Compass = "compass",
    }
}

closed_set! {
    /// The grammar's closed word classes (`grammar.tsv`, `class` column): one-word forms
    /// asked of a single token ("is token k an agent marker?"). Every language pack has
    /// forms for every class (a test checks it).
    Word {
        /// "and", "or", "et", "y": coordination.
        Conj = "conj",
        /// "by", "par", "por": the agent of a passive or of an event noun.
        Agent = "agent",
        /// "of", "de", "del": a noun's complement.
        Of = "of",
        /// "in", "from", "en", "dans": where a group is.
        Locative = "locative",
        /// "its", "ses", "sus": possessive determiners.
        Possessive = "possessive",
        /// "the", "le", "el", "a", "un": articles.
        Article = "article",
        /// Auxiliaries of the passive ("was", "été", "fue").
        PassiveAux = "passive_aux",
        /// Auxiliaries of a progressive tense ("am", "estaba"): a gerund after one is
        /// a finite verb.
        Progressive = "progressive",
        /// Auxiliaries of the perfect ("have", "ont", "ha").
        PerfectAux = "perfect_aux",
        /// "that", "que": a complement clause follows.
        That = "that",
        /// Words between a verb and its infinitive complement ("to", "de", "à").
        Complement = "complement",
        /// Words that may also stand between them ("be", "not", "ne", "pas").
        ComplementGap = "complement_gap",
        /// "between", "entre": the sides of fighting follow.
        Between = "between",
        /// "with", "avec", "con": a party ("clashes with Azerbaijan"), not a place.
        With = "with",
        /// Prepositions before whom an act is aimed at ("against", "contre", "on").
        Toward = "toward",
        /// "to", "à", "ante": whom a complaint is addressed to.
        Addressee = "addressee",
        /// "over", "about", "sur": what a complaint is about.
        About = "about",
        /// "since", "depuis", "desde": a year or date that starts a period.
        Since = "since",
        /// Month or weekday names that are also common words ("May", "March"): a
        /// date only with a date preposition before them.
        Homograph = "homograph",
        /// "next", "prochain", "próxima": a weekday or a period ahead (before or after it).
        Next = "next",
        /// "last", "dernier", "pasado": a weekday or a period before.
        Last = "last",
        /// "including", "dont", "incluido": names some of a group just counted.
        Including = "including",
        /// "s" after an apostrophe: a genitive ("Hamas's").
        Genitive = "genitive",
        /// Prepositions of a topic or purpose before a gerund ("of", "for", "about").
        Topic = "topic",
        /// "others", "autres", "otros": more victims of the same kind.
        Others = "others",
        /// "this", "ce", "este": a deictic determiner (this month).
        This = "this",
        /// Words that tie a month or a year to a time frame ("in", "since", "depuis").
        DatePrep = "date_prep",
        /// Words that may stand before a day number in a date ("le", "the").
        DayDet = "day_det",
        /// Words between a day and a month ("the 5th of May", "5 de mayo").
        DateOf = "date_of",
        /// "to", "à", "a": the upper end of a number range ("5 to 10").
        RangeTo = "range_to",
        /// Words that stand for the number one in a victim phrase ("one", "un").
        One = "one",
        /// "day", "week", "hour": units of a duration compound ("a four-day strike").
        TimeUnit = "time_unit",
        /// "year", "ans", "años": an age after a number ("25 ans", "a 25-year-old").
        Age = "age",
        /// A word after the age unit that makes it an age ("old").
        AgeAfter = "age_after",
        /// Lower-case words inside a multi-word name ("of", "de la", "'s").
        NameLink = "name_link",
    }
}

closed_set! {
    /// Suffix classes (`suffixes.tsv`): word endings the grammar reads.
    Suffix {
        /// A present participle or gerund ("-ing", "-ant", "-ando").
        Gerund = "gerund",
        /// A past participle ending (French "-u", "-is").
        Participle = "participle",
        /// What may follow a day number ("1st", "1er"): matched whole.
        Ordinal = "ordinal",
        /// A synthetic future tense ("attaquera", "atacará" folded "atacara"): a verb
        /// trigger with it is a future event.
        Future = "future",
    }
}

closed_set! {
    /// What a speech cue does (`speech.tsv`, `kind` column).
    SpeechKind {
        Say = "say",
        SayThat = "say_that",
        According = "according",
        Hedge = "hedge",
        Deny = "deny",
        Accuse = "accuse",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
        for m in Mode::ALL {
            assert_eq!(Mode::parse(m.as_str()), Some(*m));
        }
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.as_str()), Some(*s));
        }
        for c in Cue::ALL {
            assert_eq!(Cue::parse(c.as_str()), Some(*c));
        }
        for w in Word::ALL {
            assert_eq!(Word::parse(w.as_str()), Some(*w));
        }
        assert_eq!(EventType::parse("assault"), None);
    }
}

closed_set! {
    /// What a date word is (`dates.tsv`, `kind` column).
    DateWord {
        Month = "month",
        Weekday = "weekday",
        DayOffset = "day_offset",
        WeekOffset = "week_offset",
        MonthOffset = "month_offset",
        YearOffset = "year_offset",
        PartOfDay = "part_of_day",
        Present = "present",
        Past = "past",
        Future = "future",
        Unit = "unit",
        Era = "era",
        Season = "season",
    }
}

closed_set! {
    /// Flags of a casualty word (`casualty.tsv`, `flags` column).
    CasualtyFlag {
        /// Ambiguous ("shot"): dropped when the same number is reported killed.
        Weak = "weak",
        /// Counts wounds, not people ("six gunshot wounds").
        NoCount = "nocount",
        /// Implies one victim ("with a gunshot wound").
        One = "one",
    }
}

closed_set! {
    /// Settings of a language pack (`settings.tsv`, `key` column).
    Setting {
        /// `modifier_head` ("ceasefire talks": the head is last) or `head_modifier`.
        NounCompound = "noun_compound",
        /// `mdy` or `dmy`: the order of a numeric date with slashes.
        NumericDate = "numeric_date",
        /// `yes` where month names are capitalised (then a lower-case one is a word).
        MonthCapitalised = "month_capitalised",
        /// `yes` for the one language assumed when none is identified.
        Fallback = "fallback",
        /// The language's English name (for diagnostics).
        Name = "name",
        /// Comma list of grammar word classes the language has no forms for.
        None = "none",
        /// Comma list of prefixes written attached to the next word (Arabic و، ف، ب، ل،
        /// ك، ال and their combinations): a word starting with one is also looked up
        /// without it.
        Clitics = "clitics",
        /// `head_last` where compounds are written as one word ending in their head
        /// (German "Raketenangriff"): the head of a long word is looked up too.
        Compounds = "compounds",
        /// Comma list of the ISO 3166-1 alpha-3 codes of countries where the language is
        /// a national language: a report in it about an event there is national (ACLED's
        /// source scale), one from elsewhere international.
        Countries = "countries",
    }
}

closed_set! {
    /// Kinds of non-casualty numbers (`Quantity::kind`).
    QuantityKind {
        TroopsDeployed = "troops_deployed",
        Peacekeepers = "peacekeepers",
        PrisonersExchanged = "prisoners_exchanged",
        Displaced = "displaced",
        DurationDays = "duration_days",
    }
}
