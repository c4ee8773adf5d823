use super::*;

/// A killed claim: `(count, qualifier, claimant)`.
fn killed(count: u64, qualifier: &str, claimant: Option<&str>) -> ClaimFacts {
    ClaimFacts {
        kind: "killed".into(),
        count: Some(count),
        qualifier: qualifier.into(),
        victims: Victims {
            text: Some("villagers".into()),
            country: Some("ZZZ".into()),
            sector: Some("civilian".into()),
        },
        claimant: claimant.map(str::to_string),
        ..ClaimFacts::default()
    }
}

/// A mention of article `doc` (named `art-<doc>`) published on `day` with these claims.
fn mention(doc: DocId, day: &str, claims: Vec<ClaimFacts>) -> MentionSummary {
    MentionSummary {
        key: format!("h{doc}-0"),
        doc,
        document: format!("art-{doc}"),
        published: Some(day.into()),
        lang: Some(if doc == 1 { "xx" } else { "yy" }.into()),
        event_id: Some(format!("art-{doc}#e1")),
        event_type: "ASSAULT".into(),
        date: Some(day.into()),
        country: Some("ZZZ".into()),
        evidence: format!("sentence of article {doc}"),
        claims,
        ..MentionSummary::default()
    }
}

#[test]
fn labels() {
    assert_eq!(label("at_least", Some(49), None, None), "≥49");
    assert_eq!(label("range", Some(10), Some(10), Some(15)), "10–15");
    assert_eq!(label("approx", Some(7), None, None), "~7");
    assert_eq!(label("exact", None, None, None), "unknown");
    assert_eq!(label("nonsense", Some(3), None, None), "3");
}

#[test]
fn tolls_of_two_claims_from_two_articles() {
    let a = mention(1, "2031-05-02", vec![killed(12, "exact", Some("the governor"))]);
    let b = mention(2, "2031-05-02", vec![killed(20, "at_least", None)]);
    let s = summarize(&[&a, &b], &BTreeMap::new());
    assert_eq!(s.tolls.len(), 1);
    let t = &s.tolls[0];
    assert_eq!(t.kind, "killed");
    assert_eq!(
        t.victims,
        Victims { text: Some("villagers".into()), country: Some("ZZZ".into()), sector: Some("civilian".into()) }
    );
    // The own voice (no claimant) sorts first.
    let labels: Vec<(&str, Option<&str>, usize)> =
        t.claims.iter().map(|c| (c.label.as_str(), c.claimant.as_deref(), c.documents)).collect();
    assert_eq!(labels, [("≥20", None, 1), ("12", Some("the governor"), 1)]);
    assert_eq!(
        s.summary,
        [
            "killed ZZZ civilian: ≥20 (the article's own voice, 1 article)",
            "killed ZZZ civilian: 12 (the governor, 1 article)",
        ]
    );
    // Low 12, high 20, best the median of the articles' largest figures (lower middle).
    assert_eq!(s.killed, Some(Bounds { low: 12, best: 12, high: 20 }));
    assert_eq!(s.injured, None);
    assert_eq!((s.n_mentions, s.n_documents), (2, 2));
    assert_eq!(s.langs, ["xx", "yy"]);
    assert_eq!(s.headline, "sentence of article 1");
}

#[test]
fn same_wording_in_two_articles_counts_two_documents() {
    let a = mention(1, "2031-05-02", vec![killed(5, "exact", Some("Police"))]);
    let b = mention(2, "2031-05-02", vec![killed(5, "exact", Some("police"))]);
    let s = summarize(&[&a, &b], &BTreeMap::new());
    let c = &s.tolls[0].claims;
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].documents, c[0].claimant.as_deref()), (2, Some("Police / police")));
    assert!(s.contradictions.is_empty());
}

#[test]
fn contradiction_across_articles() {
    let a = mention(1, "2031-05-02", vec![killed(3, "exact", Some("the army"))]);
    let b = mention(2, "2031-05-02", vec![killed(30, "more_than", Some("a medic"))]);
    let s = summarize(&[&a, &b], &BTreeMap::new());
    assert_eq!(
        s.contradictions,
        [Contradiction::Cross(CrossContradiction {
            counts: [Some(3), Some(30)],
            explanation: "killed ZZZ civilian: 3 (the army, art-1) vs >30 (a medic, art-2)".into(),
        })]
    );
    // Compatible figures ("about 30" and "at least 28") do not contradict.
    let a = mention(1, "2031-05-02", vec![killed(30, "approx", None)]);
    let b = mention(2, "2031-05-02", vec![killed(28, "at_least", Some("a medic"))]);
    assert!(summarize(&[&a, &b], &BTreeMap::new()).contradictions.is_empty());
}

#[test]
fn a_growing_toll_of_one_claimant_is_an_update() {
    let a = mention(1, "2031-05-02", vec![killed(3, "exact", Some("the army"))]);
    let b = mention(2, "2031-05-03", vec![killed(9, "exact", Some("the army"))]);
    assert!(summarize(&[&a, &b], &BTreeMap::new()).contradictions.is_empty());
}

#[test]
fn a_claimant_revising_its_toll_moves_the_best_figure() {
    let a = mention(1, "2031-05-02", vec![killed(12, "exact", Some("the army"))]);
    let b = mention(2, "2031-05-03", vec![killed(19, "exact", Some("the army"))]);
    let k = summarize(&[&a, &b], &BTreeMap::new()).killed.unwrap();
    assert_eq!((k.low, k.best, k.high), (12, 19, 19));
    // Both figures stay among the claims.
    assert_eq!(summarize(&[&a, &b], &BTreeMap::new()).tolls[0].claims.len(), 2);
    // Two claimants on the same day: no revision, the median of the articles (lower).
    let c = mention(2, "2031-05-02", vec![killed(19, "exact", Some("a medic"))]);
    let k = summarize(&[&a, &c], &BTreeMap::new()).killed.unwrap();
    assert_eq!((k.low, k.best, k.high), (12, 12, 19));
}

#[test]
fn document_contradictions_of_members_only() {
    let a = mention(1, "2031-05-02", vec![]);
    let own = |e: &str| DocContradiction {
        kind: "casualty_count".into(),
        a: format!("art-1#{e}/c0"),
        b: format!("art-1#{e}/c1"),
        counts: [Some(1), Some(2)],
        explanation: "1 vs 2".into(),
    };
    let contras = BTreeMap::from([(1, vec![own("e1"), own("e2")])]);
    let s = summarize(&[&a], &contras);
    assert_eq!(s.contradictions, [Contradiction::Document { document: "art-1".into(), found: own("e1") }]);
}

#[test]
fn parties_and_place() {
    let party = |name: Option<&str>, text: &str, country: Option<&str>| Party {
        name: name.map(str::to_string),
        text: Some(text.into()),
        country: country.map(str::to_string),
        sector: None,
    };
    let mut a = mention(1, "2031-05-02", vec![]);
    a.actors = vec![party(None, "gunmen", Some("ZZZ")), party(Some("Blue Front"), "the Front", None)];
    a.precision = Some("country".into());
    let mut b = mention(2, "2031-05-02", vec![]);
    b.actors = vec![party(None, "armed men", Some("ZZZ")), party(Some("Blue Front"), "Blue Front", None)];
    b.place = Some("Townsville".into());
    b.precision = Some("city".into());
    let s = summarize(&[&a, &b], &BTreeMap::new());
    assert_eq!(s.actors, a.actors);
    assert_eq!(s.parties_text, "gunmen | ZZZ | Blue Front | the Front");
    assert_eq!((s.place.as_deref(), s.precision.as_deref()), (Some("Townsville"), Some("city")));
    assert_eq!(s.date.as_deref(), Some("2031-05-02"));
}
