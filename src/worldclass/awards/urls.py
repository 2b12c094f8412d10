"""Web routes of the awards app (mounted at the site root by worldclass.urls)."""

from django.urls import path

from worldclass.awards import views

app_name = "awards"
urlpatterns = [
    path("awards/", views.home, name="home"),
    path("awards/register/", views.register, name="register"),
    path("awards/<int:year>/winners/", views.winners, name="winners"),
    # applicants
    path("awards/apply/", views.my_applications, name="my_applications"),
    path("awards/applications/<int:pk>/", views.application_detail, name="application"),
    path("awards/applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("awards/applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("awards/applications/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("awards/applications/<int:pk>/story/", views.story, name="story"),
    path("awards/applications/<int:pk>/attachments/", views.attachment, name="attachment"),
    path("awards/applications/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("awards/applications/<int:pk>/consent/", views.consent, name="consent"),
    path("awards/applications/<int:pk>/gala/", views.gala, name="gala"),
    # judges
    path("awards/judging/", views.judging, name="judging"),
    path("awards/judging/conflicts/", views.declare_conflict, name="declare_conflict"),
    path("awards/applications/<int:pk>/score/", views.score, name="score"),
    # staff
    path("awards/staff/", views.staff_cycles, name="staff_cycles"),
    path("awards/staff/cycles/", views.cycle_create, name="cycle_create"),
    path("awards/staff/cycles/<int:pk>/", views.staff_cycle, name="staff_cycle"),
    path("awards/staff/cycles/<int:pk>/phase/", views.cycle_phase, name="cycle_phase"),
    path("awards/staff/cycles/<int:pk>/categories/", views.category_add, name="category_add"),
    path("awards/staff/cycles/<int:pk>/panel/", views.panel_add, name="panel_add"),
    path("awards/staff/cycles/<int:pk>/assignments/", views.judge_assign, name="judge_assign"),
    path("awards/staff/cycles/<int:pk>/notify/", views.notify_applicants, name="notify_applicants"),
    path("awards/staff/categories/<int:pk>/", views.staff_category, name="staff_category"),
    path("awards/staff/categories/<int:pk>/rename/", views.category_rename, name="category_rename"),
    path("awards/staff/categories/<int:pk>/retire/", views.category_retire, name="category_retire"),
    path("awards/staff/categories/<int:pk>/checklist/", views.checklist_item_add, name="checklist_item_add"),
    path("awards/staff/conflicts/<int:pk>/review/", views.conflict_review, name="conflict_review"),
    path("awards/staff/applications/<int:pk>/move/", views.move, name="move"),
    path("awards/staff/applications/<int:pk>/extension/", views.extension, name="extension"),
    path("awards/staff/applications/<int:pk>/interview/", views.interview, name="interview"),
    path("awards/staff/interviews/<int:pk>/notes/", views.interview_notes, name="interview_notes"),
    path("awards/staff/applications/<int:pk>/finalist/", views.finalist, name="finalist"),
    path("awards/staff/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("awards/staff/decisions/<int:pk>/story/", views.edit_story, name="edit_story"),
    path("awards/staff/decisions/<int:pk>/publish/", views.publish, name="publish"),
]
