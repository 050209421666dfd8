"""The sample ceremony from the seed article, loaded when the server starts on an empty data folder."""

from __future__ import annotations

import json
from importlib import resources

from .domain import Event
from .importer import parse_projects
from .service import Ceremony


def sample_csv() -> bytes:
    return resources.files("kiosk").joinpath("data/sample_ceremony.csv").read_bytes()


def sample_event() -> Event:
    raw = json.loads(resources.files("kiosk").joinpath("data/sample_event.json").read_text(encoding="utf-8"))
    return Event(**{k: v for k, v in raw.items() if not k.startswith("_")})


def load_sample(ceremony: Ceremony) -> None:
    ceremony.save_event(sample_event())
    ceremony.import_projects(parse_projects(sample_csv(), "sample_ceremony.csv"))
