"""Read an uploaded file straight into the incoming directory, within the size limit.

The page and the API install ``SampleUploadHandler`` as the request's only upload handler
before the body is parsed: the file's bytes go to a ``SampleSink`` (hashed as they come)
and the upload stops at ``max_bytes``, whatever Content-Length said. A body announced as
larger than the limit is refused before a byte is read. When the body was already parsed
(a session-authenticated API call whose CSRF check read it), the parsed file is copied
through the same sink and limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from cleannet.server.filescan.storage import Intake, SampleSink, SampleTooLarge, sink_stream

FIELD = "file"
# Room for the multipart boundaries, headers and the CSRF token around the file itself.
_MULTIPART_OVERHEAD = 64 * 1024


class NoFileGiven(Exception):
    """The request carried no file in the ``file`` field (or an unreadable body)."""


class SampleUploadHandler(FileUploadHandler):
    """Stream the ``file`` field into a ``SampleSink``; skip every other file."""

    def __init__(self, request: HttpRequest, root: Path, max_bytes: int) -> None:
        super().__init__(request)
        self.root, self.max_bytes = root, max_bytes
        self.sink: SampleSink | None = None
        self.intake: Intake | None = None
        self.too_large = False

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if field_name != FIELD or self.sink is not None or self.intake is not None:
            raise SkipFile
        self.sink = SampleSink(self.root, self.max_bytes)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.sink is None:
            return
        try:
            self.sink.write(raw_data)
        except SampleTooLarge:
            self.sink, self.too_large = None, True
            # Read and drop the rest (bounded: the body's length was checked) so the
            # client gets the answer instead of a reset connection.
            raise StopUpload(connection_reset=False) from None

    def file_complete(self, file_size: int) -> None:
        if self.sink is not None:
            self.intake, self.sink = self.sink.finish(), None

    def upload_interrupted(self) -> None:
        if self.sink is not None:
            self.sink.discard()
            self.sink = None


def _announced_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _from_parsed(request: HttpRequest, root: Path, max_bytes: int) -> Intake:
    uploaded = request.FILES.get(FIELD)
    if uploaded is None:
        raise NoFileGiven
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise SampleTooLarge(max_bytes)
    return sink_stream(root, max_bytes, uploaded.chunks())


def read_upload(request: HttpRequest, root: Path, max_bytes: int) -> Intake:
    """Return the uploaded ``file`` as an ``Intake`` in ``root``'s incoming directory.

    Raises ``SampleTooLarge`` (nothing kept) or ``NoFileGiven``. The caller owns the
    intake: it must be submitted or discarded.
    """
    if _announced_length(request) > max_bytes + _MULTIPART_OVERHEAD:
        raise SampleTooLarge(max_bytes)
    handler = SampleUploadHandler(request, root, max_bytes)
    try:
        request.upload_handlers = [handler]
    except AttributeError:  # the body was parsed already
        return _from_parsed(request, root, max_bytes)
    try:
        request.FILES  # noqa: B018 - parsing the body runs the handler
    except MultiPartParserError as error:
        handler.upload_interrupted()
        raise NoFileGiven from error
    if handler.too_large:
        raise SampleTooLarge(max_bytes)
    if handler.intake is None:
        raise NoFileGiven
    return handler.intake
