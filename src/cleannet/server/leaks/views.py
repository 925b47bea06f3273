"""Public pages of the leak check: the breaches we know of, and the check form.

The form never shows a result: whatever the address, it answers that a message was sent
to the address (or number) if it can receive one, and the result goes there.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.leaks.checks import CheckOutcome, request_leak_check
from cleannet.server.leaks.forms import LeakCheckForm
from cleannet.server.leaks.models import Breach

# A refused check answers with the form again and a status that says why.
_REFUSED = {CheckOutcome.LIMITED: 429, CheckOutcome.FAILED: 503}


@require_GET
@roles_required(PUBLIC)
def breach_list(request: HttpRequest) -> HttpResponse:
    """List the breaches that are not sensitive, newest first."""
    breaches = Breach.objects.filter(sensitive=False).select_related("organisation")
    return render(request, "leaks/breach_list.html", {"breaches": breaches})


def _refusal_message(outcome: CheckOutcome) -> str:
    if outcome is CheckOutcome.LIMITED:
        return _(
            "Too many checks from your connection or for this address. "
            "Please try again later (in an hour, or tomorrow for the same address)."
        )
    return _("We could not send the message just now. Please try again later.")


@require_http_methods(["GET", "POST"])
@roles_required(PUBLIC)
def check(request: HttpRequest) -> HttpResponse:
    """Show the check form; on a valid address, send the result to it and say so."""
    form = LeakCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = request_leak_check(
            form.cleaned_data["identifier"],
            request.META.get("REMOTE_ADDR", ""),
            breaches_url=request.build_absolute_uri(reverse("leaks:breaches")),
        )
        if outcome is CheckOutcome.SENT:
            return HttpResponseRedirect(reverse("leaks:check-sent"), status=303)
        context = {"form": LeakCheckForm(), "refusal": _refusal_message(outcome)}
        return render(request, "leaks/check.html", context, status=_REFUSED[outcome])
    status = 400 if form.is_bound else 200
    return render(request, "leaks/check.html", {"form": form}, status=status)


@require_GET
@roles_required(PUBLIC)
def check_sent(request: HttpRequest) -> HttpResponse:
    """Say that the result went to the address, whatever it was."""
    return render(request, "leaks/check_sent.html")
