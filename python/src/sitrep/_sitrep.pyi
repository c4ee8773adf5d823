"""Type stubs of the extension module (the public API is `sitrep`)."""

import os
from typing import List, Optional, Tuple, Union

SUPPORTED: List[str]
EXTRACTOR: str

class SitrepError(Exception): ...

def extract_json(
    text: str,
    lang: Optional[str] = None,
    published: Optional[str] = None,
    id: Optional[str] = None,
    title: Optional[str] = None,
    url: Optional[str] = None,
) -> str: ...
def extract_jsonl(lines: List[str], jobs: Optional[int] = None) -> List[str]: ...

class Store:
    def __init__(self, path: Union[str, os.PathLike[str]]) -> None: ...
    @property
    def path(self) -> str: ...
    def ingest(
        self,
        paths: List[str],
        records: List[str],
        lang: Optional[str] = None,
        published: Optional[str] = None,
        jobs: Optional[int] = None,
        batch: int = 256,
    ) -> str: ...
    def events_json(
        self,
        country: Optional[str] = None,
        event_type: Optional[str] = None,
        status: Optional[str] = None,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        actor: Optional[str] = None,
        min_fatalities: Optional[int] = None,
        text: Optional[str] = None,
        near: Optional[Tuple[float, float, float]] = None,
        limit: int = 0,
        offset: int = 0,
    ) -> List[str]: ...
    def event_json(self, id: str) -> str: ...
