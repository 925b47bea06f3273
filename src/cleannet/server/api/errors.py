"""Turn refused input into 4xx answers that name the field and the reason."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from cleannet.core.errors import InvalidValue


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors: list[dict[str, str | None]] = [
                {"field": field, "reason": " ".join(str(m) for m in messages)}
                for field, messages in exc.message_dict.items()
            ]
        else:
            errors = [{"field": None, "reason": message} for message in exc.messages]
        return api.create_response(request, {"detail": errors}, status=400)

    @api.exception_handler(InvalidValue)
    def on_invalid_value(request: HttpRequest, exc: InvalidValue) -> HttpResponse:
        detail = [{"field": exc.field, "reason": exc.reason}]
        return api.create_response(request, {"detail": detail}, status=400)

    @api.exception_handler(ObjectDoesNotExist)
    def on_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)
