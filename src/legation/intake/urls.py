from django.urls import path

from legation.intake import views

app_name = "intake"
urlpatterns = [
    path("import/", views.upload, name="import"),
    path("import/confirm/", views.confirm, name="import_confirm"),
]
