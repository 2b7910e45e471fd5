from django.urls import path

from legation.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="create"),
    path("pick/", views.person_pick, name="pick"),
    path("pick/organisations/", views.organisation_pick, name="pick_organisation"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/note/", views.person_note, name="note"),
    path("<int:pk>/delete/", views.person_delete, name="delete"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
]

# The likely duplicates (/people/duplicates/, `people:duplicates`, `people:duplicate_merge`) are
# intake's pages (intake finds and merges duplicates): legation/urls.py adds
# intake.urls.people_urlpatterns to this section.
