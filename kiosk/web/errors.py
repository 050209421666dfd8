"""The one place the edge turns a refusal into an answer: routes return data or raise, and never pick a status.

The domain raises its errors with stable codes (``CeremonyError``, ``CommandRejected``, ``FieldErrors``,
``ImportFailed``); the edge raises ``Refused`` for what only it can see (no credentials, no file in the form).
Each is answered here, once, as ``{"status": "error", "reason": code, "message": <in the event's words>,
...}`` (CONTRACT.md) with the status ``STATUS`` gives its code. The words are ``kiosk.words.messages``'; a
Socket.IO acknowledgement carries the same ``reason`` and ``message`` (``refusal``) with ``"ok": false``.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..ceremony.rules import CeremonyError
from ..ceremony.service import CommandRejected
from ..setup.fields import FIELDS, FieldError, FieldErrors, Problem
from ..setup.importer import ImportFailed
from ..words import messages
from ..words.catalogue import word

# A code's HTTP status; any other code is 400, a request that makes no sense now. The commands' own
# answers (``POST /api/v1/commands``) are the service's, stored with the command so that a repeated
# command_id gets the first answer again: there every refusal is 400 and a stale ``expected_seq`` 409.
STATUS = {
    "unauthorized": 401,
    "wrong_pin": 401,
    "csrf": 403,
    "forbidden": 403,
    "not_found": 404,
    "unknown_project": 404,
    "unknown_pad": 404,
    "unknown_device": 404,
    "unknown_format": 404,
    "pairing_expired": 404,
    "confirm_required": 409,
    "pad_armed": 409,
    "seq_conflict": 409,
    "too_large": 413,
    "throttled": 429,
}


def status_of(code: str) -> int:
    return STATUS.get(code, 400)


class Refused(Exception):
    """A refusal the edge makes itself: a code, what its message names, and fields added to the body."""

    def __init__(self, code: str, params: dict | None = None, **extra: object):
        super().__init__(code)
        self.code, self.params, self.extra = code, dict(params or {}), extra


class FieldsRefused(Exception):
    """A form's values refused as a whole (``code``, e.g. ``invalid_project``), each field's problem listed."""

    def __init__(self, code: str, problems: list[Problem]):
        super().__init__(code)
        self.code, self.problems = code, list(problems)


def fields_refused_as(code: str):
    """A route whose form is refused as ``code`` when its values are (``FieldErrors``; a single value's
    ``FieldError`` through ``one_field``): the form shows each problem beside its field."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except FieldErrors as err:
                raise FieldsRefused(code, err.problems) from err

        return wrapper

    return decorate


def one_field(key: str, err: FieldError) -> FieldErrors:
    """One value's problem as the form's (an uploaded picture is a field of its own)."""
    return FieldErrors([Problem(key, err.code, err.params)])


def _lang() -> str:
    return current_app.extensions["kiosk"].lang


def refusal(code: str, params: dict | None = None, lang: str | None = None) -> dict:
    """``{"reason", "message", "params"?}``: a refusal in words, for an HTTP body or a socket's ack."""
    body = {"reason": code, "message": messages.text(code, lang or _lang(), params)}
    shown = {k: v for k, v in (params or {}).items() if k != "variant"}
    if shown:
        body["params"] = shown
    return body


def answer(code: str, params: dict | None = None, status: int | None = None, **extra):
    """The JSON answer for a refusal; ``status`` only for the framework's own (a 405 stays a 405)."""
    response = jsonify({"status": "error", **refusal(code, params), **extra})
    if "retry_after" in extra:
        response.headers["Retry-After"] = str(extra["retry_after"])
    return response, status or status_of(code)


def fields_answer(code: str, problems: list[Problem]):
    """400 with every field's problem in words, each with its label (for the form that sent it)."""
    lang = _lang()
    labels = {key: word(f.label, lang) for key, f in FIELDS.items()}
    errors = messages.field_problems(problems, labels, lang)
    message = messages.problems_line(errors, lang)
    return jsonify(status="error", reason=code, message=message, errors=errors), status_of(code)


def import_answer(failed: ImportFailed):
    """400 ``invalid_file`` with every problem of a file: each as a sentence, and placed (row, field)."""
    lang = _lang()
    placed = [
        {"row": p.row, "field": p.key, "text": p.sentence(lang), "reason": p.reason(lang)}
        for p in failed.problems
    ]
    return answer("invalid_file", problems=[p["text"] for p in placed], placed=placed)


def framework_error(err: HTTPException):
    """Under /api/ an error the framework raises (an address that names nothing, a method the address does
    not take) is answered like every other there: JSON with ``reason`` and ``message``. Pages keep theirs."""
    if err.code == 413:
        return answer("too_large")
    if not request.path.startswith("/api/") or err.code is None or err.response is not None:
        return err
    response, status = answer("not_found" if err.code == 404 else "invalid_request", status=err.code)
    if "Allow" in (headers := dict(err.get_headers())):
        response.headers["Allow"] = headers["Allow"]
    return response, status


def init_app(app: Flask) -> None:
    app.register_error_handler(Refused, lambda err: answer(err.code, err.params, **err.extra))
    app.register_error_handler(CeremonyError, lambda err: answer(err.code, err.params))
    app.register_error_handler(CommandRejected, lambda err: answer(err.code, err.params))
    app.register_error_handler(FieldsRefused, lambda err: fields_answer(err.code, err.problems))
    # Values refused where no route named the form: still each field's problem, never a 500.
    app.register_error_handler(FieldErrors, lambda err: fields_answer("invalid_fields", err.problems))
    app.register_error_handler(ImportFailed, import_answer)
    app.register_error_handler(HTTPException, framework_error)
