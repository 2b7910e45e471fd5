from django.urls import path

from legation.intake import views, views_duplicates

app_name = "intake"
urlpatterns = [
    path("import/", views.upload, name="import"),
    path("import/confirm/", views.confirm, name="import_confirm"),
]

# Likely duplicate people, reviewed and merged in the browser (views_duplicates.py). They sit in
# the people section, under /people/ with the people's URL names (`people:duplicates`,
# `people:duplicate_merge`): legation/urls.py adds them to the people's patterns.
people_urlpatterns = [
    path("duplicates/", views_duplicates.duplicate_list, name="duplicates"),
    path("duplicates/<int:a>/<int:b>/", views_duplicates.duplicate_merge, name="duplicate_merge"),
]
