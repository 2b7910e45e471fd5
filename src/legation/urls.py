from django.contrib import admin
from django.urls import include, path

from legation.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("intake/", include("legation.intake.urls")),
    path("letters/", include("legation.letters.urls")),
]
