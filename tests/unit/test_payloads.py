"""Typed payloads: what a button carries packs, parses and refuses forgeries before any handler runs."""
from __future__ import annotations

from enum import StrEnum

import pytest

from handlers.kit import MAX_ID, Button, MalformedPayload, NoSuchId, Payload
from handlers.kit.payloads import Stamp
from handlers.kit.wizard import GoTo
from handlers.views.links import EvaluationStudents, LogSession
from program.evaluations import EvaluationKind


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Paint(Payload, flow="demo", action="paint"):
    wall_id: int
    colour: Colour
    coats: int = 1
    glossy: bool = False


def test_a_payload_packs_to_the_wire_format_and_parses_back():
    paint = Paint(7, Colour.BLUE, 2, True)
    assert paint.pack() == "demo:paint:7:blue:2:1"
    assert Paint.parse(["7", "blue", "2", "1"]) == paint


def test_trailing_defaults_are_left_out_so_old_and_new_buttons_both_parse():
    assert Paint(7, Colour.RED).pack() == "demo:paint:7:red"
    assert Paint.parse(["7", "red"]) == Paint(7, Colour.RED)
    assert LogSession(12).pack() == "log:for:12"
    assert LogSession.parse(["12", "new"]).confirmed == "new"


@pytest.mark.parametrize("args", [[], ["7"], ["7", "red", "1", "0", "extra"]])
def test_a_wrong_number_of_parts_is_malformed(args):
    with pytest.raises(MalformedPayload):
        Paint.parse(args)


@pytest.mark.parametrize("wall", ["-1", "abc", "", "1e3", str(MAX_ID + 1), "9" * 40, "７"])
def test_an_id_or_a_count_that_cannot_exist_reads_as_not_found(wall):
    with pytest.raises(NoSuchId):
        Paint.parse([wall, "red"])
    with pytest.raises(NoSuchId):
        Paint.parse(["7", "red", wall])


@pytest.mark.parametrize("args", [["7", "green"], ["7", "red", "1", "2"]])
def test_a_foreign_enum_value_or_a_non_flag_is_malformed(args):
    with pytest.raises(MalformedPayload):
        Paint.parse(args)


def test_a_moment_may_exceed_an_id_but_not_twelve_digits():
    class Shown(Payload, flow="demo", action="shown"):
        log_id: int
        seen: Stamp

    assert Shown.parse(["7", "9999999999"]).seen == 9999999999
    with pytest.raises(MalformedPayload):
        Shown.parse(["7", "9" * 13])
    with pytest.raises(NoSuchId):
        Shown.parse(["9999999999", "1"])


def test_enums_from_the_rules_are_checked_too():
    assert EvaluationStudents.parse(["midterm"]).kind is EvaluationKind.MIDTERM
    with pytest.raises(MalformedPayload):
        EvaluationStudents.parse(["final-exam"])


def test_a_value_with_the_separator_cannot_be_packed():
    class Note(Payload, flow="demo", action="note"):
        text: str

    with pytest.raises(ValueError, match="':'"):
        Note("a:b").pack()


def test_a_button_refuses_a_payload_over_telegrams_64_bytes():
    class Long(Payload, flow="demo", action="long"):
        text: str

    Button("ok", Long("x" * 50))
    with pytest.raises(ValueError, match="64 bytes"):
        Button("too long", Long("字" * 20))


def test_a_form_payload_is_packed_with_the_flow_it_runs_in():
    assert GoTo("date").pack("logedit") == "logedit:step:date"
    with pytest.raises(ValueError, match="form payload"):
        GoTo("date").pack()


def test_a_payload_class_with_a_separator_in_its_name_is_refused():
    with pytest.raises(ValueError):
        class Bad(Payload, flow="demo", action="a:b"):
            pass
