"""The user's API tokens in the web application: create (the token shown once), list, revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from legation.api import tokens as service
from legation.api.models import ApiToken
from legation.ui.forms import DateInput, attach_errors


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it: a script, a system, a colleague's tool."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires = forms.DateField(
        label=gettext_lazy("Expires"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Optional: the token stops working at the start of this day."),
    )


SHOWN_ONCE = "legation-new-api-token"


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    # A new token is shown on the page the creation redirects to, once: read from the session
    # and removed, so that reloading shows nothing and never creates a second token.
    created = request.session.pop(SHOWN_ONCE, None)
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            expires = form.cleaned_data["expires"]
            when = (
                timezone.make_aware(dt.datetime.combine(expires, dt.time.min)) if expires else None
            )
            try:
                _row, created = service.token_create(
                    actor=request.user,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires=when,
                    request=request,
                    source="web",
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                request.session[SHOWN_ONCE] = created
                return redirect("tokens")
    else:
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "rows": ApiToken.objects.filter(user=request.user).order_by("-created"),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only one's own
    service.token_revoke(actor=request.user, token=row, request=request, source="web")
    messages.success(request, _("The token %(name)s was revoked.") % {"name": row.name})
    return redirect("tokens")
