from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
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
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
