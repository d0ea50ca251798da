"""Specter's request signature, the `key` parameter (specs/specter-api.md §2.2, §2.3, §10.2).

    v1      sbmId, "MD5 Key 1", "MD5 Key 2":                md5(key2 + md5(key1 + sbmId + SUBJECT))
    v2      sbmId, ApiUserKey ("Nyckel"), IntegrationKey ("Nyckel2"), ApiUserId:
                                                            md5(IntegrationKey + md5(ApiUserKey + sbmId + SUBJECT))
            and `apiUserId` on every request
    single  sbmId and one md5key (§10.2's simplification, as Abicart shows "smbID and md5key"):
                                                            md5(key1 + sbmId + SUBJECT)

MD5 as lowercase hex over Latin-1 bytes. SUBJECT depends on the action.
"""

import hashlib
import re
from dataclasses import dataclass

from .assumptions import ENCODING

# The kinds of credentials Specter issues (§2.2), and the one-key form of §10.2.
V1, V2, SINGLE = "v1", "v2", "single"
KINDS = (V2, V1, SINGLE)


class IncompleteCredentials(ValueError):
    """The credentials lack a value their kind needs (the message names which, never a key)."""


@dataclass(frozen=True)
class Credentials:
    """A merchant's Specter credentials. Never log or print one: repr() masks the keys.

    `kind` left empty is read from what is given (an ApiUserId: v2; a second key: v1; else single),
    as connections stored before the kinds existed hold one md5key. Raises IncompleteCredentials
    when the kind's values are not all there."""

    smb_id: str
    key1: str
    key2: str = ""
    api_user_id: str = ""
    kind: str = ""

    def __post_init__(self):
        kind = self.kind or (V2 if self.api_user_id else V1 if self.key2 else SINGLE)
        if kind not in KINDS:
            raise IncompleteCredentials(f"unknown kind of Specter credentials {kind!r}")
        object.__setattr__(self, "kind", kind)
        if kind in (V1, V2) and not self.key2:
            raise IncompleteCredentials(f"Specter API {kind} credentials need a second key")
        if kind == V2 and not self.api_user_id:
            raise IncompleteCredentials("Specter API v2 credentials need the ApiUserId")
        if kind == SINGLE and self.key2:
            raise IncompleteCredentials("a single md5key has no second key")

    def __repr__(self):
        return f"Credentials(smb_id={self.smb_id!r}, kind={self.kind!r}, keys=***)"

    def secrets(self) -> tuple[str, ...]:
        return tuple(k for k in (self.key1, self.key2) if k)

    @property
    def sends_api_user_id(self) -> bool:
        """v2 sends `apiUserId` on every request; v1 and the single key have none."""
        return self.kind == V2


def md5(text: str) -> str:
    return hashlib.md5(latin1(text).encode(ENCODING)).hexdigest()


def latin1(text: str) -> str:
    """`text` as Specter will see it: characters outside Latin-1 become '?'."""
    return str(text).encode(ENCODING, "replace").decode(ENCODING)


def sign(credentials: Credentials, subject: str) -> str:
    inner = md5(credentials.key1 + credentials.smb_id + subject)
    return inner if credentials.kind == SINGLE else md5(credentials.key2 + inner)


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
