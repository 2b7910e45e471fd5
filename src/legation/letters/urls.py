from django.urls import path

from legation.letters import views, views_jobs, views_segments

app_name = "letters"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/save/", views.template_save, name="template_save"),
    path("templates/<int:pk>/history/", views.template_history, name="template_history"),
    path(
        "templates/<int:pk>/restore/<int:version>/",
        views.template_restore,
        name="template_restore",
    ),
    path("preview/", views.preview, name="preview"),
    path("preview.pdf", views.preview_pdf, name="preview_pdf"),
    path("segments/", views_segments.segment_list, name="segments"),
    path("segments/new/", views_segments.segment_edit, name="segment_create"),
    path("segments/count/", views_segments.segment_count, name="segment_count"),
    path("segments/<int:pk>/", views_segments.segment_edit, name="segment"),
    path("segments/<int:pk>/delete/", views_segments.segment_remove, name="segment_delete"),
    path("sent/<int:pk>/", views_jobs.letter_file, name="sent_file"),
    path("jobs/", views_jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job"),
    path("jobs/<int:pk>/approve-all/", views_jobs.approve_all, name="approve_all"),
    path("jobs/<int:pk>/produce/", views_jobs.produce, name="produce"),
    path("jobs/<int:pk>/progress/", views_jobs.progress, name="progress"),
    path("jobs/<int:pk>/download/", views_jobs.download, name="download"),
    path("jobs/<int:pk>/rows/<int:row_pk>/", views_jobs.row_update, name="row_update"),
    path("jobs/<int:pk>/rows/<int:row_pk>/approve/", views_jobs.row_approve, name="row_approve"),
    path("jobs/<int:pk>/rows/<int:row_pk>/preview/", views_jobs.row_preview, name="row_preview"),
]
