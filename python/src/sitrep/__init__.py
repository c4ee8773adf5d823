"""sitrep: source-attributed conflict events from news articles, offline.

The same engine as the ``sitrep`` command line, in-process:

>>> import sitrep
>>> record = sitrep.extract(open("article.txt").read(), published="2022-09-13")
>>> [(e["event_type"], e["status"]) for e in record["events"]][:2]
>>> store = sitrep.Store("sitrep.db")
>>> store.ingest(["examples/"])
>>> df = store.events_df(country="ARM", status="current")

Records and events are plain dicts in the shapes the CLI writes (``shared/spec/output.md``
for records, ``sitrep query --format jsonl`` for events). Work runs without the GIL.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from . import _sitrep
from ._sitrep import SitrepError

__all__ = ["extract", "extract_many", "Store", "SitrepError", "SUPPORTED", "EXTRACTOR", "__version__"]
__version__ = "0.1.0"

#: Languages with a data pack (ISO 639-1 codes).
SUPPORTED: List[str] = list(_sitrep.SUPPORTED)
#: What analyses here (version, data fingerprint), as the store records it.
EXTRACTOR: str = _sitrep.EXTRACTOR

PathLike = Union[str, "os.PathLike[str]"]


def extract(
    text: str,
    lang: Optional[str] = None,
    published: Optional[str] = None,
    *,
    id: Optional[str] = None,
    title: Optional[str] = None,
    url: Optional[str] = None,
) -> Dict[str, Any]:
    """Extracts events, casualties, places and dates from one article.

    ``lang`` forces a language (one of :data:`SUPPORTED`; detected otherwise);
    ``published`` (``YYYY-MM-DD``) resolves relative dates ("Tuesday"). Returns the result
    record: ``doc``, ``events``, ``quantities``, ``places``, ``dates``,
    ``contradictions``, ``diagnostics``. Raises ``ValueError`` for an unsupported
    language or a date that is not a real day.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return json.loads(_sitrep.extract_json(text, lang, published, id, title, url))


def extract_many(
    documents: Iterable[Dict[str, Any]], jobs: Optional[int] = None, chunk: int = 256
) -> Iterator[Dict[str, Any]]:
    """Extracts from many articles, yielding one result record per input, in order.

    Each input is a dict with ``text`` (required) and optionally ``id``, ``lang``,
    ``published``, ``title``, ``url``. Inputs are read ``chunk`` at a time and analysed on
    ``jobs`` threads (default: all cores) without the GIL, so an endless iterable streams.
    An input that is not an article (no ``text``) yields ``{"error": "..."}``.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    batch: List[str] = []
    for d in documents:
        if not isinstance(d, dict):
            raise TypeError(f"each document must be a dict, not {type(d).__name__}")
        batch.append(json.dumps(d, ensure_ascii=False))
        if len(batch) >= chunk:
            yield from (json.loads(r) for r in _sitrep.extract_jsonl(batch, jobs))
            batch = []
    if batch:
        yield from (json.loads(r) for r in _sitrep.extract_jsonl(batch, jobs))


_FILTERS = ("country", "type", "status", "date_from", "date_to", "actor", "min_fatalities", "text", "near", "as_of")


class Store:
    """The event store: a SQLite file, created when missing (the one ``sitrep ingest``,
    ``sitrep query`` and ``sitrep serve`` use).

    Filters (keyword arguments of :meth:`events` and :meth:`events_df`): ``country``
    (ISO 3166-1 alpha-3), ``type`` (PLOVER type), ``status`` (``current``,
    ``historical``, ... or ``any``; default ``current``, as in the CLI and the API), ``date_from``/``date_to``
    (``YYYY-MM-DD``), ``actor``, ``min_fatalities``, ``text`` (full-text search),
    ``near`` (``(lat, lon, km)``), ``as_of`` (the dataset as it stood at that time:
    ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``, UTC unless an offset follows), plus
    ``limit`` and ``offset``.
    """

    def __init__(self, path_or_url: PathLike) -> None:
        self._inner = _sitrep.Store(os.fspath(path_or_url))

    @property
    def path(self) -> str:
        """The database file."""
        return str(self._inner.path)

    def __repr__(self) -> str:
        return f"sitrep.Store({self.path!r})"

    def ingest(
        self,
        paths_or_records: Union[PathLike, Iterable[Union[PathLike, Dict[str, Any]]]],
        lang: Optional[str] = None,
        published: Optional[str] = None,
        jobs: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Stores articles and fuses their events.

        Takes a path, or an iterable of paths (files or directories in any format
        ``sitrep ingest`` reads: text, JSON Lines, HTML, RSS/Atom, WARC) and article dicts
        (``text``, ``id``, ``published``, ...). Articles already stored are skipped.
        Returns ``read``, ``added``, ``already_stored``, ``documents``, ``events`` and
        ``problems`` (each unreadable input, named as the CLI names it).
        """
        if isinstance(paths_or_records, (str, os.PathLike)):
            paths_or_records = [paths_or_records]
        paths: List[str] = []
        records: List[str] = []
        for x in paths_or_records:
            if isinstance(x, dict):
                records.append(json.dumps(x, ensure_ascii=False))
            elif isinstance(x, (str, os.PathLike)):
                paths.append(os.fspath(x))
            else:
                raise TypeError(f"expected a path or an article dict, not {type(x).__name__}")
        return json.loads(self._inner.ingest(paths, records, lang, published, jobs))

    def events(self, limit: int = 0, offset: int = 0, **filters: Any) -> List[Dict[str, Any]]:
        """Fused events matching the filters (see the class), newest first as
        ``sitrep query`` orders them; ``limit=0``: all."""
        return [json.loads(e) for e in self._inner.events_json(**_filters(filters), limit=limit, offset=offset)]

    def event(self, id: str, as_of: Optional[str] = None) -> Dict[str, Any]:
        """One event in full: tolls, claims, contradictions, mentions with evidence
        (as it stood at ``as_of``, if given)."""
        return json.loads(self._inner.event_json(id, as_of))

    def events_df(self, limit: int = 0, offset: int = 0, **filters: Any) -> "Any":
        """:meth:`events` as a pandas DataFrame, one row per event: ``id``, ``date``
        (datetime), ``event_type``, ``status``, ``country``, ``admin1``, ``place``,
        ``lat``, ``lon``, ``fatalities`` (best estimate, nullable integer),
        ``fatalities_low``, ``fatalities_high``, ``n_documents``, ``langs``, ``headline``,
        ``actors`` (names joined by "; "). Needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Store.events_df needs pandas: pip install pandas (or pip install 'sitrep[pandas]')") from None
        rows = [_row(e) for e in self.events(limit=limit, offset=offset, **filters)]
        df = pd.DataFrame(rows, columns=list(_COLUMNS))
        df["date"] = pd.to_datetime(df["date"], errors="coerce", format="mixed")
        for c in ("fatalities", "fatalities_low", "fatalities_high", "n_documents"):
            df[c] = df[c].astype("Int64")
        return df


_COLUMNS = (
    "id", "date", "event_type", "status", "country", "admin1", "place", "lat", "lon", "fatalities",
    "fatalities_low", "fatalities_high", "n_documents", "langs", "headline", "actors",
)


def _row(e: Dict[str, Any]) -> Tuple[Any, ...]:
    f = e.get("fatalities") or {}
    actors = "; ".join(a.get("name") or a.get("text") or "" for a in e.get("actors") or [])
    return (
        e.get("id"), e.get("date"), e.get("event_type"), e.get("status"), e.get("country"), e.get("admin1"),
        e.get("place"), e.get("lat"), e.get("lon"), f.get("best"), f.get("low"), f.get("high"),
        e.get("n_documents"), ",".join(e.get("langs") or []), e.get("headline"), actors,
    )


def _filters(filters: Dict[str, Any]) -> Dict[str, Any]:
    unknown = sorted(set(filters) - set(_FILTERS))
    if unknown:
        raise TypeError(f"unknown filter {unknown[0]!r}; filters: {', '.join(_FILTERS)}")
    out = dict(filters)
    if "type" in out:
        out["event_type"] = out.pop("type")
    if out.get("near") is not None:
        near = tuple(float(x) for x in out["near"])
        if len(near) != 3:
            raise ValueError("near: (lat, lon, km)")
        out["near"] = near
    return out
