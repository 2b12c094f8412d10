"""API routes of the awards app (mounted under /api/v1/ by worldclass.urls)."""

from rest_framework.routers import SimpleRouter

from worldclass.awards import api

router = SimpleRouter()
router.register("awards/cycles", api.CycleViewSet, basename="awards-cycle")
router.register("awards/categories", api.CategoryViewSet, basename="awards-category")
router.register("awards/applications", api.ApplicationViewSet, basename="awards-application")
router.register("awards/checklist-answers", api.ChecklistAnswerViewSet, basename="awards-checklist-answer")
router.register("awards/scores", api.ScorecardViewSet, basename="awards-scorecard")
router.register("awards/decisions", api.WinnerDecisionViewSet, basename="awards-decision")
router.register("awards/conflicts", api.ConflictViewSet, basename="awards-conflict")

urlpatterns = router.urls
