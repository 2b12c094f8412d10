import datetime as dt

import pytest

from worldclass.awards.demo import seed_2019_deadlines
from worldclass.awards.domain import cycles
from worldclass.awards.models import Category, Criterion, Phase
from worldclass.awards.tests.factories import applicant_user
from worldclass.core.errors import AppError, Conflict, PermissionDenied
from worldclass.core.models import AuditEvent


def test_a_new_cycle_has_the_17_published_categories_in_order(cycle):
    assert list(cycle.categories.values_list("name", flat=True)) == cycles.DEFAULT_CATEGORIES


def test_the_published_set_has_17_categories():
    assert len(cycles.DEFAULT_CATEGORIES) == 17


def test_every_category_has_its_own_checklist_items(cycle):
    category = cycle.categories.first()
    cycles.add_checklist_item(user=cycle_staff(cycle), category=category, text="We trained every CSR.")
    other = cycle.categories.last()
    assert category.checklist_items.count() == len(cycles.DEFAULT_CHECKLIST) + 1
    assert other.checklist_items.count() == len(cycles.DEFAULT_CHECKLIST)


def cycle_staff(cycle):
    from worldclass.accounts.models import User

    return User.objects.get(username="staff")


def test_the_seed_dates_are_the_example_data():
    dates = seed_2019_deadlines()
    assert dates == {
        "application_deadline": dt.date(2019, 9, 30),
        "checklist_deadline": dt.date(2019, 10, 18),
        "interviews_start": dt.date(2019, 10, 18),
        "interviews_end": dt.date(2019, 11, 29),
        "finalists_deadline": dt.date(2019, 12, 6),
        "story_deadline": dt.date(2019, 12, 20),
        "winners_deadline": dt.date(2020, 2, 15),
    }


def test_a_cycle_has_the_weighted_rubric(cycle):
    assert list(Criterion.objects.filter(cycle=cycle).values_list("name", "weight")) == [
        ("Measurable impact", 4),
        ("Uniqueness", 2),
        ("Sustainability", 2),
        ("Transferability", 2),
    ]


def test_the_panel_has_six_judges_by_default(cycle):
    assert cycle.panel_size == 6


def test_deadlines_out_of_order_are_refused(staff):
    dates = cycles.example_deadlines(year=2030)
    dates["checklist_deadline"] = dt.date(2030, 9, 1)
    with pytest.raises(AppError) as error:
        cycles.create_cycle(user=staff, year=2030, deadlines=dates)
    assert error.value.details[0].field == "checklist_deadline"


def test_an_unknown_time_zone_is_refused(staff):
    with pytest.raises(AppError) as error:
        cycles.create_cycle(user=staff, year=2030, time_zone="Mars/Olympus")
    assert error.value.details[0].field == "time_zone"


def test_only_staff_create_cycles(db):
    with pytest.raises(PermissionDenied):
        cycles.create_cycle(user=applicant_user("ann"), year=2030)


def test_staff_add_a_category(cycle, staff):
    category = cycles.add_category(user=staff, cycle=cycle, name="AI Assistance")
    assert (category.position, cycle.categories.count()) == (18, 18)


def test_staff_rename_a_category(cycle, staff):
    category = cycle.categories.first()
    cycles.rename_category(user=staff, category=category, name="Omnichannel Experience")
    assert Category.objects.get(pk=category.pk).name == "Omnichannel Experience"


def test_renaming_to_an_existing_name_is_a_conflict(cycle, staff):
    category = cycle.categories.first()
    with pytest.raises(Conflict):
        cycles.rename_category(user=staff, category=category, name="Email Channel")


def test_staff_retire_a_category(cycle, staff):
    category = cycles.retire_category(user=staff, category=cycle.categories.first())
    assert category.retired_at is not None


def test_phase_changes_are_audited(cycle, staff):
    cycles.set_phase(user=staff, cycle=cycle, phase=Phase.SCREENING)
    assert AuditEvent.objects.filter(action="awards.set_phase", object_id=str(cycle.pk)).count() == 1


def test_default_categories_and_checklist_items_have_french_names(staff):
    from django.utils import translation

    cycle = cycles.create_cycle(user=staff, year=2031)
    category = cycle.categories.get(name="Email Channel")
    with translation.override("fr"):
        assert (str(cycle), str(category), str(category.checklist_items.last())) == (
            "Prix des meilleures pratiques CX 2031-2032",
            "Canal courriel",
            "La pratique pourrait être adoptée par d'autres centres de contact.",
        )
