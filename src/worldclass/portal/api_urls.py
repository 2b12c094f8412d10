"""API routes of the portal app (mounted under /api/v1/ by worldclass.urls)."""

from rest_framework.routers import SimpleRouter

from worldclass.portal import api

router = SimpleRouter()
router.register("organizations", api.OrganizationViewSet, basename="portal-organization")
router.register("sites", api.SiteViewSet, basename="portal-site")
router.register("people", api.PersonViewSet, basename="portal-person")
router.register("monthly-metrics", api.MonthlyMetricViewSet, basename="portal-monthly-metric")
urlpatterns = router.urls
