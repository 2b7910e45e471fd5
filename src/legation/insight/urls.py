from django.urls import path

from legation.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.tenure_page, name="tenure"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("quiet/", views.quiet_page, name="quiet"),
    path("handover/", views.handover_page, name="handover"),
    path("people/<int:pk>/", views.network_page, name="network"),
]
