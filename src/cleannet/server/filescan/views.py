"""Public pages of the online file scan: the upload and hash look-up page, and the result
of one file (by SHA-256). Both work without JavaScript; the script only computes a file's
SHA-256 in the browser for the look-up.

The upload view is CSRF-exempt only so that its upload handler can be installed before the
body is parsed; the token is then checked by ``csrf_protect`` before anything is scanned.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cleannet.core.indicators.hashes import guess_hash_kind
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.filescan import services
from cleannet.server.filescan.forms import HashLookupForm
from cleannet.server.filescan.options import MIB, FileScanOptions
from cleannet.server.filescan.storage import Intake
from cleannet.server.filescan.uploads import NoFileGiven, read_upload

# Why a file was not fully scanned, in words for the public (the engine's details stay
# in English for analysts, in the back office).
REASON_LABELS = {
    "time-limit": gettext_lazy("the scan took too long"),
    "size-limit": gettext_lazy("the file or its unpacked content is too large"),
    "too-large": gettext_lazy("the file or its unpacked content is too large"),
    "depth-limit": gettext_lazy("archives are nested too deeply"),
    "member-limit": gettext_lazy("the archive holds too many files"),
    "ratio-limit": gettext_lazy("the archive unpacks to far more than its size (an archive bomb?)"),
    "parse-error": gettext_lazy("an archive inside could not be read (damaged or truncated)"),
    "encrypted": gettext_lazy("the archive is protected by a password"),
}
OTHER_REASON = gettext_lazy("the scanner could not read part of it")


def _reason_labels(unscanned: list[dict[str, Any]]) -> list[str]:
    return sorted({str(REASON_LABELS.get(str(u.get("reason")), OTHER_REASON)) for u in unscanned})


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _page(
    request: HttpRequest,
    opts: FileScanOptions,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "lookup_form": extra.pop("lookup_form", None) or HashLookupForm(),
        "max_mb": opts.max_bytes // MIB,
        "keep_days": opts.keep_days,
        "available": services.current_signature_version(opts) is not None,
        **extra,
    }
    return render(request, "filescan/upload.html", context, status=status)


def _result_url(sha256: str) -> str:
    return reverse("filescan:result", args=[sha256])


@csrf_protect
def _scan_checked(request: HttpRequest, intake: Intake, opts: FileScanOptions) -> HttpResponse:
    """Scan (or answer from the cache) once the CSRF token has been checked."""
    try:
        submission = services.submit_sample(intake, opts)
    except services.ScannerUnavailable:
        message = _("The scanner has no signatures yet. Please try again later.")
        return _page(request, opts, 503, upload_error=message)
    except (services.ScannerBusy, services.SandboxError):
        message = _("The scanner is busy. Please try again in a few minutes.")
        return _page(request, opts, 503, upload_error=message)
    return HttpResponseRedirect(_result_url(submission.verdict.sha256), status=303)


def _upload(request: HttpRequest, opts: FileScanOptions) -> HttpResponse:
    if not services.allow_upload(_client(request), opts):
        message = _("Too many files from your connection. Please try again in an hour.")
        return _page(request, opts, 429, upload_error=message)
    try:
        intake = read_upload(request, opts.directory, opts.max_bytes)
    except services.SampleTooLarge:
        message = _("The file is larger than %(mb)d MB; nothing was kept.") % {
            "mb": opts.max_bytes // MIB
        }
        return _page(request, opts, 413, upload_error=message)
    except NoFileGiven:
        return _page(request, opts, 400, upload_error=_("Choose a file to scan."))
    response = _scan_checked(request, intake, opts)
    intake.discard()  # nothing left when it was submitted; removed when the CSRF check refused
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@roles_required(PUBLIC)
def upload(request: HttpRequest) -> HttpResponse:
    """The upload and look-up page; a posted file is scanned and its result shown."""
    opts = services.current_options()
    if request.method == "POST":
        return _upload(request, opts)
    return _page(request, opts)


@require_GET
@roles_required(PUBLIC)
def lookup(request: HttpRequest) -> HttpResponse:
    """Look a file up by hash: its result page when we know it, else say we do not."""
    opts = services.current_options()
    form = HashLookupForm(request.GET)
    if not form.is_valid():
        return _page(request, opts, 400, lookup_form=form)
    if not services.allow_lookup(_client(request), opts):
        message = _("Too many look-ups from your connection. Please try again in an hour.")
        return _page(request, opts, 429, lookup_form=form, lookup_error=message)
    verdict = services.find_verdict(form.cleaned_data["hash"])
    if verdict is None:
        message = _("We have not scanned a file with this hash. Upload it to scan it.")
        return _page(request, opts, 404, lookup_form=form, lookup_error=message)
    return HttpResponseRedirect(_result_url(verdict.sha256), status=303)


@require_GET
@roles_required(PUBLIC)
def result(request: HttpRequest, sha256: str) -> HttpResponse:
    """The newest verdict for a SHA-256: what was found, never who sent the file."""
    if guess_hash_kind(sha256) != "sha256":
        raise Http404
    verdict = services.find_verdict(sha256)
    if verdict is None:
        raise Http404
    context = {
        "verdict": verdict,
        "current": verdict.bundle_version == services.current_signature_version(),
        "reasons": _reason_labels(verdict.unscanned),
    }
    return render(request, "filescan/result.html", context)
