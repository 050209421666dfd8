"""The signing pads in the domain and the store: arming with the round, the signatures rule, a pad's
attempts and strokes, the last submission signing the round, undo and re-signing — called directly, on a
real SQLite file, no Flask."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import pytest
from harness import fill, projects
from test_cues import AT
from test_cues import projects as domain_projects

from kiosk.ceremony import views
from kiosk.ceremony.rules import CeremonyError, apply_entry, decide, pad_state, replay, signing_group
from kiosk.ceremony.service import Ceremony
from kiosk.core.model import Ceremony as Ceremony_
from kiosk.core.model import Command, Cue, Event, Pad, Run, State
from kiosk.setup.agenda import CueDraft
from kiosk.store.sqlite import Storage
from kiosk.words import messages


def pads_for(ids: list[str]) -> list[Pad]:
    out = []
    for n, pid in enumerate(ids):
        out.append(Pad(id=f"h{n}", order=2 * n, name=f"区长{n}", project_id=pid, party="host"))
        out.append(Pad(id=f"i{n}", order=2 * n + 1, name=f"总裁{n}", project_id=pid, party="investor"))
    return out


# -- the rules, pure ---------------------------------------------------------------------------------------


class PadShow:
    def __init__(self, required: bool = False):
        self.ps = domain_projects(3)
        self.pads = pads_for([p.id for p in self.ps])
        self.cues = (
            Cue(id="open", order=1, kind="opening", title="开场"),
            Cue(id="r1", order=2, kind="signing", title="第一轮", project_ids=("p1", "p2")),
            Cue(id="r2", order=3, kind="signing", title="第二轮", project_ids=("p3",)),
        )
        self.required = required
        self.state = State()
        self.log = []

    def do(self, action: str, **kw):
        command = Command(command_id=uuid.uuid4().hex, action=action, **kw)
        entry = decide(self.state, self.ps, command, AT, "t", self.cues, self.pads, self.required)
        self.state = apply_entry(self.state, entry)
        self.log.append(entry)
        return entry


def test_the_mcs_call_up_is_who_signs_at_the_table():
    """/stage's 请上台 listed the companies' signatories from the import: the district's signatory (who has
    pads) was missing, and a remote signatory in 深圳 was called up as if on stage. With pads, the call-up
    is the pads' people at the table (the district first, each once), and the remote ones are said apart."""
    from kiosk.core.model import Ceremony as Snapshot
    from kiosk.core.model import Event, Run

    show = PadShow()
    show.ps = [replace(p, signatories=(f"导入代表{p.id}",)) for p in show.ps]
    show.pads = [
        Pad(id="h1", order=0, name="周建光", project_id="p1", party="host"),
        Pad(id="i1", order=1, name="李总", project_id="p1", party="investor"),
        Pad(id="h2", order=2, name="周建光", project_id="p2", party="host"),
        Pad(id="i2", order=3, name="王小粉", project_id="p2", party="investor", remote_place="深圳分会场"),
    ]
    show.do("go")
    show.do("go")  # the first round: p1 and p2, the pads above
    snap = Snapshot(
        Event(title="签约仪式"), tuple(show.ps), show.state, Run("r", "live", AT), show.cues, tuple(show.pads)
    )
    for audience in (views.stage, views.operator):
        ros = audience(snap)["run_of_show"]
        assert ros["current"]["id"] == "r1"
        assert ros["current"]["names"] == ["周建光", "李总"]
        assert [(r["name"], r["text"]) for r in ros["current"]["remote"]] == [
            ("王小粉", "远程签约 · 深圳分会场")
        ]
        # A project without pads still calls up the signatories the organiser typed.
        later = next(c for c in ros["cues"] if c["id"] == "r2")
        assert later["names"] == ["导入代表p3"] and later["remote"] == []
    # The wall spotlights one project of the round: what the MC reads of it calls up its pads' people too.
    show.do("announce", project_id="p2")
    snap = Snapshot(
        Event(title="签约仪式"), tuple(show.ps), show.state, Run("r", "live", AT), show.cues, tuple(show.pads)
    )
    on_wall = views.stage(snap)["run_of_show"]["on_wall"]
    assert on_wall["in_cue"] and on_wall["project_ids"] == ["p2"]
    assert on_wall["names"] == ["周建光"] and [r["name"] for r in on_wall["remote"]] == ["王小粉"]


def test_go_on_a_round_arms_its_pads_and_the_next_cue_disarms_them():
    show = PadShow()
    show.do("go")
    assert show.state.armed == frozenset()
    show.do("go", cue_id="r1")
    assert show.state.armed == {"p1", "p2"}
    assert [pad_state(show.state, d) for d in show.pads[:4]] == ["armed"] * 4
    assert pad_state(show.state, show.pads[4]) == "waiting"
    show.do("confirm", project_ids=("p1", "p2"))
    assert show.state.armed == frozenset()
    assert pad_state(show.state, show.pads[0]) == "signed"
    show.do("go")
    assert show.state.armed == {"p3"}
    show.do("jump", cue_id="open")
    assert show.state.armed == frozenset()


def test_a_round_with_pads_waits_for_every_signature_when_the_organiser_requires_them():
    show = PadShow(required=True)
    show.do("go")
    show.do("go")
    with pytest.raises(CeremonyError) as err:
        show.do("confirm", project_ids=("p1", "p2"))
    assert err.value.code == "signatures_missing"
    assert err.value.params["names"] == ["区长0", "总裁0", "区长1", "总裁1"]
    # The rule names them; the words list them as the event's language does.
    said = {lang: messages.text(err.value.code, lang, err.value.params) for lang in ("zh", "en")}
    assert "（区长0、总裁0、区长1、总裁1）" in said["zh"]
    assert "(区长0, 总裁0, 区长1 and 总裁1)" in said["en"]
    for pad in show.pads[:3]:
        show.do("submit", pad_id=pad.id, signature_id=f"sig-{pad.id}")
    with pytest.raises(CeremonyError) as err:
        show.do("confirm", project_ids=("p1", "p2"))
    assert err.value.params["names"] == ["总裁1"]
    assert signing_group(show.state, show.pads, "p1") == ()
    show.do("submit", pad_id="i1", signature_id="sig-i1")
    assert signing_group(show.state, show.pads, "p2") == ("p1", "p2")
    show.do("confirm", project_ids=("p1", "p2"))
    assert set(show.state.signed) == {"p1", "p2"}


def test_a_pad_submits_only_while_armed_and_once():
    show = PadShow()
    with pytest.raises(CeremonyError) as err:
        show.do("submit", pad_id="h0", signature_id="s1")
    assert err.value.code == "not_armed"
    show.do("announce", project_id="p1")
    show.do("submit", pad_id="h0", signature_id="s1")
    with pytest.raises(CeremonyError) as err:
        show.do("submit", pad_id="h0", signature_id="s2")
    assert err.value.code == "already_submitted"
    with pytest.raises(CeremonyError) as err:
        show.do("submit", pad_id="nope", signature_id="s2")
    assert err.value.code == "unknown_pad"


def test_undo_takes_the_round_back_keeps_its_signatures_and_rearms_it():
    show = PadShow(required=True)
    show.do("announce", project_id="p3")
    show.do("submit", pad_id="h2", signature_id="a")
    show.do("submit", pad_id="i2", signature_id="b")
    show.do("confirm", project_id="p3")
    show.do("undo")
    assert "p3" not in show.state.signed
    assert show.state.armed == {"p3"}
    assert show.state.submitted["h2"].signature_id == "a"
    # A re-sign: the operator reopens one pad; its new signature replaces the earlier one.
    show.do("reopen", pad_id="h2")
    assert "h2" not in show.state.submitted
    with pytest.raises(CeremonyError):
        show.do("confirm", project_id="p3")
    show.do("submit", pad_id="h2", signature_id="c")
    show.do("confirm", project_id="p3")
    assert show.state.submitted["h2"].signature_id == "c"
    assert [e.signature_id for e in show.log if e.action == "submit"] == ["a", "b", "c"]
    assert replay(show.log) == show.state


def test_arm_and_disarm_by_hand():
    show = PadShow()
    with pytest.raises(CeremonyError) as err:
        show.do("disarm")
    assert err.value.code == "nothing_armed"
    show.do("arm", project_ids=("p2", "p3"))
    assert show.state.armed == {"p2", "p3"}
    show.do("disarm", project_ids=("p2",))
    assert show.state.armed == {"p3"}
    no_pads = replace(show.ps[0], id="p9", order=9)
    show.ps.append(no_pads)
    with pytest.raises(CeremonyError) as err:
        show.do("arm", project_ids=("p9",))
    assert err.value.code == "no_pads"


# -- the service, on a real store ------------------------------------------------------------------------


@pytest.fixture
def ceremony(tmp_path):
    storage = Storage(tmp_path / "kiosk.sqlite3")
    c = Ceremony(storage)
    fill(c, projects("50", "30", "20"))
    c.import_agenda(
        [
            CueDraft(kind="opening", title="开场"),
            CueDraft(kind="signing", title="第一轮签约", project_orders=(1, 2)),
            CueDraft(kind="signing", title="第二轮签约", project_orders=(3,)),
        ]
    )
    yield c
    storage.close()


def cmd(c: Ceremony, action: str, **kw):
    return c.execute({"command_id": uuid.uuid4().hex, "action": action, **kw}, device="test")


def stroke(n: int = 20, s: int = 0) -> list:
    return [[s, 100 + 20 * i, 150 + (i % 5) * 10, 0.5, 16 * i] for i in range(n)]


def sign(c: Ceremony, pad_id: str, sig: str | None = None, batches: int = 2):
    sig = sig or "sig-" + uuid.uuid4().hex[:12]
    c.signing.begin(pad_id, sig, 600, 240, "local", "tablet")
    for b in range(1, batches + 1):
        assert c.signing.add_ink(pad_id, sig, b, stroke(s=b - 1))
    return sig


def test_pads_from_signatories_and_their_views(ceremony):
    made = ceremony.signing.from_signatories()
    # Each project names one signatory, the company's: its pad; the district's official comes from the
    # organiser for every project, and a second run makes nothing new.
    assert [(d.name, d.party) for d in made] == [
        ("代表一", "investor"),
        ("代表二", "investor"),
        ("代表三", "investor"),
    ]
    made = ceremony.signing.from_signatories(host_name="周建光")
    assert [(d.name, d.party) for d in made] == [("周建光", "host")] * 3
    assert ceremony.signing.from_signatories(host_name="周建光") == []
    ids = [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)]
    for d in ceremony.pads:
        if d.party == "investor":
            ceremony.signing.update_pad(d.id, {"remote_place": "深圳分会场"})
    assert len(ceremony.pads) == 6
    cmd(ceremony, "go")
    cmd(ceremony, "go")
    public = ceremony.view("public")
    certs = public["signing"]["certificates"]
    assert [c["project_id"] for c in certs] == ids[:2]
    places = certs[0]["places"]
    assert [p["party"] for p in places] == ["host", "investor"]
    assert places[1]["remote_text"] == "远程签约 · 深圳分会场"
    assert all(p["state"] == "armed" for p in places)
    party = ceremony.view("party:" + places[0]["pad_id"])
    assert party["state"] == "armed" and party["pad"]["party_text"] == "甲方"
    assert party["round"]["names"] == [p["name"] for p in public["projects"][:2]]


def test_strokes_are_stored_once_and_the_last_submission_signs_the_round(ceremony):
    ids = [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)]
    for pid in ids:
        ceremony.signing.add_pad({"name": "甲" + pid[:3], "project_id": pid, "party": "host"})
        ceremony.signing.add_pad({"name": "乙" + pid[:3], "project_id": pid, "party": "investor"})
    ceremony.signing.update_settings({"sign_on_submit": True, "signatures_required": True})
    cmd(ceremony, "go")
    cmd(ceremony, "go")
    round_pads = [d for d in ceremony.pads if d.project_id in ids[:2]]
    first = round_pads[0]
    with pytest.raises(CeremonyError) as err:
        ceremony.signing.begin(ceremony.pads[-1].id, "x" * 12, 600, 240, "local", "t")
    assert err.value.code == "not_armed"
    sig = sign(ceremony, first.id)
    # A batch re-sent after a cut changes nothing.
    assert not ceremony.signing.add_ink(first.id, sig, 1, stroke(s=0))
    assert ceremony.signing.ink_of([first.id])[first.id]["batches"] == 2
    # 重签: the attempt is set aside, the pad starts again.
    ceremony.signing.clear(first.id, sig)
    assert ceremony.signing.ink_of([first.id])[first.id] is None
    status, answer = ceremony.signing.submit(first.id, sig, 2, "c-cleared", "t")
    assert (status, answer["reason"]) == (400, "signature_cleared")
    sig = sign(ceremony, first.id, batches=3)
    status, answer = ceremony.signing.submit(first.id, sig, 4, "c-short", "t")
    assert (status, answer["reason"]) == (400, "strokes_incomplete")
    status, _ = ceremony.signing.submit(first.id, sig, 3, "c-1", "t")
    assert status == 200
    # The same submit again: the stored answer, nothing new.
    seq = ceremony.state.seq
    assert ceremony.signing.submit(first.id, sig, 3, "c-1", "t")[0] == 200
    assert ceremony.state.seq == seq
    status, answer = cmd(ceremony, "confirm", project_ids=ids[:2])
    assert answer["reason"] == "signatures_missing"
    for pad in round_pads[1:]:
        status, _ = ceremony.signing.submit(pad.id, sign(ceremony, pad.id), 2, "c-" + pad.id, "t")
        assert status == 200
    # The last submission signed the round, one confirm for both, in the same transaction.
    assert set(ceremony.state.signed) == set(ids[:2])
    log = ceremony.storage.load_log()
    assert [e.action for e in log[-2:]] == ["submit", "confirm"]
    assert log[-1].project_ids == tuple(ids[:2])
    # The stored record has every attempt, the cleared one too.
    attempts = ceremony.storage.signatures_of()
    assert sum(1 for a in attempts if a["pad_id"] == first.id) == 2
    assert sum(1 for a in attempts if a["cleared_at"]) == 1
    # Another process reading the same file replays to the same state.
    other = Ceremony(Storage(ceremony.storage.path))
    assert other.state == ceremony.state
    assert views.operator(other.current())["pads"] == ceremony.view("operator")["pads"]


def test_two_submissions_of_the_last_pads_at_once_sign_the_round_once(ceremony):
    ids = [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)]
    for pid in ids[:2]:
        ceremony.signing.add_pad({"name": "甲", "project_id": pid, "party": "host"})
    ceremony.signing.update_settings({"sign_on_submit": True})
    cmd(ceremony, "go")
    cmd(ceremony, "go")
    sigs = {d.id: sign(ceremony, d.id) for d in ceremony.pads}
    answers = []

    def submit(pad_id):
        answers.append(ceremony.signing.submit(pad_id, sigs[pad_id], 2, "c-" + pad_id, "t")[0])

    threads = [threading.Thread(target=submit, args=(d,)) for d in sigs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200, 200]
    confirms = [e for e in ceremony.storage.load_log() if e.action == "confirm"]
    assert len(confirms) == 1 and set(confirms[0].project_ids) == set(ids[:2])


def test_a_pad_form_names_each_problem_on_its_field(ceremony):
    from kiosk.setup.fields import FieldErrors

    with pytest.raises(FieldErrors) as err:
        ceremony.signing.add_pad({"name": "", "project_id": "nope", "party": "judge"})
    assert {(p.field, p.code) for p in err.value.problems} == {
        ("pad_name", "required"),
        ("pad_party", "bad_choice"),
        ("pad_project", "unknown_project"),
    }
    pad = ceremony.signing.add_pad({"name": "周建光", "project_id": ceremony.projects[0].id, "party": "host"})
    with pytest.raises(FieldErrors) as err:
        ceremony.signing.update_pad(pad.id, {"name": "  "})
    assert [(p.field, p.code) for p in err.value.problems] == [("pad_name", "required")]
    assert ceremony.signing.update_pad(pad.id, {"remote_place": ""}).name == "周建光"


def test_a_pad_whose_round_another_process_arms_as_it_is_deleted_stays(ceremony, monkeypatch):
    """The editor deletes a pad while a second server arms its round: "armed" is decided inside the
    delete's transaction, so the pad of a round that may be signing now is refused, not deleted."""
    pid = ceremony.projects[0].id
    pad = ceremony.signing.add_pad({"name": "甲", "project_id": pid, "party": "host"})
    other = Ceremony(Storage(ceremony.storage.path))
    ceremony.catch_up()
    opened = ceremony.storage.transaction
    armed = []

    def arm_first():
        # The other process's write lands just before this process's transaction opens.
        if not armed:
            armed.append(cmd(other, "arm", project_ids=[pid]))
        return opened()

    monkeypatch.setattr(ceremony.storage, "transaction", arm_first)
    with pytest.raises(CeremonyError) as err:
        ceremony.signing.delete_pad(pad.id)
    assert err.value.code == "pad_armed"
    assert armed[0][0] == 200
    assert [d.id for d in ceremony.storage.load_pads()] == [pad.id]
    other.storage.close()


def test_the_operator_view_names_the_projects_whose_pads_the_console_shows(ceremony):
    ids = [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)]
    ceremony.signing.from_signatories(host_name="周建光")
    assert ceremony.view("operator")["pads_focus"] == []
    cmd(ceremony, "go")
    cmd(ceremony, "go")
    # The wall is signing the first round: its pads.
    assert ceremony.view("operator")["pads_focus"] == ids[:2]
    names = [p.name for p in sorted(ceremony.projects, key=lambda p: p.order)][:2]
    assert ceremony.view("operator")["pads_focus_names"] == "、".join(names)
    # Signed, the round stays in the spotlight, and so do its pads (submitted or not).
    assert cmd(ceremony, "confirm", project_ids=ids[:2])[0] == 200
    view = ceremony.view("operator")
    assert view["signing"] is None and view["wall"]["screen"] == "spotlight"
    assert view["pads_focus"] == ids[:2]
    # A project without pads is never among them.
    for d in [d for d in ceremony.pads if d.project_id == ids[2]]:
        ceremony.signing.delete_pad(d.id)
    cmd(ceremony, "go")
    assert ceremony.view("operator")["pads_focus"] == []


def test_the_console_is_told_what_a_confirm_waits_for_before_the_press():
    """Seen in the trial: with every signature required and 0/5 submitted, 确认签约 was green with
    "按住 0.8 秒"; the operator learned only after holding it. The view says it first."""
    show = PadShow(required=True)

    def view(lang: str = "zh") -> dict:
        event = Event(title="签约仪式", language=lang, signatures_required=show.required)
        snap = Ceremony_(
            event, tuple(show.ps), show.state, Run("r", "rehearsal", AT), show.cues, tuple(show.pads)
        )
        return views.operator(snap)

    show.do("go")
    show.do("go")
    v = view()
    assert v["run_of_show"]["round"]["confirm_wait"] == {
        "code": "signatures_missing",
        "submitted": 0,
        "required": 4,
        "text": "等待签名 0/4",
    }
    assert v["console"]["rows"]["p3"]["confirm_wait"]["text"] == "等待签名 0/2"
    for pad in ("h0", "i0", "h1"):
        show.do("submit", pad_id=pad, signature_id=f"sig-{pad}")
    assert view()["run_of_show"]["round"]["confirm_wait"]["text"] == "等待签名 3/4"
    assert view()["console"]["rows"]["p1"]["confirm_wait"] is None
    assert view("en")["console"]["rows"]["p2"]["confirm_wait"]["text"] == "Waiting for signatures 1/2"
    show.do("submit", pad_id="i1", signature_id="sig-i1")
    assert view()["run_of_show"]["round"]["confirm_wait"] is None
    # Without the rule, a confirm waits for nobody.
    show.required = False
    assert view()["console"]["rows"]["p3"]["confirm_wait"] is None


def test_the_mcs_monitor_names_the_picture_the_wall_draws():
    """/stage said "大屏：聚焦" while the wall drew the round's signing picture (签约图) with its pads up, and
    would have said "标题" over the safe look: it named the screen sent, not the picture drawn."""
    from kiosk.core.model import Ceremony as Snapshot
    from kiosk.core.model import Event, Run

    show = PadShow()
    show.pads = [
        Pad(id="h1", order=0, name="周建光", project_id="p1", party="host"),
        Pad(id="i1", order=1, name="李总", project_id="p1", party="investor"),
    ]

    def on_wall() -> tuple[str, str]:
        snap = Snapshot(
            Event(title="签约仪式"),
            tuple(show.ps),
            show.state,
            Run("r", "live", AT),
            show.cues,
            tuple(show.pads),
        )
        shown = views.stage(snap)["stage"]["on_wall"]
        return shown["screen"], shown["label"]

    show.do("go")
    assert on_wall() == ("title", "标题")
    show.do("go")  # the first round: its pads are up, the wall draws the signing picture
    assert on_wall() == ("signing", "签约图")
    show.do("panic")
    assert on_wall() == ("safe", "安全画面")
