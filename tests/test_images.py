"""The image pipeline: only real photos get in, and nothing but pixels comes out."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from app import images

GPS_IFD = 0x8825


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (640, 480), (120, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>SecretXMP</rdf:Description></x:xmpmeta>'
    icc = b"\x00" * 128 + b"SecretICCProfile"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, icc_profile=icc, comment=b"SecretComment")
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "SecretPlace")
    info.add_itxt("Author", "SecretAuthor")
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 100, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_metadata_fixture_really_has_metadata():
    data = jpeg_with_metadata()
    for marker in (b"SecretCamera", b"SecretXMP", b"SecretICCProfile", b"SecretComment"):
        assert marker in data
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)


def test_jpeg_comes_out_without_exif_gps_xmp_icc_or_comment(app):
    stored = images.store_private(io.BytesIO(jpeg_with_metadata()))
    (name,) = stored.files.values()
    data = images.path_of("private", name).read_bytes()
    for marker in (
        b"Exif",
        b"SecretCamera",
        b"SecretXMP",
        b"http://ns.adobe.com",
        b"ICC_PROFILE",
        b"SecretComment",
    ):
        assert marker not in data
    reopened = Image.open(io.BytesIO(data))  # in memory: nothing to close
    assert not reopened.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(reopened.info)
    # Orientation 6 was applied to the pixels before the tag was dropped.
    assert reopened.size == (480, 640)


def test_png_text_chunks_are_dropped(app):
    stored = images.store_public(io.BytesIO(png_with_text()))
    for name in stored.files.values():
        data = images.path_of("public", name).read_bytes()
        assert b"SecretPlace" not in data and b"SecretAuthor" not in data
        assert b"tEXt" not in data and b"iTXt" not in data


def test_public_images_come_in_several_widths(app):
    big = io.BytesIO()
    Image.new("RGB", (2000, 1000), "white").save(big, "JPEG")
    big.seek(0)
    stored = images.store_public(big)
    assert sorted(stored.files) == [480, 960, 1600]
    widths = []
    for _, name in sorted(stored.files.items()):
        with Image.open(images.path_of("public", name)) as variant:
            widths.append(variant.width)
    assert widths == [480, 960, 1600]


def png_header_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(out, "JPEG")
    return out.getvalue()[: len(out.getvalue()) // 2]


def gif_js_polyglot() -> bytes:
    return b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=alert(1);//\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;"


REJECTED = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "html": b"<!doctype html><script>alert(1)</script>",
    "gif polyglot": gif_js_polyglot(),
    "truncated jpeg": truncated_jpeg(),
    "empty": b"",
    "30000x30000 png": png_header_claiming(30000, 30000),
    "php renamed": b"<?php system($_GET['c']); ?>",
}


@pytest.mark.parametrize("name", REJECTED)
def test_non_images_and_dangerous_images_are_refused_and_nothing_is_stored(app, name, tmp_path):
    with pytest.raises(images.ImageRejected) as refused:
        images.store_private(io.BytesIO(REJECTED[name]))
    assert refused.value.message
    folder = images.path_of("private", "x").parent
    assert [p for p in folder.iterdir() if not p.name.startswith(".")] == []


def test_too_many_bytes_are_refused_before_decoding(app):
    with pytest.raises(images.ImageRejected, match="larger than"):
        images.load_clean(io.BytesIO(b"\xff" * 2000), max_bytes=1000)


def test_path_of_refuses_path_tricks(app):
    for name in ("../secret", "a/b.jpg", ".hidden"):
        with pytest.raises(FileNotFoundError):
            images.path_of("private", name)
