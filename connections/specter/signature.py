"""Specter's request signature, the `key` parameter (specs/specter-api.md §2.3).

    one key  (v1 as Abicart shows it, "smbID and md5key"):  md5(key1 + sbmId + SUBJECT)
    two keys (v1 "MD5 Key 1/2", v2 ApiUserKey/IntegrationKey): md5(key2 + md5(key1 + sbmId + SUBJECT))

v2 sends `apiUserId` beside it. MD5 as lowercase hex over Latin-1 bytes. SUBJECT depends on the action.
"""

import hashlib
import re
from dataclasses import dataclass

from .assumptions import ENCODING


@dataclass(frozen=True)
class Credentials:
    """A merchant's Specter credentials. Never log or print one: repr() masks the keys."""

    smb_id: str
    key1: str
    key2: str = ""
    api_user_id: str = ""

    def __repr__(self):
        return f"Credentials(smb_id={self.smb_id!r}, keys=***)"

    def secrets(self) -> tuple[str, ...]:
        return tuple(k for k in (self.key1, self.key2) if k)


def md5(text: str) -> str:
    return hashlib.md5(latin1(text).encode(ENCODING)).hexdigest()


def latin1(text: str) -> str:
    """`text` as Specter will see it: characters outside Latin-1 become '?'."""
    return str(text).encode(ENCODING, "replace").decode(ENCODING)


def sign(credentials: Credentials, subject: str) -> str:
    inner = md5(credentials.key1 + credentials.smb_id + subject)
    return md5(credentials.key2 + inner) if credentials.key2 else inner


def customer_subject(params: dict) -> str:
    """newCustomerSubmit signs the display name: company name, or "firstName surName", trimmed,
    with runs of spaces collapsed."""
    name = params.get("name") if params.get("customerOrganizationalForm") == "C" else None
    name = name or f"{params.get('firstName', '')} {params.get('surName', '')}"
    return re.sub(r"\s+", " ", name).strip()


def subject_for(action: str, params: dict) -> str:
    """The SUBJECT of each action we use. Raises KeyError for an action we do not sign."""
    action = action.lower()
    if action == "newcustomersubmit":
        return customer_subject(params)
    if action == "newordersubmit":
        return str(params["customerId"])
    if action == "newarticlesubmit":
        return str(params["articleNo_1"])
    if action in ("newdeliverysubmit", "newinvoicesubmit"):
        return str(params["orderId"])
    if action in ("checkaccountsettings", "getpricelistsexternal"):  # the latter invented (assumptions.py)
        return str(params["date"])
    if action == "getorderbyexternalorderno":
        return str(params["externalOrderNo"])
    if action == "getarticlelistexternal":  # assumed (assumptions.ARTICLE_LIST_ACTION)
        return str(params["page"])
    if action.endswith("externalneedupdate") or action.endswith("frombatch") or action == "cleararticlebatch":
        return str(params["batchNo"])
    raise KeyError(action)
