"""The golden key (项目专属服务金钥匙): each project's concierge card. Plain Python, no Flask or SQL.

A card has a secret token (its address ``/c/<token>``), a named contact and the services the contact gives.
Tokens are ≥128 random bits, made once and kept for good (cards are printed before the day), and can be
rotated: the old address then simply no longer exists.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import vobject

# What the article says each golden key opens: "项目报批报建、用地规划、创新发展、科技金融、产业政策兑现".
DEFAULT_SERVICES = ("项目报批报建", "用地规划", "创新发展", "科技金融", "产业政策兑现")
MILESTONES = ("签约", "落地", "开工", "投产")
TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

TEXT_LIMITS = {
    "contact_name": 60,
    "contact_title": 80,
    "contact_phone": 40,
    "contact_email": 120,
    "contact_wechat": 60,
    "notes": 500,
}
SERVICE_LIMIT, SERVICES_MAX = 40, 12
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,30}((转|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)


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

    def services_or(self, default: tuple[str, ...]) -> tuple[str, ...]:
        return self.services if self.services is not None else default


class CardInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{k}: {r}" for k, r in errors))
        self.errors = errors


def clean_services(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise CardInvalid([("services", "必须是文字列表")])
    items = tuple(s.strip() for s in value if s.strip())
    if len(items) > SERVICES_MAX or any(len(s) > SERVICE_LIMIT for s in items):
        raise CardInvalid([("services", f"最多 {SERVICES_MAX} 项，每项最多 {SERVICE_LIMIT} 个字")])
    return items


def clean_edit(payload: object) -> dict:
    """Validate an operator's edit of a card; returns only the fields given. Raises ``CardInvalid``."""
    if not isinstance(payload, dict):
        raise CardInvalid([("body", "必须是 JSON 对象")])
    out: dict = {}
    errors: list[tuple[str, str]] = []
    for key, limit in TEXT_LIMITS.items():
        if key not in payload:
            continue
        value = payload[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            out[key] = None
            continue
        if not isinstance(value, str) or len(value.strip()) > limit:
            errors.append((key, f"必须是不超过 {limit} 个字的文字"))
            continue
        text = value.strip()
        if key == "contact_phone" and not PHONE_RE.match(text):
            errors.append((key, "不是有效的电话号码"))
        elif key == "contact_email" and not EMAIL_RE.match(text):
            errors.append((key, "不是有效的电子邮箱"))
        else:
            out[key] = text
    if "services" in payload:
        if payload["services"] is None:
            out["services"] = None
        else:
            try:
                out["services"] = clean_services(payload["services"])
            except CardInvalid as err:
                errors.extend(err.errors)
    unknown = set(payload) - set(TEXT_LIMITS) - {"services"}
    errors.extend((k, "未知字段") for k in sorted(unknown))
    if errors:
        raise CardInvalid(errors)
    return out


def vcard(card: Card, organisation: str) -> str:
    """vCard 3.0 of the contact, as iOS Contacts and Android import it (vobject does escaping and folding)."""
    v = vobject.vCard()
    name = card.contact_name or "项目服务专员"
    v.add("n").value = (
        vobject.vcard.Name(family=name[:1], given=name[1:]) if _is_cjk(name) else _split_name(name)
    )
    v.add("fn").value = name
    v.add("org").value = [organisation]
    if card.contact_title:
        v.add("title").value = card.contact_title
    if card.contact_phone:
        tel = v.add("tel")
        tel.value = card.contact_phone
        tel.type_param = "WORK"
    if card.contact_email:
        email = v.add("email")
        email.value = card.contact_email
        email.type_param = "INTERNET"
    if card.contact_wechat:
        v.add("note").value = f"微信：{card.contact_wechat}"
    return v.serialize()


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _split_name(name: str):
    parts = name.split()
    if len(parts) > 1:
        return vobject.vcard.Name(family=parts[-1], given=" ".join(parts[:-1]))
    return vobject.vcard.Name(family=name)
