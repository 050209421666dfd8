"""The run of show in the domain: GO, standby, back, jump, the safe look, the MC's line, and rounds signed
and undone as one — called directly, no Flask, no database; then the same rules through the store."""

from __future__ import annotations

import contextlib
import threading
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.ceremony import views
from kiosk.ceremony.rules import CeremonyError, agenda, apply_entry, decide, milestone_crossed, replay
from kiosk.core.model import Ceremony, Command, Cue, Event, Project, Run, State
from kiosk.reporting import charts
from kiosk.words import messages

AT = "2021-06-21T09:30:00+08:00"


def projects(n: int = 5) -> list[Project]:
    return [
        Project(
            id=f"p{i}",
            order=i,
            name=f"项目{i}",
            investor=f"企业{i}",
            amount_wan=10000 * i,
            land_mu=Decimal(i),
        )
        for i in range(1, n + 1)
    ]


def cues() -> tuple[Cue, ...]:
    return (
        Cue(id="open", order=1, kind="opening", title="开场"),
        Cue(id="talk", order=2, kind="speech", title="致辞", person="周建光", role="区委书记"),
        Cue(id="r1", order=3, kind="signing", title="第一轮", project_ids=("p1", "p2", "p3")),
        Cue(id="keys", order=4, kind="handover", title="授钥匙"),
        Cue(id="r2", order=5, kind="signing", title="第二轮", project_ids=("p4", "p5")),
        Cue(id="end", order=6, kind="closing", title="结束"),
    )


class Show:
    """A state and the commands run on it, as the service runs them (decide, then fold)."""

    def __init__(self, ps=None, cs=None):
        self.ps = ps if ps is not None else projects()
        self.cs = agenda(cs if cs is not None else cues(), self.ps)
        self.state = State()
        self.log = []

    def do(self, action: str, **kw):
        command = Command(command_id=uuid.uuid4().hex, action=action, **kw)
        entry = decide(self.state, self.ps, command, AT, "test", self.cs)
        self.state = apply_entry(self.state, entry)
        self.log.append(entry)
        return entry

    def refused(self, action: str, **kw) -> str:
        with pytest.raises(CeremonyError) as err:
            decide(self.state, self.ps, Command(command_id="x", action=action, **kw), AT, None, self.cs)
        return err.value.code

    def view(self, audience: str = "public") -> dict:
        snap = Ceremony(Event(title="签约仪式"), tuple(self.ps), self.state, Run("r", "live", AT), self.cs)
        return views.AUDIENCES[audience](snap)


def test_go_fires_each_cue_in_turn_and_the_wall_takes_its_look():
    show = Show()
    looks = []
    for _ in range(3):
        show.do("go")
        v = show.view()
        looks.append((v["cue"]["current_id"], v["wall"]["screen"], v["wall"]["project_ids"]))
    assert looks == [("open", "title", []), ("talk", "title", []), ("r1", "spotlight", ["p1", "p2", "p3"])]
    v = show.view()
    # A round is announced together: all three on the wall, their figures public, one line under them.
    assert [p["status"] for p in v["projects"]][:3] == ["announced"] * 3
    assert all(p["amount"] for p in v["projects"][:3]) and v["projects"][3]["amount"] is None
    assert v["wall"]["round"]["count"] == 3 and v["wall"]["round"]["amount"]["text"] == "6亿元"
    assert v["cue"]["standby_id"] == "keys"


def test_a_speech_names_its_speaker_until_the_wall_moves_on():
    show = Show()
    show.do("go")
    assert show.view()["cue"]["lower_third"] is None
    show.do("go")
    assert show.view()["cue"]["lower_third"] == {"cue_id": "talk", "name": "周建光", "role": "区委书记"}
    show.do("panic")
    v = show.view()
    assert v["cue"]["lower_third"] is None and v["wall"] == {**v["wall"], "screen": "title", "panic": True}
    show.do("unpanic")
    assert show.view()["cue"]["lower_third"]["name"] == "周建光"
    show.do("show", screen="roll")  # the operator took the wall elsewhere: the name goes with the look
    assert show.view()["cue"]["lower_third"] is None


def test_go_names_a_rounds_unsigned_projects_as_the_events_language_lists_them():
    show = Show()
    for _ in range(3):
        show.do("go")
    with pytest.raises(CeremonyError) as err:
        decide(show.state, show.ps, Command(command_id="x", action="go"), AT, None, show.cs)
    assert err.value.params["names"] == ["项目1", "项目2", "项目3"]
    assert "（项目1、项目2、项目3）" in messages.text(err.value.code, "zh", err.value.params)
    assert "(项目1, 项目2 and 项目3)" in messages.text(err.value.code, "en", err.value.params)


def test_a_round_signs_at_one_moment_and_is_undone_as_one():
    show = Show()
    for _ in range(3):
        show.do("go")
    # GO waits for the round's confirm: a nervous double press must not skip the signing.
    assert show.refused("go") == "round_unsigned"
    entry = show.do("confirm", project_ids=("p3", "p1", "p2"))
    assert entry.project_ids == ("p1", "p2", "p3") and entry.project_id == "p1" and entry.cue_id == "r1"
    v = show.view()
    assert v["signed_count"] == 3 and v["total_wan"] == 60000
    assert len({p["signed_at"] for p in v["projects"][:3]}) == 1
    assert v["last"]["action"] == "confirm"
    op = show.view("operator")
    assert op["console"]["undo"]["project_ids"] == ["p1", "p2", "p3"]
    assert op["console"]["undo"]["name"] == "项目1、项目2、项目3"
    undo = show.do("undo")
    assert undo.project_ids == ("p1", "p2", "p3") and undo.undoes == entry.seq
    assert show.view()["signed_count"] == 0
    # The console's line names every project the undo took back, not the round's first.
    assert show.view("operator")["console"]["last_change"]["what"] == "已撤销「项目1、项目2、项目3」的签约"
    assert show.refused("undo") == "nothing_to_undo"
    show.do("confirm", project_ids=("p1", "p2", "p3"))
    show.do("go")  # the handover: the round's golden keys
    v = show.view()
    assert v["wall"]["screen"] == "keys" and v["wall"]["project_ids"] == ["p1", "p2", "p3"]
    assert replay(show.log) == show.state


def test_the_lists_a_page_shows_come_written_in_the_events_language():
    """The wall's round names, a project's signatories and the finale's chart texts are listed by the server
    (kiosk.words.format.listing), so English reads "a, b and c" there too: no page joins a list itself."""
    ps = [
        replace(p, signatories=("周建光", "吴建明", "李明"), amount_wan=150000) if p.id == "p1" else p
        for p in projects()
    ]
    show = Show(ps)
    for _ in range(3):
        show.do("go")
    show.do("confirm", project_ids=("p1", "p2", "p3"))

    def view(lang):
        event = Event(title="签约仪式", language=lang)
        return views.public(Ceremony(event, tuple(show.ps), show.state, Run("r", "live", AT), show.cs))

    zh, en = view("zh"), view("en")
    assert zh["wall"]["round"]["names"] == "项目1、项目2、项目3"
    assert en["wall"]["round"]["names"] == "项目1, 项目2 and 项目3"
    assert zh["projects"][0]["signatories_listed"] == ["周建光、", "吴建明、", "李明"]
    assert en["projects"][0]["signatories_listed"] == ["周建光, ", "吴建明 and ", "李明"]
    assert zh["projects"][1]["signatories_listed"] == []
    assert en["tiers_text"].count(" and ") <= 1 and "、" not in en["tiers_text"] + en["industries_text"]
    assert zh["tiers_text"] == "、".join(f"{t['label']} {t['count_text']}" for t in zh["tiers"] if t["count"])
    # The finale's chart draws the tiers that hold a project: no "100亿元以上 0个项目" bar on the wall.
    assert zh["tiers"][0]["count"] == 0 and "100亿元以上" not in zh["tiers_text"]
    svg = charts.tiers_svg(zh)
    assert "100亿元以上" not in svg and zh["tiers"][-1]["label"] in svg


def test_a_round_refuses_a_signed_project_and_changes_nothing():
    show = Show()
    show.do("confirm", project_id="p2")
    assert show.refused("confirm", project_ids=("p1", "p2")) == "already_signed"
    assert show.refused("confirm", project_ids=("p1", "nope")) == "unknown_project"
    assert list(show.state.signed) == ["p2"]


def test_signing_from_the_project_list_moves_the_run_to_its_round():
    show = Show()
    # (round 1 signed first: an announce that would leave it unsigned behind is out of order, see below)
    show.do("confirm", project_ids=("p1", "p2", "p3"))
    show.do("announce", project_id="p4")
    assert show.state.cue_id == "r2"
    assert show.view("stage")["run_of_show"]["current"]["id"] == "r2"


def test_standby_back_jump_and_the_double_tap_guard():
    show = Show()
    show.do("go")
    show.do("standby", cue_id="keys")
    assert show.view()["cue"]["standby_id"] == "keys"
    # A GO that names the standby it saw: a second tap after the first fired names a cue no longer standby.
    assert show.refused("go", cue_id="talk") == "standby_moved"
    show.do("go", cue_id="keys")
    assert show.state.cue_id == "keys"
    # A handover before anything is signed has no key to hand over: the title stays.
    assert show.view()["wall"]["screen"] == "title"
    show.do("back")
    assert show.state.cue_id == "r1"
    show.do("jump", cue_id="open")
    assert show.refused("back") == "at_first_cue"
    assert show.refused("jump", cue_id="zzz") == "unknown_cue"
    assert show.refused("standby") == "missing_cue"
    show.do("jump", cue_id="end")
    assert show.view()["wall"]["screen"] == "finale"
    assert show.refused("go") == "end_of_show"
    assert show.view("operator")["run_of_show"]["go"]["blocked"] is True


def test_a_cue_is_headed_one_way_on_the_go_line_the_status_line_and_the_run_of_show():
    show = Show()
    show.do("go")
    ros = show.view("operator")["run_of_show"]
    assert ros["standby"]["heading"] == "致辞 · 致辞"
    assert ros["go"]["line"] == "GO → 致辞 · 致辞"
    assert [c["heading"] for c in ros["cues"][2:4]] == ["签约 · 第一轮", "授钥匙 · 授钥匙"]
    show.do("jump", cue_id="r1")
    said = show.view("operator")["console"]["last_change"]
    # The console that sent it says the change without its own name.
    assert (said["text"], said["what"]) == ("已跳转到：签约 · 第一轮（test）", "已跳转到：签约 · 第一轮")


def test_panic_and_the_mcs_line():
    show = Show()
    assert show.refused("unpanic") == "not_panic"
    show.do("panic")
    assert show.refused("panic") == "already_panic"
    show.do("go")  # firing a cue is a choice of what the wall shows: the safe look ends
    assert show.state.panic is False
    assert show.refused("note", text="") == "no_note"
    assert show.refused("note", text="x" * 121) == "note_too_long"
    show.do("note", text="  请放慢  ")
    assert show.view("stage")["run_of_show"]["note"]["text"] == "请放慢"
    assert "note" not in show.view()  # the room never sees it
    assert "run_of_show" not in show.view()
    show.do("note", text="")
    assert show.view("stage")["run_of_show"]["note"] is None


def test_the_mcs_line_stays_until_the_next_cue_or_until_cleared():
    """A line for the MC was still up through the keys and the finale: it belongs to the moment it was
    sent for, so the next cue fired (GO, a jump, back) takes it down; until then the console sees it too."""
    show = Show()
    show.do("go")
    show.do("note", text="请放慢")
    show.do("show", screen="roll")  # the wall moving is not a new cue: the line stays
    show.do("panic")
    show.do("unpanic")
    assert show.view("stage")["run_of_show"]["note"]["text"] == "请放慢"
    assert show.view("operator")["run_of_show"]["note"]["text"] == "请放慢"
    for fired in (("go", {}), ("back", {}), ("jump", {"cue_id": show.cs[2].id})):
        show.do("note", text="请放慢")
        show.do(fired[0], **fired[1])
        assert show.view("stage")["run_of_show"]["note"] is None, fired
        assert show.view("operator")["run_of_show"]["note"] is None, fired
        assert show.refused("note", text="") == "no_note"
    assert replay(show.log) == show.state


def test_without_an_agenda_one_is_made_from_the_projects():
    ps = projects(3)
    made = agenda((), ps)
    assert [(c.kind, c.project_ids) for c in made] == [
        ("opening", ()),
        ("signing", ("p1",)),
        ("signing", ("p2",)),
        ("signing", ("p3",)),
        ("closing", ()),
    ]
    show = Show(ps, ())
    rows = show.view()["cues"]
    assert [r["title"] for r in rows] == ["开场", "项目1", "项目2", "项目3", "结束"]
    assert agenda((), []) == ()
    assert Show([], ()).refused("go") == "no_agenda"


def test_a_round_crossing_a_milestone_is_counted_whole():
    ps = [Project(id=f"p{i}", order=i, name=f"n{i}", investor="i", amount_wan=600_000) for i in (1, 2)]
    state = apply_entry(
        State(), decide(State(), ps, Command("c", "confirm", project_ids=("p1", "p2")), AT, None)
    )
    assert milestone_crossed(state, ps, [1_000_000]) == 1_000_000


def test_the_public_view_keeps_the_script_and_people_to_the_stage_and_console():
    show = Show()
    public = show.view()
    assert set(public["cues"][1]) == {"id", "order", "kind", "kind_label", "title", "project_ids"}
    stage = show.view("stage")["run_of_show"]["cues"][1]
    assert stage["person"] == "周建光" and "script" in stage


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["go", "back", "panic", "unpanic", "undo", "confirm", "jump"]), max_size=25))
def test_any_sequence_replays_to_the_same_state(actions):
    show = Show()
    for action in actions:
        kw = {}
        if action == "confirm":
            ros = show.view("operator")["run_of_show"]
            if not ros["round"]:
                continue
            kw = {"project_ids": tuple(ros["round"]["project_ids"])}
        if action == "jump":
            kw = {"cue_id": "r2"}
        with contextlib.suppress(CeremonyError):
            show.do(action, **kw)
    assert replay(show.log) == show.state
    # A project is signed at most once, and the total is the sum of what is signed.
    v = show.view()
    assert v["total_wan"] == sum(p["amount_wan"] or 0 for p in v["projects"] if p["status"] == "signed")


def test_two_gos_naming_the_same_standby_fire_one_cue(tmp_path: Path):
    from kiosk.ceremony.service import Ceremony as Service
    from kiosk.setup.sample import load_sample
    from kiosk.store.sqlite import Storage

    service = Service(Storage(tmp_path / "k.sqlite3"))
    load_sample(service)
    standby = service.view("operator")["run_of_show"]["go"]["cue_id"]
    answers = []

    def press():
        answers.append(
            service.execute({"command_id": uuid.uuid4().hex, "action": "go", "cue_id": standby}, "t")
        )

    threads = [threading.Thread(target=press) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in answers) == [200, 400, 400, 400]
    assert {a["reason"] for status, a in answers if status == 400} == {"standby_moved"}
    assert [e.action for e in service.storage.load_log() if e.action == "go"] == ["go"]
    # And the log, read again by a fresh process, is the state every client saw.
    again = Service(Storage(tmp_path / "k.sqlite3"))
    assert again.state == service.state


# -- one rule for the agenda and the running order ---------------------------------------------------------


def three_rounds() -> Show:
    """The trial's ceremony: three rounds; round 2 is 项目3 (62亿元) and 项目4 (8亿元), 70亿元 together."""
    amounts = {"p1": 100_000, "p2": 200_000, "p3": 620_000, "p4": 80_000, "p5": 300_000}
    ps = [replace(p, amount_wan=amounts[p.id], signatories=(f"甲{p.id}", f"乙{p.id}")) for p in projects(5)]
    return Show(
        ps,
        (
            Cue(id="open", order=1, kind="opening", title="开场"),
            Cue(id="talk", order=2, kind="speech", title="致辞", person="周建光", role="区委书记"),
            Cue(id="r1", order=3, kind="signing", title="第一轮", project_ids=("p1", "p2")),
            Cue(id="r2", order=4, kind="signing", title="第二轮", project_ids=("p3", "p4")),
            Cue(id="keys", order=5, kind="handover", title="授钥匙"),
            Cue(id="r3", order=6, kind="signing", title="第三轮", project_ids=("p5",)),
            Cue(id="end", order=7, kind="closing", title="结束"),
        ),
    )


def places(show: Show) -> dict[str, str]:
    return {q["id"]: q["place"] for q in show.view("operator")["run_of_show"]["cues"]}


def test_an_announce_out_of_order_leaves_the_agenda_where_it_was_and_the_mc_reads_the_wall():
    """Seen in the trial: 项目3 announced while round 1 was unsigned marked cues 1–3 done, made round 2 the
    running cue and the handover the standby; the MC read round 2's 70亿元 while the wall showed 62亿元."""
    show = three_rounds()
    show.do("go")
    show.do("go")
    show.do("announce", project_id="p3")
    assert show.view()["wall"]["project_ids"] == ["p3"]
    # The agenda stays: the speech is running, round 1 is still the standby, and nothing unsigned is done.
    assert places(show) == {
        "open": "done",
        "talk": "current",
        "r1": "standby",
        "r2": "later",
        "keys": "later",
        "r3": "later",
        "end": "later",
    }
    ros = show.view("stage")["run_of_show"]
    assert ros["go"]["cue_id"] == "r1"
    # The MC reads what the room sees: 项目3 alone, its figure, its signatories.
    wall = ros["on_wall"]
    assert [p["id"] for p in wall["projects"]] == ["p3"]
    assert wall["amount"]["text"] == "62亿元"
    assert wall["names"] == ["甲p3", "乙p3"]
    assert (wall["kind"], wall["title"], wall["in_cue"]) == ("signing", "项目3", False)
    show.do("confirm", project_id="p3")
    assert show.state.cue_id == "talk" and places(show)["r1"] == "standby"
    # GO takes the show on as planned: round 1 is not skipped.
    show.do("go")
    assert show.state.cue_id == "r1" and show.view()["wall"]["project_ids"] == ["p1", "p2"]
    assert show.view("stage")["run_of_show"]["on_wall"] is None


def test_a_round_signed_in_part_out_of_order_comes_round_with_only_the_rest_to_sign():
    show = three_rounds()
    show.do("confirm", project_id="p3")
    assert show.state.cue_id is None
    for _ in range(3):
        show.do("go")
    show.do("confirm", project_ids=("p1", "p2"))
    show.do("go")
    assert show.state.cue_id == "r2"
    ros = show.view("operator")["run_of_show"]
    # The round's confirm signs what is left of it; GO waits for that, not for 项目3 again.
    assert ros["round"]["project_ids"] == ["p4"] and ros["go"]["blocked"] is True
    show.do("confirm", project_ids=("p4",))
    assert show.view("operator")["run_of_show"]["go"]["blocked"] is False
    assert replay(show.log) == show.state


def test_signing_in_order_from_the_list_still_moves_the_run_to_its_round():
    show = three_rounds()
    show.do("announce", project_id="p1")
    assert show.state.cue_id == "r1"
    show.do("confirm", project_ids=("p1", "p2"))
    show.do("announce", project_id="p4")
    assert show.state.cue_id == "r2"
    assert places(show)["r1"] == "done" and places(show)["keys"] == "standby"


def test_an_unsigned_round_is_never_marked_done():
    show = three_rounds()
    show.do("jump", cue_id="r2")
    ros = show.view("operator")["run_of_show"]
    r1 = next(q for q in ros["cues"] if q["id"] == "r1")
    assert (r1["place"], r1["place_text"]) == ("unsigned", "未签约")
    # Its projects signed from the list take the run back to it; the skipped round is then done in turn.
    show.do("confirm", project_ids=("p1", "p2"))
    assert show.state.cue_id == "r1" and places(show)["r2"] == "standby"


def test_the_mc_reads_the_part_of_a_round_the_wall_shows():
    show = three_rounds()
    show.do("jump", cue_id="r2")
    assert show.view("stage")["run_of_show"]["current"]["amount"]["text"] == "70亿元"
    assert show.view("stage")["run_of_show"]["on_wall"] is None
    show.do("announce", project_id="p3")
    assert show.state.cue_id == "r2"
    wall = show.view("stage")["run_of_show"]["on_wall"]
    assert (wall["amount"]["text"], wall["names"], wall["in_cue"]) == ("62亿元", ["甲p3", "乙p3"], True)
    # The running round's own words stay: its title and its script.
    assert (wall["id"], wall["title"]) == ("r2", "第二轮")


def test_the_console_is_told_what_an_announce_out_of_order_does_before_it_is_sent():
    show = three_rounds()
    show.do("go")
    show.do("go")
    rows = show.view("operator")["console"]["rows"]
    assert rows["p1"]["out_of_order"] is None
    assert rows["p3"]["out_of_order"] == (
        "「项目3」属于「第二轮」，而「第一轮」尚未签约：流程停在原处，不会把它标为完成；GO 仍将进入「签约 · 第一轮」。"
    )
    show.do("confirm", project_ids=("p1", "p2"))
    assert show.view("operator")["console"]["rows"]["p3"]["out_of_order"] is None
