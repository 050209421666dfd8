"""Each limit has one definition, and every path applies that one: the import, the commands and the pages
(which receive it from the server). A limit copied into a second place drifts: an agenda round of 60
projects once imported (the agenda allowed 100) and then could not be confirmed (the command allowed 50)."""

from __future__ import annotations

import io
import uuid

import pytest
from conftest import operator_client
from harness import projects

from kiosk.ceremony.model import MAX_COMMAND_ID, MAX_ROUND
from kiosk.ceremony.rules import CeremonyError
from kiosk.ceremony.service import Ceremony, CommandRejected, parse_command
from kiosk.setup.agenda import parse_agenda
from kiosk.setup.importer import ImportFailed
from kiosk.store.sqlite import Storage


def _agenda_csv(round_size: int) -> bytes:
    orders = "、".join(str(n) for n in range(1, round_size + 1))
    text = f"序号,环节,标题,项目\n1,开场,开场,\n2,签约,集中签约,{orders}\n"
    return text.encode()


def _command(editor, **body):
    return editor.post("/api/v1/commands", json={"command_id": uuid.uuid4().hex, **body})


def test_a_round_the_agenda_takes_is_a_round_the_console_can_confirm(make_app):
    size = 60  # more than the command once allowed, less than the agenda did
    app = make_app(projects=projects(*["1"] * size))
    editor = operator_client(app)
    r = editor.post("/api/v1/agenda/import", data={"file": (io.BytesIO(_agenda_csv(size)), "流程.csv")})
    assert r.status_code == 200, r.get_json()
    for _ in range(2):  # the opening, then the round on the wall
        state = _command(editor, action="go").get_json()["state"]
    ros = state["run_of_show"]
    assert ros["round"] and len(ros["round"]["project_ids"]) == size
    # What static/js/console/hold.js sends when Confirm is held on a round.
    r = _command(editor, action="confirm", project_ids=ros["round"]["project_ids"], expected_seq=state["seq"])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"]["signed_count"] == size


def test_a_round_of_the_limit_passes_and_one_more_is_refused_by_the_import_and_the_command():
    orders = list(range(1, MAX_ROUND + 2))
    at_limit = parse_agenda(_agenda_csv(MAX_ROUND), "流程.csv", orders)
    assert len(at_limit[1].project_orders) == MAX_ROUND
    with pytest.raises(ImportFailed) as failed:
        parse_agenda(_agenda_csv(MAX_ROUND + 1), "流程.csv", orders)
    assert [(p.code, p.params) for p in failed.value.problems] == [("too_many", {"max": MAX_ROUND})]

    def confirm(count: int):
        return parse_command(
            {"command_id": "c", "action": "confirm", "project_ids": [f"p{i}" for i in range(count)]}
        )

    assert len(confirm(MAX_ROUND).project_ids) == MAX_ROUND
    with pytest.raises(CommandRejected) as rejected:
        confirm(MAX_ROUND + 1)
    assert rejected.value.params == {"variant": "project_ids", "max": MAX_ROUND}


def test_a_command_id_of_the_limit_passes_and_one_more_is_refused_by_a_command_and_a_pads_submit(tmp_path):
    assert (
        parse_command({"command_id": "c" * MAX_COMMAND_ID, "action": "undo"}).command_id
        == "c" * MAX_COMMAND_ID
    )
    with pytest.raises(CommandRejected) as rejected:
        parse_command({"command_id": "c" * (MAX_COMMAND_ID + 1), "action": "undo"})
    assert rejected.value.params == {"variant": "command_id", "max": MAX_COMMAND_ID}

    service = Ceremony(Storage(tmp_path / "k.sqlite3"))
    try:

        def submit(command_id: str) -> str:
            with pytest.raises(CeremonyError) as refused:
                service.signing.submit("no-such-pad", "s" * 8, 1, command_id, "test")
            return refused.value.code

        # At the limit the id is taken and the next check speaks (the pad is unknown); past it, the id is bad.
        assert submit("c" * MAX_COMMAND_ID) == "unknown_pad"
        assert submit("c" * (MAX_COMMAND_ID + 1)) == "bad_signature"
    finally:
        service.storage.close()
