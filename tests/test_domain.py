"""The ceremony's rules and the views built from them, called directly: no Flask, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.ceremony import views
from kiosk.ceremony.rules import CeremonyError, apply_entry, decide, replay, tier_of, yi
from kiosk.core.model import SCREENS, Ceremony, Command, Event, Project, Run, State
from kiosk.words import messages


def snapshot(event: Event, ps: list[Project], state: State) -> dict:
    """The public view of these projects in this state."""
    return views.public(Ceremony(event, tuple(ps), state, Run(id="r", mode="live", started_at=AT)))


AT = "2021-06-21T10:00:00+08:00"


def projects(*amounts_yi) -> list[Project]:
    return [
        Project(
            id=f"p{i}",
            order=i,
            name=f"项目{i}",
            investor=f"企业{i}",
            amount_wan=int(Decimal(a) * 10000),
            land_mu=Decimal(10 * i),
            industry="新材料" if i % 2 else "生物医药",
        )
        for i, a in enumerate(amounts_yi, start=1)
    ]


def run(state: State, ps, action, cid=None, **kw) -> State:
    entry = decide(state, ps, Command(command_id=cid or f"c{state.seq + 1}", action=action, **kw), AT, "test")
    return apply_entry(state, entry)


def code_of(state, ps, action, **kw) -> str:
    with pytest.raises(CeremonyError) as err:
        decide(state, ps, Command(command_id="x", action=action, **kw), AT, None)
    return err.value.code


def test_an_unknown_screen_is_answered_with_every_screen_there_is():
    with pytest.raises(CeremonyError) as err:
        decide(State(), projects("1"), Command(command_id="x", action="show", screen="sideways"), AT, None)
    assert err.value.params["choices"] == SCREENS
    said = messages.text(err.value.code, "en", err.value.params)
    assert said.endswith("choose from title, spotlight, roll, finale, blank and keys")


def test_confirm_announces_signs_and_counts():
    ps = projects("100", "52.3")
    s = run(State(), ps, "confirm", project_id="p2")
    snap = snapshot(Event(title="t"), ps, s)
    assert s.seq == 1
    assert snap["screen"] == "spotlight" and snap["spotlight_id"] == "p2"
    assert [p["status"] for p in snap["projects"]] == ["pending", "signed"]
    assert snap["total_wan"] == 523000 and snap["total_yi"] == "52.3"
    assert snap["signed_count"] == 1
    assert snap["projects"][1]["signed_at"] == AT


def test_announce_then_confirm_and_next():
    ps = projects("1", "2", "3")
    s = run(State(), ps, "announce", project_id="p1")
    snap = snapshot(Event(title="t"), ps, s)
    assert snap["projects"][0]["status"] == "announced"
    assert snap["next_id"] == "p2"
    s = run(s, ps, "confirm", project_id="p1")
    assert snapshot(Event(title="t"), ps, s)["next_id"] == "p2"


def test_an_announced_project_stays_next_when_the_wall_switches_away():
    ps = projects("1", "2", "3")
    s = run(State(), ps, "announce", project_id="p2")
    assert snapshot(Event(title="t"), ps, s)["next_id"] == "p3"  # on the wall now: standby is the one after
    s = run(s, ps, "show", screen="roll")
    snap = snapshot(Event(title="t"), ps, s)
    assert snap["next_id"] == "p2" and snap["projects"][1]["status"] == "pending"


def test_errors_have_stable_codes():
    ps = projects("1")
    s = run(State(), ps, "confirm", project_id="p1")
    assert code_of(s, ps, "confirm", project_id="p1") == "already_signed"
    assert code_of(s, ps, "announce", project_id="p1") == "already_signed"
    assert code_of(s, ps, "confirm", project_id="nope") == "unknown_project"
    assert code_of(s, ps, "confirm") == "missing_project"
    assert code_of(State(), ps, "undo") == "nothing_to_undo"
    assert code_of(s, ps, "show", screen="sideways") == "unknown_screen"
    assert code_of(s, ps, "confirm", project_id="p1", expected_seq=0) == "seq_conflict"


def test_undo_takes_back_the_most_recent_signing_only():
    ps = projects("10", "20", "30")
    s = run(State(), ps, "confirm", project_id="p1")
    s = run(s, ps, "confirm", project_id="p3")
    s = run(s, ps, "undo")
    snap = snapshot(Event(title="t"), ps, s)
    assert [p["status"] for p in snap["projects"]] == ["signed", "pending", "announced"]
    assert snap["total_yi"] == "10"
    s = run(s, ps, "undo")
    assert snapshot(Event(title="t"), ps, s)["total_wan"] == 0
    assert code_of(s, ps, "undo") == "nothing_to_undo"
    # an undone project can be signed again; the log keeps both signings and the undo
    s = run(s, ps, "confirm", project_id="p3")
    assert snapshot(Event(title="t"), ps, s)["total_yi"] == "30"
    assert s.seq == 5


def test_show_switches_screens_and_brings_back_a_signed_project():
    ps = projects("1", "2")
    s = run(State(), ps, "confirm", project_id="p1")
    s = run(s, ps, "show", screen="finale")
    assert snapshot(Event(title="t"), ps, s)["screen"] == "finale"
    s = run(s, ps, "show", screen="spotlight", project_id="p1")
    snap = snapshot(Event(title="t"), ps, s)
    assert (snap["screen"], snap["spotlight_id"], snap["projects"][0]["status"]) == (
        "spotlight",
        "p1",
        "signed",
    )
    for screen in ("title", "roll", "blank"):
        s = run(s, ps, "show", screen=screen)
        assert snapshot(Event(title="t"), ps, s)["screen"] == screen


def test_tiers_are_exclusive_bands_as_the_article_counts_them():
    assert [tier_of(w) for w in (1_000_000, 999_999, 500_000, 200_000, 100_000, 99_999)] == [
        100,
        50,
        50,
        20,
        10,
        None,
    ]
    ps = projects("100", "52", "30", "12", "5", "4", "3")
    s = State()
    for p in ps:
        s = run(s, ps, "confirm", project_id=p.id)
    snap = snapshot(Event(title="t"), ps, s)
    assert snap["total_yi"] == "206"
    assert [t["count"] for t in snap["tiers"]] == [1, 1, 1, 1]


def test_amounts_are_exact():
    assert yi(1) == "0.0001"
    assert yi(2_060_000) == "206"
    assert yi(123_456_789) == "12345.6789"
    ps = projects("0.0001", "0.0002", "1234.5678")
    s = State()
    for p in ps:
        s = run(s, ps, "confirm", project_id=p.id)
    snap = snapshot(Event(title="t"), ps, s)
    assert snap["total_wan"] == 1 + 2 + 12_345_678
    assert snap["total_yi"] == "1234.5681"


def test_public_view_carries_no_contact_nor_card_address(make_app):
    """Built from a ceremony whose projects do have concierges with phones, e-mails and card addresses."""
    app = make_app()
    ceremony = app.extensions["kiosk"]
    cards = ceremony.storage.load_cards()
    for pid in cards:
        ceremony.update_card(pid, {"contact_email": f"{pid}@example.gov.cn", "contact_wechat": f"wx-{pid}"})
    cards = ceremony.storage.load_cards()
    secrets = [c.token for c in cards.values()]
    secrets += [
        v
        for c in cards.values()
        for v in (c.contact_name, c.contact_phone, c.contact_email, c.contact_wechat)
    ]
    assert len([s for s in secrets if s]) == 7 * 5  # every card has all five: the test can see a leak
    for view in (ceremony.view("public"), app.test_client().get("/api/v1/state").get_json()):
        text = repr(view)
        leaked = [s for s in secrets if s and s in text]
        assert not leaked, leaked


class CeremonyMachine(RuleBasedStateMachine):
    """Any sequence of commands: the total is the sum of the signed amounts, nothing is signed twice, and
    replaying the log reproduces the state."""

    def __init__(self):
        super().__init__()
        self.ps = projects("100", "52.3", "0.0001", "12", "7")
        self.state = State()
        self.log = []
        self.signings = []  # our own model: the stack of signed project ids

    def _do(self, action, **kw):
        command = Command(command_id=f"c{len(self.log)}", action=action, **kw)
        try:
            entry = decide(self.state, self.ps, command, AT, None)
        except CeremonyError as err:
            return err.code
        self.log.append(entry)
        self.state = apply_entry(self.state, entry)
        return "ok"

    @rule(i=st.integers(0, 5))
    def confirm(self, i):
        pid = f"p{i}"  # p0 does not exist
        was_signed = pid in self.signings
        outcome = self._do("confirm", project_id=pid)
        if i == 0:
            assert outcome == "unknown_project"
        elif was_signed:
            assert outcome == "already_signed"
        else:
            assert outcome == "ok"
            self.signings.append(pid)

    @rule(i=st.integers(1, 5))
    def announce(self, i):
        outcome = self._do("announce", project_id=f"p{i}")
        assert outcome == ("already_signed" if f"p{i}" in self.signings else "ok")

    @rule()
    def undo(self):
        outcome = self._do("undo")
        if self.signings:
            assert outcome == "ok"
            self.signings.pop()
        else:
            assert outcome == "nothing_to_undo"

    @rule(screen=st.sampled_from(["title", "roll", "finale", "blank", "spotlight", "bogus"]))
    def show(self, screen):
        before = self.state
        outcome = self._do("show", screen=screen)
        if screen == "bogus":
            assert outcome == "unknown_screen" and self.state == before
            return
        # A spotlight without a project names the one on screen, else the next one waiting: there is
        # always one unless every project is signed and none was ever on screen.
        spot = before.spotlight_id or next((p.id for p in self.ps if p.id not in self.signings), None)
        if screen == "spotlight" and spot is None:
            assert outcome == "missing_project" and self.state == before
            return
        assert outcome == "ok"
        view = snapshot(Event(title="t"), self.ps, self.state)
        assert view["screen"] == screen and view["wall"]["screen"] == screen
        if screen == "spotlight":
            assert view["spotlight_id"] == spot == view["wall"]["project_id"]
        else:
            assert view["spotlight_id"] == before.spotlight_id and view["wall"]["project_id"] is None

    @rule(stale=st.integers(-3, -1))
    def stale_command(self, stale):
        assert self._do("undo", expected_seq=self.state.seq + stale) == "seq_conflict"

    @invariant()
    def total_is_sum_of_signed(self):
        snap = snapshot(Event(title="t"), self.ps, self.state)
        amounts = {p.id: p.amount_wan for p in self.ps}
        assert snap["total_wan"] == sum(amounts[pid] for pid in self.signings)
        assert snap["signed_count"] == len(self.signings) == len(set(self.signings))
        assert sorted(p["id"] for p in snap["projects"] if p["status"] == "signed") == sorted(self.signings)

    @invariant()
    def replay_reproduces_state(self):
        assert replay(self.log) == self.state
        assert [e.seq for e in self.log] == list(range(1, len(self.log) + 1))


CeremonyMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_ceremony_machine = CeremonyMachine.TestCase
