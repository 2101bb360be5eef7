#!/usr/bin/env python3
"""Prints what a PNG screenshot shows, as JSON: size, the share of pixels that are not
white, and how many are strongly coloured (chart marks, not black or grey text).
Standard library only: zlib inflates the image data; the filters are undone by hand."""
import json, struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, chunks, header = 8, [], None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, "expects 8-bit RGB(A), not interlaced"
    step = 3 if colour == 2 else 4
    raw, stride, previous, rows = zlib.decompress(b"".join(chunks)), width * step, None, []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        above = previous or bytearray(stride)
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, corner = above[x], above[x - step] if x >= step else 0
            if kind == 1: line[x] = (line[x] + left) & 255
            elif kind == 2: line[x] = (line[x] + up) & 255
            elif kind == 3: line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return width, height, step, rows

width, height, step, rows = pixels(sys.argv[1])
inked = coloured = 0
for line in rows:
    for x in range(0, len(line), step):
        r, g, b = line[x], line[x + 1], line[x + 2]
        if min(r, g, b) < 245: inked += 1
        if max(r, g, b) - min(r, g, b) > 60: coloured += 1
print(json.dumps({"width": width, "height": height, "inked": inked / (width * height), "coloured": coloured}))
