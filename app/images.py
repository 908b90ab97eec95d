"""The one place uploaded images are opened, checked, stripped of metadata and stored.

An upload is read with a byte limit, opened only by the JPEG, PNG and WebP decoders, refused
above a pixel limit before any pixel is decoded, turned upright by its EXIF orientation, and
then rebuilt from its pixels alone: EXIF (GPS included), XMP, comments, ICC profiles and PNG
text chunks cannot survive, because nothing but pixels is copied. Files go under
UPLOAD_FOLDER (outside static/) with random names.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7700 x 5200
MAX_SIDE = 12_000
PUBLIC_WIDTHS = (480, 960, 1600)
PRIVATE_MAX_WIDTH = 2400

# Pillow's own bomb guard as a second line of defence; we refuse well below it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False


class ImageRejected(ValueError):
    """An upload that is not an acceptable image; `message` is shown to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class StoredImage:
    key: str  # random, also the file name stem
    width: int
    height: int
    # width -> file name, for public images in several sizes; one entry for private ones
    files: dict[int, str] = field(default_factory=dict)
    content_type: str = "image/jpeg"


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImageRejected(_l("The image is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise ImageRejected(_l("The file is empty."))
    return data


def load_clean(stream: IO[bytes], *, max_bytes: int = MAX_BYTES) -> Image.Image:
    """Open, check and rebuild an image from pixels only. Raises ImageRejected."""
    data = _read_limited(stream, max_bytes)
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        raise ImageRejected(_l("Please upload a JPEG, PNG or WebP photo.")) from None
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE or min(width, height) < 1:
        raise ImageRejected(_l("The image has too many pixels; please send a smaller photo."))
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ImageRejected(_l("The image file is damaged or incomplete.")) from None
    mode = (
        "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    )
    pixels = upright.convert(mode)
    # A brand-new image from raw pixels carries no info dict: no EXIF, XMP, ICC, text chunks.
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def _encode(image: Image.Image) -> tuple[bytes, str, str]:
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png", "image/png"
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "jpg", "image/jpeg"


def _folder(kind: str) -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never leave a half-written file under the real name


def store_public(stream: IO[bytes], widths: tuple[int, ...] = PUBLIC_WIDTHS) -> StoredImage:
    """Clean an upload and store it in several widths for `srcset` (story images)."""
    image = load_clean(stream)
    key = secrets.token_urlsafe(16)
    stored = StoredImage(key=key, width=image.width, height=image.height)
    folder = _folder("public")
    targets = sorted({w for w in widths if w < image.width} | {min(image.width, max(widths))})
    for width in targets:
        variant = image if width >= image.width else ImageOps.contain(image, (width, 10**6))
        data, ext, content_type = _encode(variant)
        name = f"{key}-{width}.{ext}"
        _write(folder, name, data)
        stored.files[width] = name
        stored.content_type = content_type
    return stored


def store_private(stream: IO[bytes]) -> StoredImage:
    """Clean an upload and store one copy (verification photos, never public)."""
    image = load_clean(stream)
    if image.width > PRIVATE_MAX_WIDTH:
        image = ImageOps.contain(image, (PRIVATE_MAX_WIDTH, 10**6))
    data, ext, content_type = _encode(image)
    key = secrets.token_urlsafe(16)
    name = f"{key}.{ext}"
    _write(_folder("private"), name, data)
    return StoredImage(
        key=key,
        width=image.width,
        height=image.height,
        files={image.width: name},
        content_type=content_type,
    )


def path_of(kind: str, name: str) -> Path:
    """Where a stored file lives; `name` must be one of ours (no path parts)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return _folder(kind) / name


def delete_files(kind: str, names: list[str] | tuple[str, ...]) -> None:
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            path_of(kind, name).unlink()
