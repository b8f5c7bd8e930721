"""Bounded decompression, the one way every compressed layer is inflated: a `.gz` file, the gzip
members of a `.warc.gz`, and an HTTP body's `Content-Encoding` inside a WARC record.

Output comes in chunks from `zlib.decompressobj(...).decompress(data, max_length)`, and a stream
stops with `TooLarge` as soon as its output passes its limit: a bomb costs at most the limit in
memory and the time to inflate that much. zlib directly, because `gzip.GzipFile` and warcio inflate
whole input blocks with no bound on the output (a 16 KB block can become 16 MB) and
`content_stream().read()` inflates a whole record.
"""

from __future__ import annotations

import zlib

CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
GZIP, ZLIB, RAW_DEFLATE = 31, 15, -15  # zlib's wbits for each container


class TooLarge(Exception):
    """The output passed the stream's limit; nothing past it was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"decompresses to more than {limit} bytes")
        self.limit = limit


class BadStream(Exception):
    """Not a valid compressed stream (`reason` corrupt_gzip)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = "corrupt_gzip", detail


def record_byte_limit(max_record_chars: int) -> int:
    """The most bytes a record may inflate to: more bytes than this decode to more than
    `max_record_chars` characters in every encoding the reader knows (UTF-8 and UTF-16/32 use at
    most four bytes per character)."""
    return 4 * max_record_chars


class Inflater:
    """A file-like reader (`read(n)`) of what the compressed `data` holds, at most `limit` bytes in
    all: past that, `read` raises TooLarge. With GZIP every member of a multi-member file is read
    in turn (NUL padding between members is skipped, as gzip does). A stream that ends inside a
    member sets `truncated` and reads as ended; one that goes on past the limit sets `over`."""

    def __init__(self, data: bytes | memoryview, limit: int, wbits: int = GZIP) -> None:
        self._data, self._pos, self._wbits = memoryview(data), 0, wbits
        self._inflater = zlib.decompressobj(wbits)
        self.limit, self.total, self.members = limit, 0, 0
        self.truncated = self._done = self.over = False

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes; the bytes up to the limit are all given out (a reader that parses
        ahead still sees every record that ends inside it), and the read after them raises
        TooLarge."""
        if size is None or size < 0:
            return self.readall()
        want = size
        parts: list[bytes] = []
        while want > 0 and not self._done:
            room = self.limit - self.total
            piece = self._step(min(want, room + 1))
            if len(piece) > room:
                self.over = self._done = True
                piece = piece[:room]
            self.total += len(piece)
            parts.append(piece)
            want -= len(piece)
        if self.over and not any(parts) and want:
            raise TooLarge(self.limit)
        return b"".join(parts)

    def readall(self) -> bytes:
        """Everything, at most `limit` bytes (TooLarge past that)."""
        parts = []
        while chunk := self.read(CHUNK):
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self._done = True

    def _step(self, want: int) -> bytes:
        inflater = self._inflater
        if inflater.eof:
            self.members += 1
            self._next_member()
            return b""
        fed = self._data[self._pos : self._pos + CHUNK]
        try:
            piece = inflater.decompress(fed, want)
        except zlib.error as exc:
            self._done = True
            kind = "gzip" if self._wbits == GZIP else "deflate"
            raise BadStream(f"not a valid {kind} stream ({exc})") from exc
        # At the end of a stream the input left is in unused_data (unconsumed_tail may repeat it);
        # before the end it is in unconsumed_tail.
        used = len(fed) - len(inflater.unused_data if inflater.eof else inflater.unconsumed_tail)
        self._pos += used
        if not piece and not used and not inflater.eof:
            self.truncated = self._done = True  # the input ended inside the stream
        return piece

    def _next_member(self) -> None:
        if self._wbits != GZIP:
            self._done = True
            return
        while self._pos < len(self._data) and self._data[self._pos] == 0:
            self._pos += 1
        rest = self._data[self._pos : self._pos + 2]
        if not rest:
            self._done = True
        elif rest.tobytes() == GZIP_MAGIC[: len(rest)]:
            self._inflater = zlib.decompressobj(GZIP)
        else:
            self._done = True
            raise BadStream(f"bytes after gzip member {self.members} are not gzip")


def inflate(data: bytes, limit: int, wbits: int = GZIP) -> tuple[bytes, bool]:
    """(what `data` decompresses to, whether it was cut off); TooLarge past `limit` bytes,
    BadStream if invalid."""
    reader = Inflater(data, limit, wbits)
    return reader.readall(), reader.truncated
