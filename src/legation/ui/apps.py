from django.apps import AppConfig


class UiConfig(AppConfig):
    """The page kit every app's pages are made with: the base template, the form field and list
    helpers (filters, pager, CSV export), the shared styles and scripts. It imports no domain
    app; `web` holds the pages that use the domain (home, search, history, deleting, errors)."""

    name = "legation.ui"
    label = "ui"
    verbose_name = "Page kit"
