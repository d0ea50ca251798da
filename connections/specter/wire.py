"""Specter's envelopes (specs/specter-api.md §2.4, §8): text `1;<id>;<message>` / `0;<code>;<message>`,
or XML `<APIresponse><result/><code/><message/><id/></APIresponse>` with or without `<code>`; both in
Latin-1. `result` decides success: a code on a successful answer is information, not a refusal."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree import ElementTree

from . import assumptions as A
from .assumptions import ENCODING
from .signature import latin1


class Garbled(ValueError):
    """The body is not a Specter envelope (cut off, HTML from a proxy, noise)."""


@dataclass(frozen=True)
class Reply:
    ok: bool
    code: str  # the refusal's code; on a success whatever code Specter added ("" or e.g. "0"), information only
    id: str  # the Specter id on success; on failure what the error carries (e.g. the existing order no.)
    message: str

    @property
    def quoted(self) -> str:
        """The value between single quotes in the message (code 99 quotes the open batchNo)."""
        match = re.search(r"'([^']+)'", self.message)
        return match.group(1) if match else ""


def encode(params: dict) -> bytes:
    """Form-encode as Latin-1 bytes (characters outside it become '?', as they were signed)."""
    return urlencode({k: latin1(v) for k, v in params.items()}, encoding=ENCODING).encode("ascii")


def decode(body: bytes) -> str:
    return body.decode(ENCODING)


def is_envelope(text: str) -> bool:
    """Whether a data answer (a batch, a list) is in fact an envelope: a text refusal, or XML with an
    <APIresponse> (which data answers carry too, with their result)."""
    return text.startswith("0;") or (text.startswith("<") and "<APIresponse" in text)


def parse(body: bytes) -> Reply:
    """Parse either envelope. Raises Garbled if the body is neither."""
    text = decode(body).strip()
    if text.startswith("<"):
        return _parse_xml(text)
    parts = text.split(";", 3)
    if parts[0] == "1" and len(parts) >= 2:
        return Reply(True, "", parts[1].strip(), parts[2].strip() if len(parts) > 2 else "")
    if parts[0] == "0" and len(parts) >= 2 and parts[1].strip().isdigit():
        # Failure: 0;<code>;<message> or, when the error carries an id (§10.4), 0;<code>;<id>;<message>
        rest = parts[2:]
        carries_id = len(rest) == 2 and (rest[0].strip().isdigit() or not rest[0].strip())
        carried, message = (rest[0].strip(), rest[1]) if carries_id else ("", ";".join(rest))
        return Reply(False, parts[1].strip(), carried, message.strip())
    raise Garbled("not a Specter answer")


def xml_root(text: str):
    """Parse XML read as Latin-1: with a declaration its bytes are parsed (the declaration names
    their encoding), without one the text itself. Raises ElementTree.ParseError."""
    return ElementTree.fromstring(text.encode(ENCODING) if text.lstrip().startswith("<?xml") else text)


def _parse_xml(text: str) -> Reply:
    try:
        root = xml_root(text)
    except ElementTree.ParseError:
        raise Garbled("broken XML") from None
    api = root if root.tag == "APIresponse" else root.find(".//APIresponse")
    if api is None:
        raise Garbled("XML without APIresponse")
    result = (api.findtext("result") or "").strip()
    code = (api.findtext("code") or "").strip()
    # <result> decides when it is there; an error envelope may carry only <code> and <message>
    # (§2.4), and then a code that is no error code (assumptions.SUCCESS_CODES) still means success.
    ok = result == "1" if result else code in A.SUCCESS_CODES
    return Reply(ok, code, (api.findtext("id") or "").strip(), (api.findtext("message") or "").strip())
