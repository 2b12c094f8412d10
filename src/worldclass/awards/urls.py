"""Web routes of the awards app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.awards.views import applicant, judge, public, staff

app_name = "awards"
urlpatterns = [
    # public
    path("awards/", public.home, name="home"),
    path("awards/<int:year>/winners/", public.winners, name="winners"),
    # applicants (an application's page is also what judges and staff see)
    path("awards/register/", applicant.register, name="register"),
    path("awards/apply/", applicant.my_applications, name="my_applications"),
    path("awards/applications/<int:pk>/", applicant.application_detail, name="application"),
    path("awards/applications/<int:pk>/edit/", applicant.application_edit, name="application_edit"),
    path("awards/applications/<int:pk>/submit/", applicant.application_submit, name="application_submit"),
    path("awards/applications/<int:pk>/checklist/", applicant.checklist, name="checklist"),
    path("awards/applications/<int:pk>/story/", applicant.story, name="story"),
    path("awards/applications/<int:pk>/attachments/", applicant.attachment, name="attachment"),
    path("awards/applications/<int:pk>/evidence/", applicant.evidence, name="evidence"),
    path("awards/applications/<int:pk>/consent/", applicant.consent, name="consent"),
    path("awards/applications/<int:pk>/gala/", applicant.gala, name="gala"),
    # judges
    path("awards/judging/", judge.judging, name="judging"),
    path("awards/judging/conflicts/", judge.declare_conflict, name="declare_conflict"),
    path("awards/applications/<int:pk>/score/", judge.score, name="score"),
    # staff
    path("awards/staff/", staff.staff_cycles, name="staff_cycles"),
    path("awards/staff/cycles/", staff.cycle_create, name="cycle_create"),
    path("awards/staff/cycles/<int:pk>/", staff.staff_cycle, name="staff_cycle"),
    path("awards/staff/cycles/<int:pk>/phase/", staff.cycle_phase, name="cycle_phase"),
    path("awards/staff/cycles/<int:pk>/categories/", staff.category_add, name="category_add"),
    path("awards/staff/cycles/<int:pk>/panel/", staff.panel_add, name="panel_add"),
    path("awards/staff/cycles/<int:pk>/assignments/", staff.judge_assign, name="judge_assign"),
    path("awards/staff/cycles/<int:pk>/notify/", staff.notify_applicants, name="notify_applicants"),
    path("awards/staff/categories/<int:pk>/", staff.staff_category, name="staff_category"),
    path("awards/staff/categories/<int:pk>/rename/", staff.category_rename, name="category_rename"),
    path("awards/staff/categories/<int:pk>/retire/", staff.category_retire, name="category_retire"),
    path("awards/staff/categories/<int:pk>/checklist/", staff.checklist_item_add, name="checklist_item_add"),
    path("awards/staff/conflicts/<int:pk>/review/", staff.conflict_review, name="conflict_review"),
    path("awards/staff/applications/<int:pk>/move/", staff.move, name="move"),
    path("awards/staff/applications/<int:pk>/extension/", staff.extension, name="extension"),
    path("awards/staff/applications/<int:pk>/interview/", staff.interview, name="interview"),
    path("awards/staff/interviews/<int:pk>/notes/", staff.interview_notes, name="interview_notes"),
    path("awards/staff/applications/<int:pk>/finalist/", staff.finalist, name="finalist"),
    path("awards/staff/applications/<int:pk>/decide/", staff.decide, name="decide"),
    path("awards/staff/decisions/<int:pk>/story/", staff.edit_story, name="edit_story"),
    path("awards/staff/decisions/<int:pk>/publish/", staff.publish, name="publish"),
]
