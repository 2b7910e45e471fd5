def _plain_http_settings() -> None:
    """The live server speaks plain HTTP on localhost; its middleware reads these once."""
    from django.conf import settings

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0


_plain_http_settings()
