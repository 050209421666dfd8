"""The golden key (项目专属服务金钥匙): each project's concierge card. Plain Python, no Flask or SQL.

A card has a secret token (its address ``/c/<token>``), a named contact and the services the contact gives.
Tokens are ≥128 random bits, made once and kept for good (cards are printed before the day), and can be
rotated: the old address then simply no longer exists. Its fields are validated by ``kiosk.setup.fields``,
the same rules as the project editor's 服务专员 and 专员电话.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from ..words.catalogue import N_
from .fields import CARD_KEYS, clean

# What the article says each golden key opens: "项目报批报建、用地规划、创新发展、科技金融、产业政策兑现".
# Message ids: an event in English shows them in English until the organiser writes a list of its own.
DEFAULT_SERVICES = (N_("项目报批报建"), N_("用地规划"), N_("创新发展"), N_("科技金融"), N_("产业政策兑现"))
MILESTONES = (N_("签约"), N_("落地"), N_("开工"), N_("投产"))
TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """Cheap shape check before any lookup: ``/c/1`` and friends are 404 without touching the database."""
    return bool(TOKEN_RE.match(text))


@dataclass(frozen=True)
class Card:
    project_id: str
    token: str
    contact_name: str | None = None
    contact_title: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    contact_wechat: str | None = None
    services: tuple[str, ...] | None = None  # None: the event's default list
    notes: str | None = None


def clean_edit(payload: object) -> dict:
    """Validate an operator's edit of a card; returns only the fields given. Raises ``FieldErrors``."""
    from .fields import FieldErrors, Problem

    if not isinstance(payload, dict):
        raise FieldErrors([Problem("body", "invalid_request", {"variant": "not_object"})])
    return clean(payload, CARD_KEYS, partial=True)
