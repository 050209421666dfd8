"""What the public live page (/live) shows remote viewers: a small projection of the public view.

Every viewer receives every change, and there may be ten thousand of them, so the bytes per viewer per
change are what the server pays for. The projection is made from the public view alone (never from the
ceremony itself), so it cannot carry anything the room may not read: no contact, no card address, no
figure of a project the wall has not shown. It keeps only what the page draws — the running total, the
signing of the moment and the roll of signed projects — with every figure already written in the event's
words. ``version`` moves only when something a viewer sees changed (a console's note to the MC or a pad
being armed moves ``seq`` but not this page), so such changes need not be sent to anyone.
"""

from __future__ import annotations

# The wall's screens that put projects in front of the room: a spotlight (announced, then signed) and the
# golden keys being handed over.
ON_WALL = ("spotlight", "keys")


def _figure(figure: dict | None) -> dict | None:
    """A money figure as the page draws it: its text, and its parts for a big number beside a small unit."""
    if figure is None:
        return None
    out = {"text": figure["text"], "value": figure["value"], "unit": figure["unit"]}
    if figure.get("prefix"):
        out["prefix"] = figure["prefix"]
    return out


def _now(view: dict, by_id: dict) -> dict | None:
    wall = view["wall"]
    if wall["panic"] or wall["screen"] not in ON_WALL:
        return None
    up = [by_id[pid] for pid in wall["project_ids"] if pid in by_id]
    if not up:
        return None
    round_ = wall.get("round")
    return {
        "screen": wall["screen"],
        "round": {"text": round_["text"], "amount": round_["amount"]["text"]} if round_ else None,
        "projects": [
            {
                "order": p["order"],
                "name": p["name"],
                "investor": p["investor"],
                # None until the wall has shown the project (the public view withholds it until then).
                "amount": p["amount"]["text"] if p["amount"] else None,
                "status": p["status"],
                "status_text": p["status_text"],
            }
            for p in up
        ],
    }


def _speech(view: dict) -> dict | None:
    """The speaker the livestream's lower third names now, if any (the safe look names no one)."""
    cue = view.get("cue") or {}
    caption = cue.get("lower_third")
    if not caption or view["wall"]["panic"]:
        return None
    kind = next(
        (c.get("kind_label") for c in view.get("cues") or [] if c.get("id") == caption.get("cue_id")), None
    )
    return {"kind": kind, "name": caption.get("name"), "role": caption.get("role")}


def content(view: dict) -> dict:
    """Everything the page draws, without the version (so two changes can be told apart by content)."""
    by_id = {p["id"]: p for p in view["projects"]}
    roll = []
    for pid in view["signing_order"]:
        p = by_id.get(pid)
        if p is None or p["status"] != "signed":
            continue
        roll.append(
            {
                "order": p["order"],
                "name": p["name"],
                "investor": p["investor"],
                "amount": p["amount"]["text"] if p["amount"] else None,
                "time": p["signed_time"],
            }
        )
    event = view["event"]
    return {
        "log_id": view["log_id"],
        "lang": view["lang"],
        "title": event["title"],
        "subtitle": event.get("subtitle") or "",
        "date": event.get("date_text") or "",
        # The venue's time zone: the page writes the time it last heard from the server on the venue's clock.
        "timezone": event.get("timezone"),
        "total": _figure(view["total"]),
        "signed": view["signed_count"],
        "count": view["project_count"],
        "now": _now(view, by_id),
        "speech": _speech(view),
        "roll": roll,
    }


def live(view: dict, previous: dict | None = None) -> dict:
    """The projection of the public ``view``; ``previous`` (the last one made) keeps its ``version`` when
    nothing a viewer sees has changed. ``version`` is the public view's ``seq`` at the change that made it."""
    body = content(view)
    if previous is not None and {k: v for k, v in previous.items() if k != "version"} == body:
        return previous
    return {"version": view["seq"], **body}
