"""A concierge's contact as a vCard 3.0, as iOS Contacts and Android import it (vobject escapes and folds).

vobject (with dateutil) is imported at the first vCard, not with the app, to keep it out of the server's
start-up time."""

from __future__ import annotations

from ..setup.cards import Card
from ..words.catalogue import N_, gettext

DEFAULT_NAME = N_("项目服务专员")
WECHAT = N_("微信：%(id)s")


def vcard(card: Card, organisation: str, lang: str) -> str:
    import vobject

    v = vobject.vCard()
    name = card.contact_name or gettext(DEFAULT_NAME, lang)
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
        v.add("note").value = gettext(WECHAT, lang, id=card.contact_wechat)
    return v.serialize()


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _split_name(name: str):
    import vobject

    parts = name.split()
    if len(parts) > 1:
        return vobject.vcard.Name(family=parts[-1], given=" ".join(parts[:-1]))
    return vobject.vcard.Name(family=name)
