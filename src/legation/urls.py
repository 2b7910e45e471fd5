from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from legation.api import web as api_web
from legation.intake import urls as intake_urls
from legation.people import urls as people_urls
from legation.web import history, views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/quiet/", views.home_quiet, name="home_quiet"),
    path("search/", views.search, name="search"),
    path("language/", views.language, name="language"),
    path("history/<str:label>/<int:pk>/", history.history, name="history"),
    path("history/<str:label>/<int:pk>/restore/", history.restore, name="history_restore"),
    path(
        "history/<str:label>/<int:pk>/revert/<int:history_id>/",
        history.revert,
        name="history_revert",
    ),
    path("recycle-bin/", history.recycle_bin, name="recycle_bin"),
    # The people section: the people's own pages and intake's likely duplicates, one namespace.
    path(
        "people/",
        include((people_urls.urlpatterns + intake_urls.people_urlpatterns, people_urls.app_name)),
    ),
    path("engagements/", include("legation.engagements.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # The admin app's registration templates would shadow the application's own.
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(template_name="web/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
    # The user's API tokens: a page of the web application (the API itself is under /api/).
    path("accounts/tokens/", api_web.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", api_web.revoke, name="token_revoke"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("intake/", include("legation.intake.urls")),
    path("letters/", include("legation.letters.urls")),
    path("insight/", include("legation.insight.urls")),
    path("api/", include("legation.api.urls")),
]

# A busy or unreachable database answers 503 "try again", never a bare 500.
handler500 = "legation.web.errors.server_error"
# A deleted record the user may trace says where to restore it (else the usual 404).
handler404 = "legation.web.history.page_not_found"
