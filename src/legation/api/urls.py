from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from legation.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", views.PersonViewSet, basename="person")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("engagements", views.EngagementViewSet, basename="engagement")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("missions", views.MissionViewSet, basename="mission")
router.register("postings", views.PostingViewSet, basename="posting")
router.register("tags", views.TagViewSet, basename="tag")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("regions", views.RegionViewSet, basename="region")

app_name = "api"
urlpatterns = [
    path("v1/figures/<str:kind>/", views.FiguresView.as_view(), name="figures"),
    path("v1/letters/render/", views.LetterView.as_view(), name="letter_render"),
    path("v1/letters/check/", views.ClaimCheckView.as_view(), name="claim_check"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    # Any other address under /api/: a problem (404), not the web application's page.
    re_path(r"^.*$", views.no_such_endpoint),
]
