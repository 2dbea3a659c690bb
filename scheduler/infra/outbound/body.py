"""An answer's body, read within a size cap that holds after decompression too."""

from __future__ import annotations

import http.client
import zlib

from scheduler.infra.outbound.errors import FetchError, shown

READ_SIZE = 64 * 1024


def read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The decoded body, failing as soon as more than max_bytes came or would come out of it."""
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    decoder = _decoder_for(response.getheader("Content-Encoding") or "")
    body = bytearray()
    received = 0
    while True:
        chunk = response.read1(READ_SIZE)  # read1: one socket read at a time, so the deadline is checked
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(max_bytes)
        body += decoder.decode(chunk, max_bytes + 1 - len(body))
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    if response.length:  # http.client's read1 takes an early end of a Content-Length body quietly
        raise http.client.IncompleteRead(bytes(body), response.length)
    return bytes(body)


def _decoder_for(content_encoding: str) -> _Identity | _Inflater:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return _Inflater(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _Inflater(zlib.MAX_WBITS)
    raise FetchError(
        f"the server sent the feed compressed as {shown(encoding, 40)}, which Refrain cannot read", "network"
    )


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data


class _Inflater:
    """Decompresses at most ``room`` bytes at a time, so a small bomb never becomes a big buffer."""

    def __init__(self, wbits: int):
        self.wbits = wbits
        self.inflater = zlib.decompressobj(wbits)
        self.started = False

    def decode(self, data: bytes, room: int) -> bytes:
        try:
            return self._decode(data, room)
        except zlib.error:
            raise FetchError("the server sent a damaged compressed feed", "network") from None

    def _decode(self, data: bytes, room: int) -> bytes:
        if self.inflater.eof:
            return b""
        if not self.started and self.wbits == zlib.MAX_WBITS:
            self.started = True
            try:
                return self.inflater.decompress(data, room)
            except zlib.error:  # "deflate" sent raw, without its zlib header, as some servers do
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self.started = True
        return self.inflater.decompress(data, room)


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"the feed is larger than {_size(max_bytes)}", "too_large")


def _size(count: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"
