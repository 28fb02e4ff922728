"""Recognise an uploaded file by its content (magic bytes), not by its name or the browser's type.

A file is accepted when its extension is one we allow *and* its first bytes match that
extension's family: a Windows program renamed to `.pdf` starts with `MZ`, not `%PDF-`, and is
refused. Office files of today (docx, xlsx, pptx, odt…) are ZIP containers, so they are checked
as ZIP. Plain text must decode as UTF-8 and contain no NUL byte.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from azmoodegan.persian import to_persian_digits

from .exceptions import OrderFileError

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_FILES = 10


def _family(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "heic"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .doc, .xls, .ppt of old
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return "program"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start < len(head) - 4:
                return None
        return "text"
    return None


# extension → (content family, content type we record)
ALLOWED = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "heic": ("heic", "image/heic"),
    "zip": ("zip", "application/zip"),
    "rar": ("rar", "application/vnd.rar"),
    "7z": ("7z", "application/x-7z-compressed"),
    "gz": ("gzip", "application/gzip"),
    "tgz": ("gzip", "application/gzip"),
    "tar": ("tar", "application/x-tar"),
    "docx": ("zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("zip", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("zip", "application/vnd.oasis.opendocument.text"),
    "ods": ("zip", "application/vnd.oasis.opendocument.spreadsheet"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "ppt": ("ole", "application/vnd.ms-powerpoint"),
    "rtf": ("rtf", "application/rtf"),
    "txt": ("text", "text/plain; charset=utf-8"),
    "csv": ("text", "text/csv; charset=utf-8"),
    "md": ("text", "text/markdown; charset=utf-8"),
}
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED)


def check_file(file: UploadedFile) -> str:
    """Return the content type of an acceptable file; raise `OrderFileError` (Persian) otherwise."""
    name = file.name or ""
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise OrderFileError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": to_persian_digits(MAX_FILE_BYTES // 2**20)},
            field="files", code="too_large",
        )
    if not file.size:
        raise OrderFileError(_("“%(name)s” is empty.") % {"name": name}, field="files", code="empty")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    family = _family(head)
    expected = ALLOWED.get(ext)
    if expected is None or family != expected[0]:
        raise OrderFileError(
            _("“%(name)s” is not an accepted file. Send documents (PDF, Word, Excel, text), images or "
              "archives (ZIP, RAR, 7z).") % {"name": name},
            field="files", code="bad_type",
        )
    return expected[1]


def check_files(files, *, already: int = 0) -> list[str]:
    """Check a batch of files (at most MAX_FILES in all, counting `already` kept ones)."""
    files = list(files)
    if len(files) + already > MAX_FILES:
        raise OrderFileError(
            _("You can attach at most %(n)s files.") % {"n": to_persian_digits(MAX_FILES)}, field="files",
            code="too_many",
        )
    return [check_file(f) for f in files]
