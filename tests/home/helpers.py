import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from home.sms.console import OUTBOX


def last_code(mobile: str) -> str:
    return next(code for number, code in reversed(OUTBOX) if number == mobile)


def image_upload(name="photo.png", size=(300, 200), fmt="PNG", color=(15, 118, 110)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")
