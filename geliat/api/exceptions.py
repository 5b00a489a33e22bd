"""Errors of the API as JSON in Indonesian: service and Django errors become 4xx responses.

Configured as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``. Field errors keep DRF's
``{"field": ["message"]}`` shape; the registry's conflicts answer 409.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from geliat.registry import selectors
from geliat.registry.services import NikAlreadyRegistered, StaleEdit


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _lazy("Data bertabrakan dengan data yang sudah ada.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _lazy("Isi permintaan terlalu besar.")
    default_code = "too_large"


def nik_conflict_response(error: NikAlreadyRegistered, *, user, path: tuple[str, ...] = ()) -> Response:
    """409 for a NIK already registered, the message under ``path + ("nik",)``.

    The existing person's id is given only when the caller may see that person;
    anyone else learns only that the NIK is taken.
    """
    if selectors.people_for_user(user).filter(pk=error.person_id).exists():
        message = _(
            "NIK ini sudah terdaftar. Daftarkan usaha untuk pemilik yang sudah ada dengan person_id %(id)d."
        ) % {"id": error.person_id}
        extra = {"existing_person_id": error.person_id}
    else:
        message = _("NIK ini sudah terdaftar di wilayah lain. Hubungi petugas wilayah tempat pemilik terdaftar.")
        extra = {}
    body: dict = {"nik": [message]}
    for key in reversed(path):
        body = {key: body}
    # A plain response: an APIException would turn the id into a string.
    return Response(body | extra, status=status.HTTP_409_CONFLICT)


def django_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError in DRF's ``{"field": ["message"]}`` shape."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        return {non_field if field == NON_FIELD_ERRORS else field: messages for field, messages in error.message_dict.items()}
    return {non_field: error.messages}


# DRF's stock texts for these have no Indonesian translation.
_DRF_TEXTS = {
    exceptions.AuthenticationFailed: _lazy("Token tidak sah atau akun tidak aktif. Minta token baru kepada pengelola akun Anda."),
    exceptions.MethodNotAllowed: _lazy("Metode HTTP ini tidak didukung oleh alamat ini."),
    exceptions.NotAcceptable: _lazy("Format jawaban yang diminta (header Accept) tidak tersedia; gunakan application/json."),
}


def exception_handler(exc, context):
    """DRF's handler, after turning registry and Django errors into API errors."""
    if isinstance(exc, NikAlreadyRegistered):
        set_rollback()
        return nik_conflict_response(exc, user=context["request"].user)
    if isinstance(exc, StaleEdit):
        exc = Conflict({"version": exc.messages})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, Http404):
        # Django's own 404 texts are English and may name the model: say only "not found".
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif type(exc) in _DRF_TEXTS:
        # Changed in place: the view has already set the status and WWW-Authenticate header on it.
        exc.detail = exceptions.ErrorDetail(str(_DRF_TEXTS[type(exc)]), code=exc.default_code)
    return drf_exception_handler(exc, context)
