"""What a ceremony is made of, as plain frozen dataclasses: the event, its projects, commands, the log.

Money is an integer of 万元 everywhere; land is an exact ``Decimal`` of 亩. Nothing here knows Flask, SQL,
Socket.IO or words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# "keys": the golden keys of a handover, handed over on stage (their QR codes, large).
SCREENS = ("title", "spotlight", "roll", "finale", "blank", "keys")
# What a screen reports it has drawn (its ``seen``): a screen above, or a round (several projects in the
# spotlight), their 签约图 with the live ink, the lobby's codes, or the safe look (the title, for panic).
DRAWN_SCREENS = (*SCREENS, "round", "signing", "lobby", "safe")
SIGNING_ACTIONS = ("announce", "confirm", "undo", "show")
# The run of show: fire the standby cue, choose it, go back one, jump to any cue, the safe look and back
# from it, and a line for the MC's monitor.
CUE_ACTIONS = ("go", "standby", "back", "jump", "panic", "unpanic", "note")
# The signing pads: arm a round's pads (GO and announce do it too), disarm them, let one pad sign again.
PAD_ACTIONS = ("arm", "disarm", "reopen")
ACTIONS = SIGNING_ACTIONS + CUE_ACTIONS + PAD_ACTIONS
# A pad's submitted signature: only the pad itself sends it (kiosk.ceremony.service.submit_signature).
SUBMIT = "submit"
# Who signs on a pad: the district (甲方, the event's host) or the company (乙方, the project's investor).
PARTIES = ("host", "investor")
# What a pad shows: nothing to sign yet, its signing field, its signature sent, the project signed.
PAD_STATES = ("waiting", "armed", "signing", "submitted", "signed")
# The 签约图's looks (kiosk.certificate.layout draws them).
CERTIFICATE_TEMPLATES = ("classic", "modern")
# What an agenda item is (CONTRACT.md's 环节/kind column).
CUE_KINDS = ("opening", "speech", "remarks", "signing", "handover", "video", "photo", "closing")
# What a fired cue puts on the wall. A speech keeps the title with the speaker's lower third over it; a
# video and the group photo keep the title (the AV desk plays the film; the photo is taken in front of it).
CUE_SCREENS = {
    "opening": "title",
    "speech": "title",
    "remarks": "title",
    "signing": "spotlight",
    "handover": "keys",
    "video": "title",
    "photo": "title",
    "closing": "finale",
}
# Cues whose speaker is named on the wall (a lower third).
SPEAKING_KINDS = ("speech", "remarks")
MAX_NOTE = 120
# What a paired screen draws of the show: the main wall, a portrait totem, a side screen (the roll and the
# running total only), a lobby screen (every signed project's golden-key QR code).
LAYOUTS = ("main", "totem", "side", "lobby")
# Log entries that change the setup (projects, event) rather than the show; they only move seq.
SETUP_ACTION = "setup"
# What a setup entry records in its ``screen`` field when it opens or closes a locked show for editing.
UNLOCK, LOCK = "unlock", "lock"
MODES = ("rehearsal", "live")

WAN_PER_YI = 10_000


@dataclass(frozen=True)
class Event:
    title: str
    subtitle: str = ""
    date: str = ""  # ISO date, or "" when not set
    # The venue's time zone (an IANA name): every time a page, the report or an export shows is written in
    # it, whatever zone the server's own clock is set to (instants are stored with their offsets).
    timezone: str = "Asia/Shanghai"
    venue: str = ""
    host: str = ""
    language: str = "zh"
    theme: str = "red"
    primary_color: str | None = None
    accent_color: str | None = None
    logo: str | None = None
    background: str | None = None
    # How amounts are written on every screen: "auto" (亿元 from 1 亿, else 万元), "yi" or "wan"; and the
    # most decimal places shown. The exact figure stays in amount_wan and in the report.
    money_unit: str = "auto"
    money_decimals: int = 2
    # Publish the running order's figures before each project is announced (a press pack handed out in
    # advance); off, a guest on the Wi-Fi reads an amount when the room sees it.
    publish_in_advance: bool = False
    # The running total as a gauge against the planned total, with its milestones ("突破100亿元"): the
    # planned total is then shown to the room.
    show_goal: bool = False
    # A calm wall: no confetti or motion beyond fades (as a screen asking for reduced motion gets anyway).
    calm: bool = False
    # The 签约图: its look, the ink the signatures are drawn in, an optional picture behind it; whether a
    # round may be confirmed before every pad has submitted, and whether the last submission signs it.
    certificate_template: str = "classic"
    ink_color: str = "#1b1b1b"
    certificate_background: str | None = None
    signatures_required: bool = False
    sign_on_submit: bool = False
    # The English forms of what the organiser types, for an English ceremony; "" where not given (the
    # screens then show the Chinese: kiosk.ceremony.english).
    title_en: str = ""
    subtitle_en: str = ""
    venue_en: str = ""
    host_en: str = ""


@dataclass(frozen=True)
class Project:
    id: str
    order: int
    name: str
    investor: str
    amount_wan: int
    land_mu: Decimal | None = None
    industry: str | None = None
    signatories: tuple[str, ...] = ()
    summary: str | None = None
    # English forms ("" or () where not given); industry_en only matters for an industry beyond the
    # catalogue's (KNOWN_INDUSTRIES have their English there). signatories_en lists the same people in the
    # same order as signatories.
    name_en: str = ""
    investor_en: str = ""
    industry_en: str = ""
    signatories_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cue:
    """One item of the agenda: what happens, who, which projects (a signing round or a handover), when it
    is planned and for how long, and what the MC says. ``id`` is stable across edits of its fields."""

    id: str
    order: int
    kind: str
    title: str
    person: str = ""
    role: str = ""
    project_ids: tuple[str, ...] = ()
    planned_time: str | None = None  # "HH:MM" on the event's day
    minutes: int | None = None
    script: str = ""
    # English forms, "" where not given: the title, the speaker, their title, the MC's script.
    title_en: str = ""
    person_en: str = ""
    role_en: str = ""
    script_en: str = ""


@dataclass(frozen=True)
class Pad:
    """One signatory's tablet at the signing table, or a remote party's phone (云签约)."""

    id: str
    order: int
    name: str  # the signatory, as the pad and the wall name them
    project_id: str
    party: str  # one of PARTIES
    remote_place: str = ""  # "深圳分会场": this party signs from another city


# A round is the projects signed at one moment: the agenda's 项目 cell names them and a confirm carries
# them, so the import and the command take the same count (more than any signing table seats).
MAX_ROUND = 100
# A command's id (a client's nonce, repeated to get the first answer again) and the ids a command names.
MAX_COMMAND_ID = 100
MAX_ID = 100


@dataclass(frozen=True)
class Command:
    command_id: str
    action: str
    project_id: str | None = None
    screen: str | None = None
    expected_seq: int | None = None
    # A round signed at one moment (confirm), or the cue a cue command names (standby, jump; go: the
    # standby the operator saw, so a second tap cannot fire the cue after it).
    project_ids: tuple[str, ...] = ()
    cue_id: str | None = None
    text: str | None = None  # note: the line for the MC's monitor ("" clears it)
    pad_id: str | None = None  # reopen, submit
    signature_id: str | None = None  # submit: the attempt the pad sends


@dataclass(frozen=True)
class LogEntry:
    seq: int
    action: str
    at: str
    command_id: str | None = None
    project_id: str | None = None
    screen: str | None = None
    undoes: int | None = None  # for an undo: the seq of the confirm it takes back
    device: str | None = None
    # Every project the entry concerns (a round's confirm, its undo, a fired round or handover); the first
    # is ``project_id``.
    project_ids: tuple[str, ...] = ()
    cue_id: str | None = None
    text: str | None = None
    pad_id: str | None = None
    signature_id: str | None = None

    @property
    def projects(self) -> tuple[str, ...]:
        if self.project_ids:
            return self.project_ids
        return (self.project_id,) if self.project_id else ()


@dataclass(frozen=True)
class State:
    seq: int = 0
    screen: str = "title"
    spotlight_id: str | None = None
    # project id -> the confirm entry that signed it; insertion order is signing order.
    signed: dict[str, LogEntry] = field(default_factory=dict)
    last: LogEntry | None = None
    # Projects the wall has shown in this run (announced, signed or shown again): their figures are public.
    shown: frozenset[str] = frozenset()
    # The run has had a signing (even one since undone): in a live run the running order is then locked.
    signing_started: bool = False
    # An editor unlocked editing the locked running order (a logged setup entry), until it is locked again.
    edits_unlocked: bool = False
    # Every project on the wall's spotlight (a round shows several together; the first is spotlight_id).
    spotlight_ids: tuple[str, ...] = ()
    # The run of show: the cue now running and when it began, the one GO fires if the operator chose it
    # (None: the next in order), the safe look, the speaker named on the wall, the MC's line.
    cue_id: str | None = None
    cue_at: str | None = None
    standby_id: str | None = None
    panic: bool = False
    caption_cue_id: str | None = None
    note: LogEntry | None = None
    # The signing pads: the projects whose pads may sign now, and each pad's standing submission.
    armed: frozenset[str] = frozenset()
    submitted: dict[str, LogEntry] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One pass of the show (a rehearsal or the live ceremony): its id names the log to clients."""

    id: str
    mode: str
    started_at: str


@dataclass(frozen=True)
class Ceremony:
    """Everything a view is built from, as it stood after one committed change."""

    event: Event
    projects: tuple[Project, ...]
    state: State
    run: Run
    # The agenda in order: the organiser's, or one made from the projects (rules.agenda).
    cues: tuple[Cue, ...] = ()
    pads: tuple[Pad, ...] = ()
