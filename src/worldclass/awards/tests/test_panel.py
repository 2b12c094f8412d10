import pytest

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.awards import queries
from worldclass.awards.domain import panel
from worldclass.awards.models import Application, Phase, Scorecard
from worldclass.awards.tests.factories import (
    applicant_user,
    judge_user,
    seat_judges,
    set_phase,
    submitted_application,
)
from worldclass.core.errors import AppError, Conflict, NotFound


@pytest.fixture
def setup(cycle, categories, staff):
    ann, bob = applicant_user("ann"), applicant_user("bob")
    judges = seat_judges(cycle=cycle, categories=categories[:1], usernames=["j1", "j2", "j3"], staff=staff)
    a = submitted_application(cycle=cycle, category=categories[0], user=ann, title="Ann's")
    b = submitted_application(cycle=cycle, category=categories[0], user=bob, title="Bob's")
    set_phase(cycle, Phase.SCREENING)
    return {"judges": judges, "a": a, "b": b, "ann": ann, "bob": bob}


def values(cycle, *scores):
    return dict(zip(cycle.criteria.values_list("pk", flat=True), scores, strict=True))


def test_the_panel_is_full_at_six(cycle, staff):
    for n in range(6):
        panel.add_panel_member(user=staff, cycle=cycle, judge=judge_user(f"j{n}"))
    with pytest.raises(Conflict) as error:
        panel.add_panel_member(user=staff, cycle=cycle, judge=judge_user("j7"))
    assert error.value.code == "panel_full"


def test_only_judges_join_the_panel(cycle, staff):
    with pytest.raises(AppError):
        panel.add_panel_member(user=staff, cycle=cycle, judge=applicant_user("ann"))


def test_a_judge_sees_the_applications_of_assigned_categories(setup, cycle):
    visible = queries.applications_for_judge(judge=setup["judges"][0], cycle=cycle)
    assert sorted(a.title for a in visible) == ["Ann's", "Bob's"]


def test_a_judge_sees_nothing_in_unassigned_categories(setup, cycle, categories):
    judge = setup["judges"][0]
    setup["a"].category = categories[1]
    setup["a"].save()
    assert [a.title for a in queries.applications_for_judge(judge=judge, cycle=cycle)] == ["Bob's"]


def test_a_declared_conflict_hides_the_application(setup, cycle):
    judge = setup["judges"][0]
    panel.declare_conflict(judge=judge, organization=setup["a"].organization, reason="Former employer")
    assert [a.title for a in queries.applications_for_judge(judge=judge, cycle=cycle)] == ["Bob's"]


def _refusal(call) -> tuple:
    with pytest.raises(AppError) as error:
        call()
    return (type(error.value), error.value.code, error.value.message)


def test_a_conflicted_judge_cannot_open_the_application_and_is_told_no_more_than_not_found(setup, cycle, categories):
    """Blind review: the refusal is the one for an application the judge is not assigned to, or none at all."""
    judge = setup["judges"][0]
    panel.declare_conflict(judge=judge, organization=setup["a"].organization)
    unassigned = submitted_application(cycle=cycle, category=categories[1], user=applicant_user("cy"), title="Cy's")
    refusals = {
        _refusal(lambda pk=pk: queries.application_for(user=judge, pk=pk))
        for pk in (setup["a"].pk, unassigned.pk, 10**9, "abc")
    }
    assert refusals == {(NotFound, "not_found", "No such application.")}


def test_a_conflicted_judge_cannot_score_and_is_told_no_more_than_not_found(setup, cycle, categories):
    judge = setup["judges"][0]
    panel.declare_conflict(judge=judge, organization=setup["a"].organization)
    unassigned = submitted_application(cycle=cycle, category=categories[1], user=applicant_user("cy"), title="Cy's")
    refusals = {
        _refusal(
            lambda a=application: panel.submit_scorecard(judge=judge, application=a, values=values(cycle, 5, 5, 5, 5))
        )
        for application in (setup["a"], unassigned)
    }
    assert refusals == {(NotFound, "not_found", "No such application.")}


def test_the_system_flags_a_judge_who_belongs_to_the_applicant(setup, cycle):
    judge = setup["judges"][1]
    RoleAssignment.objects.create(user=judge, role=Role.SITE_MANAGER, organization=setup["b"].organization)
    assert [a.title for a in queries.applications_for_judge(judge=judge, cycle=cycle)] == ["Ann's"]


def test_a_judge_linked_to_a_person_of_the_applicant_is_flagged(setup):
    from worldclass.directory.tests.factories import PersonFactory

    judge = setup["judges"][1]
    judge.person = PersonFactory(organization=setup["b"].organization)
    judge.save()
    assert queries.flagged_organization_ids(judge=judge) == {setup["b"].organization_id}


def test_staff_override_a_declaration_with_a_reason(setup, cycle, staff):
    judge = setup["judges"][0]
    declaration = panel.declare_conflict(judge=judge, organization=setup["a"].organization)
    panel.review_conflict(user=staff, declaration=declaration, override=True, reason="Left 10 years ago")
    assert len(queries.applications_for_judge(judge=judge, cycle=cycle)) == 2


def test_an_override_needs_a_reason(setup, staff):
    declaration = panel.declare_conflict(judge=setup["judges"][0], organization=setup["a"].organization)
    with pytest.raises(AppError):
        panel.review_conflict(user=staff, declaration=declaration, override=True, reason="")


def test_assignment_refuses_a_conflicted_pair(setup, categories, staff, cycle):
    judge = judge_user("j9")
    panel.add_panel_member(user=staff, cycle=cycle, judge=judge)
    panel.declare_conflict(judge=judge, organization=setup["a"].organization)
    with pytest.raises(Conflict) as error:
        panel.assign_judge(user=staff, category=categories[0], judge=judge)
    assert error.value.code == "conflict_of_interest"


def test_assignment_needs_panel_membership(setup, categories, staff):
    with pytest.raises(Conflict) as error:
        panel.assign_judge(user=staff, category=categories[0], judge=judge_user("outsider"))
    assert error.value.code == "not_on_panel"


def test_judges_see_nothing_while_applications_are_open(setup, cycle):
    set_phase(cycle, Phase.APPLICATIONS)
    assert list(queries.applications_for_judge(judge=setup["judges"][0], cycle=cycle)) == []


def test_winner_selection_shows_only_finalists(setup, cycle):
    Application.objects.filter(pk=setup["a"].pk).update(status=Application.Status.FINALIST)
    set_phase(cycle, Phase.WINNER_SELECTION)
    assert [a.title for a in queries.applications_for_judge(judge=setup["judges"][0], cycle=cycle)] == ["Ann's"]


def test_identities_are_hidden_during_screening(setup, cycle):
    assert queries.identities_revealed(cycle) is False


def test_identities_are_revealed_from_the_revealing_phase(setup, cycle):
    set_phase(cycle, Phase.WINNER_SELECTION)
    assert queries.identities_revealed(cycle) is True


def test_judges_do_not_score_in_finalist_selection(setup, cycle):
    set_phase(cycle, Phase.FINALIST_SELECTION)
    with pytest.raises(Conflict) as error:
        panel.submit_scorecard(judge=setup["judges"][0], application=setup["a"], values=values(cycle, 5, 5, 5, 5))
    assert error.value.code == "wrong_phase"


def test_a_score_out_of_range_is_refused_naming_the_criterion(setup, cycle):
    with pytest.raises(AppError) as error:
        panel.submit_scorecard(judge=setup["judges"][0], application=setup["a"], values=values(cycle, 11, 5, 5, 5))
    assert (error.value.status, error.value.details[0].field) == (400, "scores.Measurable impact")


def test_a_judge_may_abstain_on_a_criterion(setup, cycle):
    card = panel.submit_scorecard(judge=setup["judges"][0], application=setup["a"], values=values(cycle, 8, None, 6, 6))
    assert queries.weighted_total(card) == (8 * 4 + 6 * 2 + 6 * 2) / 8


def test_abstaining_on_every_criterion_is_refused(setup, cycle):
    with pytest.raises(AppError):
        panel.submit_scorecard(
            judge=setup["judges"][0], application=setup["a"], values=values(cycle, None, None, None, None)
        )


def test_a_judge_sees_no_other_scores_before_submitting(setup, cycle):
    j1, j2, _ = setup["judges"]
    panel.submit_scorecard(judge=j1, application=setup["a"], values=values(cycle, 8, 8, 8, 8))
    assert queries.visible_scorecards(viewer=j2, application=setup["a"], stage=Scorecard.Stage.SCREENING) == []


def test_a_judge_sees_other_scores_after_submitting(setup, cycle):
    j1, j2, _ = setup["judges"]
    panel.submit_scorecard(judge=j1, application=setup["a"], values=values(cycle, 8, 8, 8, 8))
    panel.submit_scorecard(judge=j2, application=setup["a"], values=values(cycle, 6, 6, 6, 6))
    cards = queries.visible_scorecards(viewer=j2, application=setup["a"], stage=Scorecard.Stage.SCREENING)
    assert sorted(c.judge.username for c in cards) == ["j1", "j2"]


def test_a_judge_outside_the_category_cannot_score(setup, cycle, staff):
    outsider = judge_user("j8")
    with pytest.raises(NotFound):
        panel.submit_scorecard(judge=outsider, application=setup["a"], values=values(cycle, 5, 5, 5, 5))


def test_judges_see_their_progress(setup, cycle):
    judge = setup["judges"][0]
    panel.submit_scorecard(judge=judge, application=setup["a"], values=values(cycle, 5, 5, 5, 5))
    progress = queries.judge_progress(judge=judge, cycle=cycle)
    assert (progress.visible, progress.scored, progress.remaining) == (2, 1, 1)


def test_ranking_gives_weighted_mean_normalized_mean_and_spread(setup, cycle, categories):
    j1, _j2, j3 = setup["judges"]
    # j1 is lenient, j3 harsh; both rank Ann above Bob.
    panel.submit_scorecard(judge=j1, application=setup["a"], values=values(cycle, 10, 10, 10, 10))
    panel.submit_scorecard(judge=j1, application=setup["b"], values=values(cycle, 8, 8, 8, 8))
    panel.submit_scorecard(judge=j3, application=setup["a"], values=values(cycle, 4, 4, 4, 4))
    panel.submit_scorecard(judge=j3, application=setup["b"], values=values(cycle, 2, 2, 2, 2))
    rows = {r.application.title: r for r in queries.category_ranking(category=categories[0], stage="screening")}
    assert (rows["Ann's"].weighted_mean, rows["Ann's"].normalized_mean, rows["Ann's"].spread) == (7.0, 1.0, 6.0)
    assert (rows["Bob's"].weighted_mean, rows["Bob's"].normalized_mean, rows["Bob's"].spread) == (5.0, -1.0, 6.0)


def test_normalization_corrects_a_harsh_judge(setup, cycle, categories):
    j1, j2, _ = setup["judges"]
    # j1 prefers Bob mildly on a lenient scale; j2 prefers Ann strongly on a harsh scale.
    panel.submit_scorecard(judge=j1, application=setup["a"], values=values(cycle, 9, 9, 9, 9))
    panel.submit_scorecard(judge=j1, application=setup["b"], values=values(cycle, 10, 10, 10, 10))
    panel.submit_scorecard(judge=j2, application=setup["a"], values=values(cycle, 3, 3, 3, 3))
    panel.submit_scorecard(judge=j2, application=setup["b"], values=values(cycle, 1, 1, 1, 1))
    rows = {r.application.title: r for r in queries.category_ranking(category=categories[0], stage="screening")}
    assert (rows["Ann's"].normalized_mean, rows["Bob's"].normalized_mean) == (0.0, 0.0)
    assert rows["Ann's"].weighted_mean == 6.0 and rows["Bob's"].weighted_mean == 5.5
