"""Credentials stay with the address they were entered for.

A stored secret was given to us for one address and one account: a Starweb client secret for one
shop's API address and client id, each Specter key (the md5key and the second key) for one smbID
and, with API v2, one ApiUserId. Change the address or the account
and the stored secret must be entered again, or we would hand it (or a token bought with it) to
whoever answers at the new address. So:

1. Each stored secret carries the identity it was entered with (`*_secret_for`, a hash of address
   and client id, or of the smbID and ApiUserId), set by Connection.save() whenever a secret is
   entered. Each Specter key is bound on its own, so a key entered again for a new account does
   not carry the other, older key along.
2. The clients send a stored secret only where `starweb_secret_fits` / `specter_key_fits` /
   `specter_key2_fits` say so,
   whatever path changed the row (a form, the back office, a script).
3. Forms ask the same question first, so the merchant is told to enter the secret again.
4. The Starweb token cache is keyed by `starweb_fingerprint` (address, client id and secret), so a
   token is only ever used for exactly what it was issued for.
"""

import hashlib

from django.utils.crypto import salted_hmac

# The fields a secret belongs to, per system: change one and the stored secret no longer applies.
STARWEB_IDENTITY = ("starweb_base_url", "starweb_client_id")


def _norm(value) -> str:
    return str(value or "").strip().rstrip("/")


def identity_hash(*parts) -> str:
    """What a secret was entered for, as a hash (the parts are not secret; the hash keeps it short)."""
    return hashlib.sha256("\x00".join(_norm(part) for part in parts).encode()).hexdigest()


def starweb_identity(connection, base_url=None, client_id=None) -> str:
    return identity_hash(
        connection.starweb_base_url if base_url is None else base_url,
        connection.starweb_client_id if client_id is None else client_id,
    )


def specter_identity(connection, smb_id=None, api_user_id=None) -> str:
    """The smbID, and the ApiUserId where there is one (API v2): the keys are the API user's. Without
    one the hash is the smbID's alone, as keys stored before the ApiUserId existed were bound."""
    smb_id = connection.specter_smb_id if smb_id is None else smb_id
    api_user_id = _norm(connection.specter_api_user_id if api_user_id is None else api_user_id)
    return identity_hash(smb_id, api_user_id) if api_user_id else identity_hash(smb_id)


def _fits(secret, entered_for: str, identity: str) -> bool:
    if secret is None:
        return False
    return secret.entered_now() or entered_for == identity


def starweb_secret_fits(connection, base_url=None, client_id=None) -> bool:
    """Whether the connection's Starweb client secret may be sent to `base_url` with `client_id`
    (by default its own): a secret just entered may; a stored one only to what it was entered for."""
    return _fits(
        connection.starweb_client_secret,
        connection.starweb_secret_for,
        starweb_identity(connection, base_url, client_id),
    )


def specter_key_fits(connection, smb_id=None, api_user_id=None) -> bool:
    """Whether the connection's md5key may sign for `smb_id` and `api_user_id` (by default its own)."""
    return _fits(
        connection.specter_md5key, connection.specter_key_for, specter_identity(connection, smb_id, api_user_id)
    )


def specter_key2_fits(connection, smb_id=None, api_user_id=None) -> bool:
    """Whether the connection's second Specter key may sign for `smb_id` and `api_user_id`."""
    return _fits(
        connection.specter_md5key2, connection.specter_key2_for, specter_identity(connection, smb_id, api_user_id)
    )


def bind_entered_secrets(connection, update_fields=None) -> list[str]:
    """Record, for each secret entered since the row was read (and saved now: `update_fields` as
    save() takes it), what it was entered for. Returns the fields set."""
    changed = []
    for secret_field, bound_field, identity in (
        ("starweb_client_secret", "starweb_secret_for", starweb_identity),
        ("specter_md5key", "specter_key_for", specter_identity),
        ("specter_md5key2", "specter_key2_for", specter_identity),
    ):
        secret = getattr(connection, secret_field)
        if secret is not None and secret.entered_now() and (update_fields is None or secret_field in update_fields):
            setattr(connection, bound_field, identity(connection))
            changed.append(bound_field)
    return changed


def starweb_fingerprint(base_url: str, client_id: str, secret: str) -> str:
    """An HMAC (keyed with SECRET_KEY, so it says nothing about the secret) of the three things a
    Starweb token is issued for."""
    value = "\x00".join((_norm(base_url), str(client_id or "").strip(), secret or ""))
    return salted_hmac("connections.starweb.token", value, algorithm="sha256").hexdigest()
