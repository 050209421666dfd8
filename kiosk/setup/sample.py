"""The sample ceremony from the seed article, loaded when the server starts on an empty data folder: the
event, its seven projects and the morning's agenda (流程)."""

from __future__ import annotations

import json
from importlib import resources

from ..core.model import Event
from .agenda import parse_agenda
from .importer import parse_projects


def _data(name: str):
    return resources.files("kiosk.setup").joinpath("data", name)


def sample_csv() -> bytes:
    return _data("sample_ceremony.csv").read_bytes()


def sample_agenda_csv() -> bytes:
    return _data("sample_agenda.csv").read_bytes()


def sample_event() -> Event:
    raw = json.loads(_data("sample_event.json").read_text(encoding="utf-8"))
    return Event(**{k: v for k, v in raw.items() if not k.startswith("_")})


def load_sample(ceremony) -> None:
    """``ceremony``: the service (``kiosk.ceremony.service.Ceremony``)."""
    ceremony.save_event(sample_event())
    drafts = parse_projects(sample_csv(), "sample_ceremony.csv")
    agenda = parse_agenda(sample_agenda_csv(), "sample_agenda.csv", range(1, len(drafts) + 1))
    ceremony.import_projects(drafts, agenda=agenda)
