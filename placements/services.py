"""Every change to placement data: one function per user action, each checking permission and
state inside a transaction and writing the audit trail."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from partnerships.access import Perm, can, membership_of, require
from partnerships.models import Organisation, Partnership
from placements.models import (
    HOLDS_PLACE,
    TRANSITIONS,
    AcademicYear,
    EmployerCommitment,
    ImportBatch,
    OfferStage,
    Placement,
    PlacementOffer,
    PlacementPolicy,
    PlacementStatus,
    PracticeEducator,
    Programme,
    ProgrammeDemand,
    QualityReview,
    SettingAudit,
    Student,
)
from portal.audit import diff, pseudonymise, record, snapshot
from portal.exceptions import InvalidTransition, StaleEdit

# --- Who may maintain what ---------------------------------------------------------------------


def own_employer(user, partnership) -> Organisation | None:
    """The one employer whose data this user may maintain, or None when they may maintain all.

    The rule: a coordinator who represents an employer maintains only that employer's offers,
    allocations and practice educators; a coordinator representing a university (or nobody), a
    partnership lead and a site administrator maintain everyone's."""
    membership = membership_of(user, partnership)
    if membership and membership.role == "coordinator" and membership.organisation_id:
        if membership.organisation.is_employer:
            return membership.organisation
    return None


def can_manage_employer(user, partnership, employer_id: int | None) -> bool:
    if not can(user, partnership, Perm.MANAGE_PLACEMENTS):
        return False
    own = own_employer(user, partnership)
    return own is None or own.pk == employer_id


def require_employer(user, partnership, employer_id: int | None) -> None:
    require(user, partnership, Perm.MANAGE_PLACEMENTS)
    if not can_manage_employer(user, partnership, employer_id):
        raise PermissionDenied("You can only maintain your own organisation's placement offers and educators.")


def _check_revision(obj, base_revision: int | None, message: str = "") -> None:
    if base_revision is not None and obj.revision != base_revision:
        raise StaleEdit(message, current_revision=obj.revision)


def _save_next_revision(obj) -> None:
    """Save `obj` one revision on. A record that is one per something (a year's demand, an offer's
    audit, an employer's commitment) may be created by two people at the same moment: the second
    meets the unique constraint, which is a stale edit like any other."""
    obj.revision += 1
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise StaleEdit(current_revision=1) from None


def _apply(obj, data: dict) -> dict:
    before = snapshot(obj, data.keys())
    for key, value in data.items():
        setattr(obj, key, value)
    return before


# --- Academic years ---------------------------------------------------------------------------


def ensure_academic_year(label: str) -> AcademicYear:
    """The year with this label, created with 1 September - 31 August dates if new. Years are
    site-wide reference data, so no partnership permission applies."""
    year = AcademicYear.objects.filter(label=label).first()
    if year:
        return year
    if problem := AcademicYear.label_problem(label):
        raise ValidationError({"academic_year": problem})
    starts, ends = AcademicYear.default_dates(label)
    year = AcademicYear(label=label, starts_on=starts, ends_on=ends)
    year.full_clean()
    year.save()
    return year


# --- Programmes, demand, commitments ----------------------------------------------------------


@transaction.atomic
def save_programme(actor, partnership, *, data: dict, programme: Programme | None = None, base_revision=None):
    require(actor, partnership, Perm.MANAGE_PLACEMENTS)
    if programme is None:
        programme = Programme(partnership=partnership)
        action, verb = "programme.created", "Added"
    else:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        _check_revision(programme, base_revision)
        programme.revision += 1
        action, verb = "programme.updated", "Updated"
    if action == "programme.updated":
        before = _apply(programme, data)
    else:
        before = {}
        for key, value in data.items():
            setattr(programme, key, value)
    if programme.university_id and not programme.university.is_university:
        raise ValidationError({"university": "Choose a university"})
    programme.full_clean()
    programme.save()
    record(
        actor,
        action,
        programme,
        changes=diff(before, snapshot(programme, data.keys())),
        summary=f"{verb} the programme {programme.name}",
        partnership_id=partnership.pk,
    )
    return programme


@transaction.atomic
def set_demand(
    actor,
    programme: Programme,
    academic_year: AcademicYear,
    *,
    first: int,
    final: int,
    base_revision: int | None = None,
) -> ProgrammeDemand:
    """`base_revision` is the revision of the year's figures the form showed (0: none recorded)."""
    require(actor, programme.partnership_id, Perm.MANAGE_PLACEMENTS)
    demand = (
        ProgrammeDemand.objects.select_for_update().filter(programme=programme, academic_year=academic_year).first()
    )
    if demand is None:
        demand = ProgrammeDemand(programme=programme, academic_year=academic_year, revision=0)
    _check_revision(demand, base_revision)
    before = snapshot(demand, ["first_placements", "final_placements"])
    demand.first_placements, demand.final_placements = first, final
    _save_next_revision(demand)
    record(
        actor,
        "demand.set",
        demand,
        changes=diff(before, snapshot(demand, ["first_placements", "final_placements"])),
        summary=f"Set demand for {programme.name} in {academic_year}: {first} first, {final} final placements",
        partnership_id=programme.partnership_id,
    )
    return demand


@transaction.atomic
def set_commitment(
    actor,
    partnership,
    employer: Organisation,
    academic_year: AcademicYear,
    places: int,
    *,
    base_revision: int | None = None,
) -> EmployerCommitment:
    """Record the places an employer committed for a year. `base_revision` is the revision of the
    commitment the form showed for that employer and year (0: none recorded); a different one means
    the number changed since, or the form showed another employer's, and the save is refused."""
    require_employer(actor, partnership, employer.pk)
    commitment = (
        EmployerCommitment.objects.select_for_update()
        .filter(partnership=partnership, employer=employer, academic_year=academic_year)
        .first()
    )
    if commitment is None:
        commitment = EmployerCommitment(
            partnership=partnership, employer=employer, academic_year=academic_year, places=places, revision=0
        )
        old = None
    else:
        old = commitment.places
    _check_revision(
        commitment,
        base_revision,
        f"The places committed by {employer.name} in {academic_year} changed after you opened this page, "
        f"or were not the ones it showed: {commitment.places} are recorded now. Check the number, then save again.",
    )
    commitment.places = places
    _save_next_revision(commitment)
    record(
        actor,
        "commitment.set",
        commitment,
        changes={"places": [old, places]},
        summary=f"Recorded {places} committed places for {employer.name} in {academic_year}",
        partnership_id=partnership.pk,
        organisation_id=employer.pk,
    )
    return commitment


# --- Offers ------------------------------------------------------------------------------------

OFFER_FIELDS = [
    "employer",
    "team",
    "service_area",
    "statutory",
    "stage",
    "academic_year",
    "places",
    "practice_educator",
    "onsite_supervisor",
    "starts_on",
    "ends_on",
    "notes",
]


def _check_offer_capacity(offer: PlacementOffer) -> None:
    held = offer.placements.filter(status__in=HOLDS_PLACE).count() if offer.pk else 0
    if offer.places < held:
        raise ValidationError(
            {"places": f"{held} students are already placed on this offer: offer at least {held} places"}
        )


@transaction.atomic
def create_offer(actor, partnership, *, data: dict) -> PlacementOffer:
    employer = data.get("employer")
    require_employer(actor, partnership, employer.pk if employer else None)
    offer = PlacementOffer(partnership=partnership, **data)
    offer.full_clean()
    offer.save()
    record(
        actor,
        "offer.created",
        offer,
        changes=diff({}, snapshot(offer, data.keys())),
        summary=f"Added an offer of {offer.places} places at {offer.team}, {offer.employer.name}",
        partnership_id=partnership.pk,
        organisation_id=offer.employer_id,
    )
    return offer


@transaction.atomic
def update_offer(actor, offer: PlacementOffer, *, data: dict, base_revision: int | None) -> PlacementOffer:
    require_employer(actor, offer.partnership, offer.employer_id)
    if "employer" in data:
        require_employer(actor, offer.partnership, data["employer"].pk)
    locked = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    _check_revision(locked, base_revision)
    before = _apply(locked, data)
    _check_offer_capacity(locked)
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        "offer.updated",
        locked,
        changes=diff(before, snapshot(locked, data.keys())),
        summary=f"Updated the offer at {locked.team}, {locked.employer.name}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.employer_id,
    )
    return locked


@transaction.atomic
def save_setting_audit(actor, offer: PlacementOffer, *, data: dict, base_revision: int | None = None) -> SettingAudit:
    """`base_revision` is the revision of the audit the form showed (0: none recorded yet)."""
    require_employer(actor, offer.partnership, offer.employer_id)
    audit = SettingAudit.objects.select_for_update().filter(offer=offer).first() or SettingAudit(
        offer=offer, revision=0
    )
    _check_revision(audit, base_revision)
    before = _apply(audit, data)
    audit.full_clean()
    _save_next_revision(audit)
    record(
        actor,
        "setting_audit.saved",
        audit,
        changes=diff(before, snapshot(audit, data.keys())),
        summary=f"Saved the setting audit for {offer.team} ({audit.checks_done} of {len(audit.CHECKS)} checks)",
        partnership_id=offer.partnership_id,
        organisation_id=offer.employer_id,
    )
    return audit


# --- Students ---------------------------------------------------------------------------------


def _student_subjects(student: Student, *earlier: str) -> list[tuple[Student, str]]:
    """The student's references for an audit event (`earlier`: a reference it had before), so
    purging their data can pseudonymise the trail too (portal.audit.pseudonymise)."""
    return [(student, text) for text in (student.reference, *earlier) if text]


STUDENT_FIELDS = ["reference", "name", "programme", "cohort", "final_year"]


@transaction.atomic
def save_student(actor, partnership, *, data: dict, student: Student | None = None, base_revision=None) -> Student:
    require(actor, partnership, Perm.MANAGE_PLACEMENTS)
    if student is None:
        student = Student(partnership=partnership)
        before, action = {}, "student.created"
        for key, value in data.items():
            setattr(student, key, value)
    else:
        student = Student.objects.select_for_update().get(pk=student.pk)
        _check_revision(student, base_revision)
        student.revision += 1
        before, action = _apply(student, data), "student.updated"
    if student.programme_id:
        student.university_id = student.programme.university_id
        if student.programme.partnership_id != partnership.pk:
            raise ValidationError({"programme": "Choose a programme in this partnership"})
    if (
        Student.objects.filter(partnership=partnership, reference__iexact=student.reference)
        .exclude(pk=student.pk)
        .exists()
    ):
        raise ValidationError({"reference": f"A student with the reference {student.reference} already exists"})
    if student.purged_on:
        raise ValidationError("This student's personal data has been removed: add them again if they return")
    student.full_clean()
    student.save()
    changes = diff(before, snapshot(student, data.keys()))
    if "name" in changes:
        # The audit trail outlives the retention period, so it records that a name changed, not the name.
        changes["name"] = ["(not recorded)", "(not recorded)"]
    record(
        actor,
        action,
        student,
        changes=changes,
        summary=f"{'Added' if action.endswith('created') else 'Updated'} the student {student.reference}",
        partnership_id=partnership.pk,
        subjects=_student_subjects(student, *(changes.get("reference") or [])),
    )
    return student


# --- Placements: the allocation rules ---------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def allocation_problems(
    student: Student,
    offer: PlacementOffer,
    stage: str,
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    """The rules that refuse an allocation, as {field: message}. Called under a lock on the
    offer row so two coordinators cannot both take its last place."""
    problems: dict[str, str] = {}
    if ends_on < starts_on:
        problems["ends_on"] = "The placement must end on or after the day it starts"
        return problems
    if offer.partnership_id != student.partnership_id:
        problems["offer"] = "Choose an offer in the student's partnership"
    if offer.stage != OfferStage.EITHER and offer.stage != stage:
        problems["stage"] = f"This offer is for a {offer.get_stage_display().lower()}, not a {stage} placement"
    held = offer.placements.filter(status__in=HOLDS_PLACE).exclude(pk=exclude_pk).count()
    if held >= offer.places:
        problems["offer"] = (
            f"{offer.team} has no place left: all {offer.places} are taken. "
            "Ask the employer for another place or choose another offer"
        )
    # A placement that ended early keeps its real last day in ends_on, so plain date overlap
    # covers it too.
    clash = (
        Placement.objects.filter(student=student, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(pk=exclude_pk)
        .select_related("offer")
        .first()
    )
    if clash:
        problems["starts_on"] = (
            f"{student.reference} already has a placement at {clash.offer.team} from {_fmt(clash.starts_on)} "
            f"to {_fmt(clash.ends_on)}: a student's placements cannot overlap"
        )
    return problems


def allocation_warnings(student: Student, offer: PlacementOffer, stage: str, starts_on, ends_on) -> list[str]:
    """Things to flag but not refuse: a final placement that leaves the student without a
    statutory placement, another university's students in the same team at the same time, and a
    practice educator who would support more students at once than they take."""
    warnings = []
    if stage == "final" and not offer.statutory:
        has_statutory = student.placements.filter(offer__statutory=True, status__in=HOLDS_PLACE).exists()
        if not has_statutory:
            warnings.append(
                f"{student.reference} has no statutory placement and this final placement is not statutory: "
                "they will finish without the statutory placement every student needs"
            )
    other_universities = (
        Placement.objects.filter(
            offer__employer_id=offer.employer_id,
            offer__team__iexact=offer.team,
            status__in=HOLDS_PLACE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .exclude(student__university_id=student.university_id)
        .values_list("student__university__name", flat=True)
        .distinct()
    )
    for name in other_universities:
        warnings.append(
            f"{offer.team} also hosts a {name} student at the same time: check that the two universities' "
            "blocks and teaching days fit together"
        )
    educator = offer.practice_educator
    if educator is not None:
        busy = Placement.objects.filter(
            offer__practice_educator=educator, status__in=HOLDS_PLACE, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).count()
        if busy >= educator.max_students:
            warnings.append(
                f"{educator.full_name}, the practice educator for {offer.team}, already supports {busy} "
                f"student{'s' if busy != 1 else ''} at that time and takes at most {educator.max_students} at once: "
                "check with them or name another practice educator on the offer"
            )
    return warnings


@transaction.atomic
def allocate(
    actor,
    student: Student,
    *,
    offer: PlacementOffer,
    stage: str,
    starts_on,
    ends_on,
    planned_days: int,
    status: str = PlacementStatus.PROPOSED,
) -> Placement:
    require_employer(actor, student.partnership, offer.employer_id)
    offer = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    problems = allocation_problems(student, offer, stage, starts_on, ends_on)
    if problems:
        raise ValidationError(problems)
    if status not in (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED):
        raise InvalidTransition("A new placement starts as proposed or confirmed")
    placement = Placement(
        partnership_id=student.partnership_id,
        academic_year_id=offer.academic_year_id,
        student=student,
        offer=offer,
        stage=stage,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_days=planned_days,
        status=status,
    )
    placement.full_clean()
    placement.save()
    record(
        actor,
        "placement.created",
        placement,
        changes={"status": [None, status], "offer": [None, str(offer)]},
        summary=f"Placed {student.reference} at {offer.team}, {offer.employer.name} ({stage} placement)",
        partnership_id=student.partnership_id,
        organisation_id=offer.employer_id,
        subjects=_student_subjects(student),
    )
    return placement


@transaction.atomic
def change_status(
    actor,
    placement: Placement,
    *,
    status: str,
    completed_days: int | None = None,
    end_reason: str = "",
    end_notes: str = "",
    ended_on: dt.date | None = None,
    base_revision: int | None = None,
) -> Placement:
    """Move a placement along its workflow; ending early needs a reason."""
    require_employer(actor, placement.partnership, placement.offer.employer_id)
    locked = Placement.objects.select_for_update().select_related("offer", "student").get(pk=placement.pk)
    _check_revision(locked, base_revision)
    if status not in TRANSITIONS[locked.status]:
        raise InvalidTransition(
            f"A placement that is {locked.get_status_display().lower()} cannot become "
            f"{PlacementStatus(status).label.lower()}"
        )
    fields = ["status", "completed_days", "end_reason", "end_notes", "ends_on"]
    before = snapshot(locked, fields)
    if status == PlacementStatus.ENDED_EARLY:
        if not end_reason:
            raise ValidationError({"end_reason": "Choose why the placement ended early"})
        locked.end_reason, locked.end_notes = end_reason, end_notes
        if ended_on:
            if not (locked.starts_on <= ended_on <= locked.ends_on):
                raise ValidationError({"ended_on": "The last day must fall within the placement's dates"})
            locked.ends_on = ended_on
    if status == PlacementStatus.CONFIRMED:
        # Confirming needs the place to be still free: a proposed placement already holds one,
        # so this only guards against an offer reduced since.
        held = locked.offer.placements.filter(status__in=HOLDS_PLACE).exclude(pk=locked.pk).count()
        if held >= locked.offer.places:
            raise ValidationError("The offer has no place left for this student")
    if completed_days is not None:
        if completed_days > locked.planned_days + 30:
            raise ValidationError({"completed_days": "Completed days look too high for the planned days"})
        locked.completed_days = completed_days
    elif status == PlacementStatus.COMPLETED and not locked.completed_days:
        locked.completed_days = locked.planned_days
    locked.status = status
    locked.revision += 1
    locked.full_clean()
    locked.save()
    record(
        actor,
        "placement.status_changed",
        locked,
        changes=diff(before, snapshot(locked, fields)),
        summary=f"{locked.student.reference}'s placement at {locked.offer.team} is now {locked.get_status_display().lower()}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.offer.employer_id,
        subjects=_student_subjects(locked.student),
    )
    if status == PlacementStatus.COMPLETED and locked.offer.practice_educator_id:
        # Supporting a student keeps a practice educator current.
        PracticeEducator.objects.filter(pk=locked.offer.practice_educator_id).filter(
            Q(last_student_on__isnull=True) | Q(last_student_on__lt=locked.ends_on)
        ).update(last_student_on=locked.ends_on)
    return locked


@transaction.atomic
def record_review(actor, placement: Placement, *, data: dict) -> QualityReview:
    require_employer(actor, placement.partnership, placement.offer.employer_id)
    if placement.status == PlacementStatus.PROPOSED:
        raise InvalidTransition("Reviews can be recorded once the placement is confirmed")
    review = QualityReview.objects.filter(placement=placement, point=data["point"], role=data["role"]).first()
    created = review is None
    review = review or QualityReview(placement=placement)
    before = {} if created else snapshot(review, data.keys())
    for key, value in data.items():
        setattr(review, key, value)
    review.recorded_by = actor
    review.full_clean()
    review.save()
    record(
        actor,
        "review.recorded" if created else "review.updated",
        review,
        changes=diff(before, snapshot(review, data.keys())),
        summary=f"Recorded the {review.get_point_display().lower()} review ({review.get_role_display().lower()}) "
        f"for {placement.student.reference}",
        partnership_id=placement.partnership_id,
        subjects=_student_subjects(placement.student),
    )
    return review


# --- Practice educators -----------------------------------------------------------------------

EDUCATOR_FIELDS = [
    "full_name",
    "email",
    "employer",
    "peps_stage",
    "qualified_on",
    "last_student_on",
    "last_cpd_on",
    "max_students",
]


def _refuse_known_email(partnership, email: str, *, exclude_pk=None) -> None:
    """An email address is on a register once. Only this partnership's own records are looked
    at, so the message names nobody and says nothing about other registers."""
    same = PracticeEducator.objects.filter(partnership=partnership, email__iexact=email)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"email": "Someone with this email address is already on this partnership's register"})


@transaction.atomic
def add_educator(actor, partnership, *, data: dict) -> PracticeEducator:
    """Add an educator to the partnership's register. The record is this partnership's own, even
    when the same person is on another register: what another partnership recorded is theirs to
    see and change, so nothing is looked up or reused across registers."""
    employer = data.get("employer")
    require_employer(actor, partnership, employer.pk if employer else None)
    # Lock the register so two people adding the same email at once cannot both succeed.
    list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk"))
    _refuse_known_email(partnership, data["email"])
    educator = PracticeEducator(partnership=partnership, **data)
    educator.full_clean()
    educator.save()
    record(
        actor,
        "educator.added",
        educator,
        changes=diff({}, snapshot(educator, data.keys())),
        summary=f"Added {educator.full_name} to the practice educator register",
        partnership_id=partnership.pk,
        organisation_id=educator.employer_id,
    )
    return educator


def _educator_partnership_for(actor, educator: PracticeEducator) -> Partnership:
    """The partnership that owns the educator's record, if the actor may maintain it there."""
    partnership = educator.partnership
    if not can_manage_employer(actor, partnership, educator.employer_id):
        raise PermissionDenied("You cannot maintain this practice educator's record.")
    return partnership


@transaction.atomic
def update_educator(actor, educator: PracticeEducator, *, data: dict, base_revision: int | None) -> PracticeEducator:
    partnership = _educator_partnership_for(actor, educator)
    if "employer" in data:
        require_employer(actor, partnership, data["employer"].pk if data["employer"] else None)
    locked = PracticeEducator.objects.select_for_update().get(pk=educator.pk)
    _check_revision(locked, base_revision)
    if "email" in data:
        _refuse_known_email(partnership, data["email"], exclude_pk=locked.pk)
    before = _apply(locked, data)
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        "educator.updated",
        locked,
        changes=diff(before, snapshot(locked, data.keys())),
        summary=f"Updated {locked.full_name}'s practice educator record",
        partnership_id=partnership.pk,
        organisation_id=locked.employer_id,
    )
    return locked


def offers_with_room(partnership, academic_year=None):
    """Offers that still have a free place (for choosing where to place a student)."""
    qs = PlacementOffer.objects.filter(partnership=partnership).annotate(
        held=Count("placements", filter=Q(placements__status__in=HOLDS_PLACE))
    )
    if academic_year:
        qs = qs.filter(academic_year=academic_year)
    return qs.filter(held__lt=F("places"))


# --- Data protection --------------------------------------------------------------------------


@transaction.atomic
def set_retention(actor, partnership, *, years: int, base_revision: int | None = None) -> PlacementPolicy:
    """Change how long student records are kept: a partnership decision, so leads make it."""
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    PlacementPolicy.for_partnership(partnership)
    policy = PlacementPolicy.objects.select_for_update().get(partnership=partnership)
    _check_revision(policy, base_revision)
    before = snapshot(policy, ["student_retention_years"])
    policy.student_retention_years = years
    policy.revision += 1
    policy.full_clean()
    policy.save()
    record(
        actor,
        "placement_policy.updated",
        policy,
        changes=diff(before, snapshot(policy, ["student_retention_years"])),
        summary=f"Set student records to be kept for {years} years after the final placement year",
        partnership_id=partnership.pk,
    )
    return policy


def students_due_for_purge(partnership, today: dt.date):
    """Students whose final placement year ended longer ago than the retention period."""
    cutoff = PlacementPolicy.for_partnership(partnership).purge_before(today)
    return Student.objects.filter(partnership=partnership, purged_on__isnull=True, final_year__ends_on__lt=cutoff)


@transaction.atomic
def purge_students(partnership, *, today: dt.date, actor=None) -> int:
    """Remove the personal data of students past the retention period: their reference becomes
    a meaningless token, their name goes, and free text about them (why a placement ended, review
    comments) is cleared, and so is their reference in the audit trail. Placements and ratings
    stay, without a person, so past years' figures do not change. Run daily by
    `manage.py purge_students`; writes one audit event per partnership (with a count, never the
    references)."""
    policy = PlacementPolicy.for_partnership(partnership)
    due = list(students_due_for_purge(partnership, today).select_for_update(of=("self",)).values_list("pk", flat=True))
    if not due:
        return 0
    for pk in due:
        # One UPDATE per student (the reference must stay unique); a daily run purges few.
        Student.objects.filter(pk=pk).update(reference=f"removed-{pk}", name="", purged_on=today)
        # The trail names them too: their references there become the same meaningless token,
        # which leaves the chain's hashes valid (they cover a keyed digest, not the reference).
        pseudonymise(Student(pk=pk), f"removed-{pk}")
    Placement.objects.filter(student_id__in=due).update(end_notes="")
    QualityReview.objects.filter(placement__student_id__in=due).update(comments="")
    record(
        actor,
        "students.purged",
        policy,
        changes={"students": [0, len(due)]},
        summary=f"Removed the personal data of {len(due)} student{'s' if len(due) != 1 else ''} whose final "
        f"placement year ended more than {policy.student_retention_years} years ago",
        partnership_id=partnership.pk,
    )
    return len(due)


@transaction.atomic
def export_student_record(actor, student: Student) -> dict:
    """Everything held on one student (a subject access request). Recorded in the audit trail,
    because personal data leaves the portal."""
    from placements.exports import student_record

    require(actor, student.partnership_id, Perm.MANAGE_PLACEMENTS)
    data = student_record(student)
    record(
        actor,
        "student.data_exported",
        student,
        summary=f"Downloaded everything held on the student {student.reference}",
        partnership_id=student.partnership_id,
        subjects=_student_subjects(student),
    )
    return data


@transaction.atomic
def export_educator_record(actor, educator: PracticeEducator) -> dict:
    """Everything the owning partnership holds on one practice educator; only someone who may
    maintain their record there may download it."""
    from placements.exports import educator_record

    partnership = _educator_partnership_for(actor, educator)
    data = educator_record(educator)
    record(
        actor,
        "educator.data_exported",
        educator,
        summary=f"Downloaded everything held on the practice educator {educator.full_name}",
        partnership_id=partnership.pk,
        organisation_id=educator.employer_id,
    )
    return data


# Uploaded files hold students' references and names; they are needed only between the check and
# the import, so they are kept for a month (to look back at a problem) and then deleted.
IMPORT_FILE_DAYS = 30


def old_import_files(partnership, today: dt.date):
    cutoff = dt.datetime.combine(today - dt.timedelta(days=IMPORT_FILE_DAYS), dt.time.min, tzinfo=dt.UTC)
    return ImportBatch.objects.filter(partnership=partnership, created_at__lt=cutoff).exclude(file="")


@transaction.atomic
def discard_old_import_files(partnership, *, today: dt.date, actor=None) -> int:
    """Delete uploaded import files older than IMPORT_FILE_DAYS and the row problems listed for
    them (which quote the rows); the record of each import stays."""
    batches = list(old_import_files(partnership, today).select_for_update())
    for batch in batches:
        batch.file.delete(save=False)
        batch.errors = []
        batch.save(update_fields=["file", "errors"])
    if batches:
        record(
            actor,
            "imports.files_deleted",
            PlacementPolicy.for_partnership(partnership),
            changes={"files": [0, len(batches)]},
            summary=f"Deleted {len(batches)} uploaded import file{'s' if len(batches) != 1 else ''} older than "
            f"{IMPORT_FILE_DAYS} days",
            partnership_id=partnership.pk,
        )
    return len(batches)
