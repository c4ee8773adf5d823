//! Compiles every data pack under `data/` into an fst map (folded form → postings offset)
//! plus a postings file (`count, row, row, ...` as little-endian u32), written to OUT_DIR.
//! The TSV text itself is copied to OUT_DIR so that a missing pack builds as empty (with a
//! warning) instead of failing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "src/tsv.rs"]
mod tsv;

#[path = "src/packs.rs"]
mod packs;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let data = manifest.join("../../data");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", data.display());
    println!("cargo:rerun-if-changed={}", data.join("lang").display());
    let langs = discover(&data.join("lang"));
    for (dir, file) in packs::GLOBAL_FILES {
        let path = data.join(dir).join(format!("{file}.tsv"));
        compile(&path, &out, &format!("{dir}_{file}"), None);
    }
    for lang in &langs {
        let dir = data.join("lang").join(lang);
        let lemmas = Lemmas::read(&dir);
        for file in packs::LANG_FILES.iter().chain(packs::PLAIN_FILES) {
            compile(&dir.join(format!("{file}.tsv")), &out, &format!("{lang}_{file}"), lemmas.for_table(file));
        }
        let mut paths: Vec<PathBuf> = packs::LANG_FILES.iter().map(|f| dir.join(format!("{f}.tsv"))).collect();
        paths.extend(packs::INDEXED_GLOBAL.iter().map(|(d, f)| data.join(d).join(format!("{f}.tsv"))));
        let endings = name_endings(&dir.join("name_endings.tsv"));
        combine(&paths, &out, &format!("{lang}_combined"), &endings, &lemmas);
    }
    generate(&langs, &out, &fingerprint(&data));
}

/// FNV-1a (64-bit) over every data file's path and bytes, in path order (`data/eval/`,
/// evaluation data, excluded): the data half of the extractor's identity.
fn fingerprint(data: &Path) -> String {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                if p != root.join("eval") {
                    walk(&p, root, out);
                }
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(data, data, &mut files);
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        let rel = f.strip_prefix(data).unwrap_or(f);
        eat(rel.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&std::fs::read(f).unwrap_or_default());
        eat(&[0]);
    }
    format!("{h:016x}")
}

/// Every folder under `data/lang/` is a language pack, named by its ISO 639-1 code.
fn discover(dir: &Path) -> Vec<String> {
    let mut langs: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    langs.sort();
    langs
}

/// `langs.rs`: the language list and one lazily built pack per language.
fn generate(langs: &[String], out: &Path, fingerprint: &str) {
    let mut s = String::from("/// Languages with a data pack under `data/lang/` (discovered at build time).\n");
    s.push_str("/// Hash of every data file (`data/`, less `data/eval/`) this build compiled.\n");
    s.push_str(&format!("pub const DATA_FINGERPRINT: &str = {fingerprint:?};\n"));
    let quoted: Vec<String> = langs.iter().map(|l| format!("{l:?}")).collect();
    s.push_str(&format!("pub const LANGS: &[&str] = &[{}];\n", quoted.join(", ")));
    s.push_str(&format!("static PACKS: [LazyLock<LangPack>; {}] = [\n", langs.len()));
    for l in langs {
        s.push_str(&format!("    LazyLock::new(|| lang_pack!({l:?})),\n"));
    }
    s.push_str("];\n");
    std::fs::write(out.join("langs.rs"), s).unwrap();
}

/// One automaton over several tables: each key's postings list, for every table that
/// has the key, `(table id << 24) | offset of the key's postings in that table`.
/// The global tables' names (places, organisations, people) are also indexed in their
/// inflected forms (`endings`): "Харькове", "Украины" find Kharkiv and Ukraine.
fn combine(paths: &[PathBuf], out: &Path, name: &str, endings: &[Ending], lemmas: &Lemmas) {
    let mut combined: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (tid, path) in paths.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let content = std::fs::read_to_string(path).unwrap_or_else(|_| String::from("form\n"));
        let expand = packs::LANG_FILES.get(tid).and_then(|f| lemmas.for_table(f));
        let keys = offsets(&table_keys(&content, expand));
        let own: std::collections::HashSet<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        let mut extra: BTreeMap<String, u32> = BTreeMap::new();
        for (key, offset) in &keys {
            assert!(*offset < 1 << 24, "{name}: postings offset too large");
            let entry = ((tid as u32) << 24) | *offset as u32;
            combined.entry(key.clone()).or_default().push(entry);
            if tid >= packs::LANG_FILES.len() {
                for form in inflect(key, endings) {
                    if !own.contains(form.as_str()) {
                        extra.entry(form).or_insert(entry);
                    }
                }
            }
        }
        for (form, entry) in extra {
            combined.entry(form).or_default().push(entry);
        }
    }
    write_fst(combined, out, name);
}

/// One row of a pack's `name_endings.tsv`: a name ending in `ending` (folded; empty:
/// any other letter of the variants' script) is also written with each variant.
struct Ending {
    ending: String,
    variants: Vec<String>,
}

fn name_endings(path: &Path) -> Vec<Ending> {
    println!("cargo:rerun-if-changed={}", path.display());
    let Ok(content) = std::fs::read_to_string(path) else { return Vec::new() };
    let (header, rows) = tsv::parse(&content);
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap_or_else(|| panic!("{}: no {n}", path.display()));
    let (e, v) = (col("ending"), col("variants"));
    let mut out: Vec<Ending> = rows
        .iter()
        .map(|r| Ending {
            ending: if r[e] == "-" { String::new() } else { sitrep_text::fold_key(r[e]) },
            // `-`: names with this ending do not inflect
            variants: r[v]
                .split(',')
                .filter(|x| *x != "-")
                .map(sitrep_text::fold_key)
                .filter(|x| !x.is_empty())
                .collect(),
        })
        .collect();
    // The longest ending that fits decides ("ия" before "я").
    out.sort_by_key(|r| std::cmp::Reverse(r.ending.chars().count()));
    out
}

/// The inflected forms of a folded name: its last word's ending replaced by each
/// variant of the longest ending rule that fits, for names whose last word is at least
/// four letters of the variants' script.
fn inflect(key: &str, endings: &[Ending]) -> Vec<String> {
    let last = key.rsplit(' ').next().unwrap_or(key);
    if endings.is_empty() || last.chars().count() < 4 || !last.chars().all(char::is_alphabetic) {
        return Vec::new();
    }
    let script = |c: char| c as u32 >> 8; // the Unicode block row: Cyrillic 0x04, Arabic 0x06
    let in_script = |r: &Ending| {
        r.ending
            .chars()
            .chain(r.variants.iter().flat_map(|v| v.chars()))
            .next()
            .is_some_and(|c| last.chars().all(|l| script(l) == script(c)))
    };
    let Some(rule) = endings.iter().find(|r| in_script(r) && key.ends_with(&r.ending)) else {
        return Vec::new();
    };
    let stem = &key[..key.len() - rule.ending.len()];
    rule.variants.iter().map(|v| format!("{stem}{v}")).collect()
}

/// Folded key → rows, for one table; with `lemmas`, every other form of a row's
/// one-word form is a key of the row too (where the table does not list that form).
fn table_keys(content: &str, lemmas: Option<&Lemmas>) -> BTreeMap<String, Vec<u32>> {
    let (header, rows) = tsv::parse(content);
    let mut keys: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut extra: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let pos = header.iter().position(|h| *h == "pos");
    for (i, row) in rows.iter().enumerate() {
        let key = sitrep_text::fold_key(row[0]);
        if key.is_empty() {
            continue;
        }
        // Only nouns among the triggers: a verb's other forms are other parts of speech.
        let inflects = pos.is_none_or(|p| row.get(p) == Some(&"N"));
        if let Some(l) = lemmas.filter(|_| inflects && !key.contains(' ') && !key.ends_with('*')) {
            for form in l.other_forms(&key) {
                extra.entry(form.to_string()).or_default().push(i as u32);
            }
        }
        keys.entry(key).or_default().push(i as u32);
    }
    for (form, ids) in extra {
        keys.entry(form).or_insert(ids);
    }
    keys
}

/// A pack's `lemmas.tsv` (`form lemma`, generated by `tools/data/lemma_forms.py`).
#[derive(Default)]
struct Lemmas {
    lemmas_of: BTreeMap<String, Vec<String>>,
    forms_of: BTreeMap<String, Vec<String>>,
    /// Every form the pack's own tables list: an other form that is one of them is
    /// another word (Arabic بينت "she explained" and بينهم "among them" share a lemma
    /// once unvowelled), so it is not added.
    known: std::collections::HashSet<String>,
}

/// The folded forms of every matched file of a language pack.
fn known_words(dir: &Path) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for file in packs::LANG_FILES {
        if let Ok(content) = std::fs::read_to_string(dir.join(format!("{file}.tsv"))) {
            let (_, rows) = tsv::parse(&content);
            out.extend(rows.iter().map(|r| sitrep_text::fold_key(r[0])));
        }
    }
    out
}

impl Lemmas {
    /// The tables whose rows are matched in every form of their word.
    const TABLES: &[&str] = &["casualty", "speech", "demonyms", "actors", "triggers"];

    /// The `lemmas.tsv` of the language pack in `dir`, with the pack's own forms.
    fn read(dir: &Path) -> Lemmas {
        let path = dir.join("lemmas.tsv");
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(content) = std::fs::read_to_string(&path) else { return Lemmas::default() };
        let (header, rows) = tsv::parse(&content);
        let col = |n: &str| header.iter().position(|h| *h == n).unwrap_or_else(|| panic!("{}: no {n}", path.display()));
        let (f, l) = (col("form"), col("lemma"));
        let mut out = Lemmas { known: known_words(dir), ..Lemmas::default() };
        for r in &rows {
            let (form, lemma) = (sitrep_text::fold_key(r[f]), sitrep_text::fold_key(r[l]));
            out.lemmas_of.entry(form.clone()).or_default().push(lemma.clone());
            out.forms_of.entry(lemma).or_default().push(form);
        }
        out
    }

    fn for_table(&self, table: &str) -> Option<&Lemmas> {
        (!self.lemmas_of.is_empty() && Lemmas::TABLES.contains(&table)).then_some(self)
    }

    /// Every form sharing a lemma with `form` (the word itself may be the lemma).
    fn other_forms<'a>(&'a self, form: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let own = self.forms_of.contains_key(form).then_some(form);
        let lemmas = self.lemmas_of.get(form).into_iter().flatten().map(String::as_str).chain(own);
        lemmas
            .flat_map(|l| self.forms_of.get(l).into_iter().flatten().map(String::as_str))
            .filter(move |f| *f != form && !self.known.contains(*f))
    }
}

/// The postings offset `write_fst` gives each key.
fn offsets(keys: &BTreeMap<String, Vec<u32>>) -> Vec<(String, u64)> {
    let mut at = 0u64;
    keys.iter()
        .map(|(k, ids)| {
            let o = at;
            at += 1 + ids.len() as u64;
            (k.clone(), o)
        })
        .collect()
}

fn write_fst(keys: BTreeMap<String, Vec<u32>>, out: &Path, name: &str) {
    let mut post: Vec<u8> = Vec::new();
    let mut builder = fst::MapBuilder::memory();
    for (key, ids) in &keys {
        let offset = (post.len() / 4) as u64;
        post.extend_from_slice(&(ids.len() as u32).to_le_bytes());
        for id in ids {
            post.extend_from_slice(&id.to_le_bytes());
        }
        builder.insert(key, offset).expect("keys are sorted");
    }
    let fst_bytes = builder.into_inner().expect("fst build");
    std::fs::write(out.join(format!("{name}.fst")), fst_bytes).unwrap();
    // The stems of the stem wildcards (`bombard*`): the walk tries `*` only at the
    // nodes they lead to.
    let stems: String = keys.keys().filter_map(|k| k.strip_suffix('*')).map(|s| format!("{s}\n")).collect();
    std::fs::write(out.join(format!("{name}.stems")), stems).unwrap();
    std::fs::write(out.join(format!("{name}.post")), post).unwrap();
}

fn compile(path: &Path, out: &Path, name: &str, lemmas: Option<&Lemmas>) {
    println!("cargo:rerun-if-changed={}", path.display());
    let content = match std::fs::read_to_string(path) {
        Ok(c) => c,
        Err(_) => {
            println!("cargo:warning=data pack {} is missing: built empty", path.display());
            String::from("form\n")
        }
    };
    let keys = table_keys(&content, lemmas);
    write_fst(keys, out, name);
    std::fs::write(out.join(format!("{name}.rows")), tsv::row_starts(&content)).unwrap();
    std::fs::write(out.join(format!("{name}.tsv")), content).unwrap();
}
