"""The golden key's page, as the company holding the card sees it: its own project (with its figures even
before the room has seen them: the card's token is its proof), the concierge, the services, the steps after
the day, and the signed 签约图 to download once every pad has signed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...setup.cards import MILESTONES
from ...words import format as fmt
from ...words.catalogue import word

if TYPE_CHECKING:
    from ...core.model import Project
    from ...setup.cards import Card
    from ..service import Ceremony


def card_page(c: Ceremony, project: Project, card: Card) -> dict:
    own = next((p for p in c.view("operator")["projects"] if p["id"] == project.id), None) or {}
    lang = c.lang
    signed = own.get("status") == "signed"
    pads = [d for d in c.pads if d.project_id == project.id]
    certificate = None
    if signed and pads and all(d.id in c.state.submitted for d in pads):
        base = f"/api/v1/projects/{project.id}/certificate"
        certificate = {f: f"{base}.{f}?card={card.token}" for f in ("png", "pdf")}
    return {
        "project": own,
        "card": card,
        "services": c.services_of(card),
        "milestones": [word(m, lang) for m in MILESTONES],
        "signed": signed,
        "signed_text": fmt.moment(own.get("signed_at"), lang, c.zone) if signed else "",
        "certificate": certificate,
    }
