"""A PNG decoded far enough to trust it, with the standard library only:
signature, chunk CRCs, IHDR, and the zlib stream of the IDAT chunks
inflated to exactly one filter byte plus the pixels of each row."""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (8-bit, no palette)


def chunks(data):
    assert data[:8] == SIGNATURE, "not a PNG signature"
    at = 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        yield kind, body
        at += 12 + length


def decode_rgb(data):
    """(width, height, channels) of an 8-bit, non-interlaced PNG whose pixel data inflates completely."""
    header, idat = None, b""
    for kind, body in chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in CHANNELS
    pixels = zlib.decompress(idat)
    assert len(pixels) == height * (1 + width * CHANNELS[colour])
    return width, height, CHANNELS[colour]
