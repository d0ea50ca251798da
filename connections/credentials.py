"""Credentials stay with the address they were entered for.

A stored secret was given to us for one address and one account: a Starweb client secret for one
shop's API address and client id, Specter keys for one smbID. When the merchant changes the address
or the account, the stored secret must be entered again, or we would hand it (or a token bought
with it) to whoever answers at the new address. Forms ask `needs_secret_again`; the Starweb token
cache is keyed by `starweb_fingerprint`, so a token is only ever used for exactly the address,
client id and secret it was issued for.
"""

from django.utils.crypto import salted_hmac

# The fields a secret belongs to, per system: change one and the stored secret no longer applies.
STARWEB_IDENTITY = ("starweb_base_url", "starweb_client_id")
SPECTER_IDENTITY = ("specter_smb_id",)


def _norm(value) -> str:
    return str(value or "").strip().rstrip("/")


def needs_secret_again(stored, new_values: dict, identity: tuple[str, ...]) -> bool:
    """Whether `new_values` would move the stored secret to another address or account: True when
    `stored` (the connection as saved) exists and any identity field in `new_values` differs from
    what is saved. Surrounding space and a trailing slash do not count as a change. (Where nothing
    is stored yet, the form requires the secret anyway.)"""
    if stored is None or stored._state.adding:
        return False
    return any(name in new_values and _norm(new_values[name]) != _norm(getattr(stored, name)) for name in identity)


def starweb_fingerprint(base_url: str, client_id: str, secret: str) -> str:
    """An HMAC (keyed with SECRET_KEY, so it says nothing about the secret) of the three things a
    Starweb token is issued for."""
    value = "\x00".join((_norm(base_url), str(client_id or "").strip(), secret or ""))
    return salted_hmac("connections.starweb.token", value, algorithm="sha256").hexdigest()
