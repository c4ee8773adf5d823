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
    for lang in &langs {
        for file in packs::LANG_FILES.iter().chain(packs::PLAIN_FILES) {
            let path = data.join("lang").join(lang).join(format!("{file}.tsv"));
            compile(&path, &out, &format!("{lang}_{file}"));
        }
    }
    for (dir, file) in packs::GLOBAL_FILES {
        let path = data.join(dir).join(format!("{file}.tsv"));
        compile(&path, &out, &format!("{dir}_{file}"));
    }
    for lang in &langs {
        let mut paths: Vec<PathBuf> =
            packs::LANG_FILES.iter().map(|f| data.join("lang").join(lang).join(format!("{f}.tsv"))).collect();
        paths.extend(packs::INDEXED_GLOBAL.iter().map(|(d, f)| data.join(d).join(format!("{f}.tsv"))));
        combine(&paths, &out, &format!("{lang}_combined"));
    }
    generate(&langs, &out);
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
fn generate(langs: &[String], out: &Path) {
    let mut s = String::from("/// Languages with a data pack under `data/lang/` (discovered at build time).\n");
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
fn combine(paths: &[PathBuf], out: &Path, name: &str) {
    let mut combined: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (tid, path) in paths.iter().enumerate() {
        let content = std::fs::read_to_string(path).unwrap_or_else(|_| String::from("form\n"));
        for (key, offset) in offsets(&table_keys(&content)) {
            assert!(offset < 1 << 24, "{name}: postings offset too large");
            combined.entry(key).or_default().push(((tid as u32) << 24) | offset as u32);
        }
    }
    write_fst(combined, out, name);
}

/// Folded key → rows, for one table.
fn table_keys(content: &str) -> BTreeMap<String, Vec<u32>> {
    let (_, rows) = tsv::parse(content);
    let mut keys: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let key = sitrep_text::fold_key(row[0]);
        if !key.is_empty() {
            keys.entry(key).or_default().push(i as u32);
        }
    }
    keys
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
    std::fs::write(out.join(format!("{name}.post")), post).unwrap();
}

fn compile(path: &Path, out: &Path, name: &str) {
    println!("cargo:rerun-if-changed={}", path.display());
    let content = match std::fs::read_to_string(path) {
        Ok(c) => c,
        Err(_) => {
            println!("cargo:warning=data pack {} is missing: built empty", path.display());
            String::from("form\n")
        }
    };
    let keys = table_keys(&content);
    // Whether some form is a stem wildcard (`bombard*`): the walk only then tries `*`.
    let wildcard = keys.keys().any(|k| k.ends_with('*'));
    std::fs::write(out.join(format!("{name}.wild")), [u8::from(wildcard)]).unwrap();
    write_fst(keys, out, name);
    std::fs::write(out.join(format!("{name}.tsv")), content).unwrap();
}
