"""Who may open each preference round page: those who manage placements (coordinators, leads and
site administrators); other members 403, outsiders 404. POST-only actions answer 405 to those
allowed."""

from matching.models import Pin, PinKind, RoundStudent
from tests.access import Row, participants, roles
from tests.matching.factories import round_world

MANAGE = roles("coordinator", "lead")


def _slug(w):
    return {"slug": w.partnership.slug}


def _round(w):
    return {"pk": round_world(w)["round"].pk}


def _student(w):
    made = round_world(w)
    return {"pk": made["round"].pk, "student_pk": made["students"][0].pk}


def _move(w):
    return {**_round(w), "action": "close"}


def _pin(w):
    made = round_world(w)
    pin = Pin.objects.create(
        round=made["round"], student=made["students"][0], offer=made["offers"][0], kind=PinKind.PIN
    )
    return {"pk": made["round"].pk, "pin_pk": pin.pk}


def _own_round(w):
    """An open round with the world's signed-in student in it."""
    from tests.participants.factories import world_student

    made = round_world(w)
    RoundStudent.objects.create(round=made["round"], student=world_student(w))
    return {"pk": made["round"].pk}


ROWS: list[Row] = [
    # The student's own preferences: only that student; everyone else 404 (staff use :preferences).
    Row("matching:my_preferences", participants("student"), kwargs=_own_round),
    Row("matching:round_list", MANAGE, kwargs=_slug),
    Row("matching:round_create", MANAGE, kwargs=_slug),
    Row("matching:round_detail", MANAGE, kwargs=_round),
    Row("matching:round_edit", MANAGE, kwargs=_round),
    Row("matching:round_move", roles("coordinator", "lead", ok=405), kwargs=_move, note="POST only"),
    Row("matching:preferences", MANAGE, kwargs=_student),
    Row("matching:remove_student", roles("coordinator", "lead", ok=405), kwargs=_student, note="POST only"),
    Row("matching:pin", MANAGE, kwargs=_student),
    Row("matching:proposal", MANAGE, kwargs=_round),
    Row("matching:proposal_run", roles("coordinator", "lead", ok=405), kwargs=_round, note="POST only"),
    Row("matching:confirm", MANAGE, kwargs=_round),
    Row("matching:unpin", roles("coordinator", "lead", ok=405), kwargs=_pin, note="POST only"),
]
