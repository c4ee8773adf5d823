"""The Python package against the repository's examples (run by .ci/run in its own venv)."""

import pathlib
import sys
import threading

import pytest

import sitrep

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "fr" / "armenia-azerbaijan-2022-09-13.txt"


def killed(record):
    return [c for e in record["events"] for c in e["casualties"] if c["kind"] == "killed"]


def test_extract_reads_the_seed_article():
    r = sitrep.extract(SEED.read_text(encoding="utf-8"), published="2022-09-13")
    assert r["doc"]["lang"] == "fr"
    claims = killed(r)
    mod = [c for c in claims if c["count"] == 49]
    assert mod and mod[0]["qualifier"] == "at_least" and mod[0]["claimant"] is not None
    assert any(c["count"] == 6600 and c["status"] == "historical" for c in claims)
    assert r["contradictions"], "the lede's 99 contradicts the ministry's 49"
    assert sitrep.extract("Two soldiers were killed in Gao on Monday.", lang="EN")["doc"]["lang"] == "en"


def test_extract_checks_its_arguments():
    with pytest.raises(ValueError, match="supported: .*fr"):
        sitrep.extract("Deux soldats tués.", lang="xx")
    with pytest.raises(ValueError, match="not a date"):
        sitrep.extract("Deux soldats tués.", published="2022-13-45")
    with pytest.raises(TypeError):
        sitrep.extract(b"bytes")
    assert "fr" in sitrep.SUPPORTED and len(sitrep.SUPPORTED) >= 10
    assert sitrep.EXTRACTOR.startswith("sitrep ")


def test_extract_many_streams_in_order():
    made = []

    def docs():
        for i in range(600):
            made.append(i)
            yield {"id": f"d{i}", "text": f"{i + 2} soldiers were killed in Gao on Monday.", "published": "2024-02-05"}

    out = sitrep.extract_many(docs(), jobs=2, chunk=100)
    first = next(out)
    assert first["doc"]["id"] == "d0" and len(made) == 100, "reads one chunk at a time"
    rest = list(out)
    assert [r["doc"]["id"] for r in rest] == [f"d{i}" for i in range(1, 600)]
    assert [c["count"] for c in killed(rest[-1])] == [601]
    bad = list(sitrep.extract_many([{"id": "x"}, {"id": "y", "text": "Two soldiers were killed."}]))
    assert "error" in bad[0] and bad[1]["doc"]["id"] == "y"
    with pytest.raises(TypeError):
        list(sitrep.extract_many(["not a dict"]))


def test_threads_share_the_engine():
    text = SEED.read_text(encoding="utf-8")
    results = []
    threads = [threading.Thread(target=lambda: results.append(sitrep.extract(text))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)


def test_store_ingests_queries_and_reports_errors(tmp_path):
    store = sitrep.Store(tmp_path / "s.db")
    r = store.ingest([EXAMPLES])
    assert (r["read"], r["added"], r["problems"]) == (11, 11, []), r
    assert store.ingest(str(EXAMPLES))["added"] == 0, "re-ingesting adds nothing"
    r = store.ingest([{"id": "gao", "text": "At least 12 people were killed in an attack in Gao on Monday, the army said.", "published": "2024-02-05"}])
    assert (r["added"], r["documents"]) == (1, 12)
    arm = store.events(country="arm", status="current")
    assert arm and all(e["country"] == "ARM" and e["status"] == "current" for e in arm)
    assert store.events() == store.events(status="current"), "one default everywhere: current"
    assert len(store.events(status="any")) > len(store.events())
    assert len(store.events(limit=3)) == 3
    assert store.events(limit=2, offset=1) == store.events(limit=3)[1:]
    full = store.event(arm[0]["id"])
    assert full["mentions"] and full["mentions"][0]["evidence"]["text"]
    assert any(e["id"] == full["id"] for e in store.events(type="assault") + store.events(status="any"))
    mali = store.events(near=(16.0, -0.5, 200))
    assert mali and mali[0]["country"] == "MLI"
    with pytest.raises(ValueError, match="PLOVER"):
        store.events(type="FOO")
    with pytest.raises(ValueError, match="status"):
        store.events(status="bogus")
    with pytest.raises(TypeError, match="unknown filter"):
        store.events(colour="red")
    with pytest.raises(sitrep.SitrepError, match="not found"):
        store.event("Enope")
    with pytest.raises(sitrep.SitrepError, match="nothing to read"):
        store.ingest(tmp_path / "missing")
    with pytest.raises(sitrep.SitrepError, match="PostgreSQL"):
        sitrep.Store("postgres://localhost/sitrep")
    (tmp_path / "other.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(sitrep.SitrepError, match="cannot open"):
        sitrep.Store(tmp_path / "other.db")


def test_events_df_plots_fatalities_per_week(tmp_path):
    import pandas as pd

    store = sitrep.Store(tmp_path / "s.db")
    store.ingest([EXAMPLES])
    df = store.events_df(status="current")
    assert list(df.columns)[:4] == ["id", "date", "event_type", "status"]
    assert len(df) == len(store.events(status="current"))
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert str(df["fatalities"].dtype) == "Int64"
    weekly = df.set_index("date")["fatalities"].resample("W").sum()
    assert weekly.max() > 0


def test_events_df_without_pandas(tmp_path, monkeypatch):
    store = sitrep.Store(tmp_path / "s.db")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        store.events_df()


def test_events_as_of_a_time(tmp_path):
    import datetime
    import time

    def now():
        t = datetime.datetime.now(datetime.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"

    store = sitrep.Store(tmp_path / "s.db")
    gao = "At least 12 people were killed in an attack in Gao on Monday, the army said."
    store.ingest([{"id": "gao-1", "text": gao, "published": "2024-02-05"}])
    time.sleep(0.01)
    then = now()
    before = store.events()
    time.sleep(0.01)
    later = "At least 19 people were killed in the attack in Gao on Monday, the army said on Tuesday."
    store.ingest([{"id": "gao-2", "text": later, "published": "2024-02-06"}])
    assert store.events() != before
    assert store.events(as_of=then) == before
    assert store.event(before[0]["id"], as_of=then)["n_documents"] == 1
    assert store.events(as_of="2000-01-01") == []
    with pytest.raises(ValueError, match="as_of"):
        store.events(as_of="last tuesday")
