"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`, with rotation.

Keys come from settings.CREDENTIALS_KEYS, newest first, and are separate from SECRET_KEY so that
leaking one does not expose the other. MultiFernet encrypts with the first key and decrypts with any,
so a new key is added in front, `manage.py rotate_credentials` re-encrypts, then the old key goes.

Decryption fails closed: a token no configured key opens raises CredentialDecryptionError; the
ciphertext is never handed on in place of the secret.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialDecryptionError(Exception):
    """A stored credential could not be decrypted with any configured key (wrong or removed key).

    Permanent until an operator restores the key or the merchant enters the credential again.
    The message never contains the token or any key.
    """


class CredentialsKeyError(ImproperlyConfigured):
    """CREDENTIALS_KEYS is empty or holds something that is not a Fernet key. The message says
    which entry, never what it holds."""


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise CredentialsKeyError("CREDENTIALS_KEYS is empty: set at least one Fernet key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode() if isinstance(key, str) else key))
        except (ValueError, TypeError) as exc:
            # Say which key is bad, never what it is.
            raise CredentialsKeyError(
                f"CREDENTIALS_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from exc
    return MultiFernet(fernets)


def current() -> MultiFernet:
    """The MultiFernet for the keys configured now (cached per key list, so tests can override)."""
    return _multifernet(tuple(settings.CREDENTIALS_KEYS))


def encrypt(plaintext: str) -> str:
    return current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def _open(operation, token: str, failure: str) -> bytes:
    """Apply a MultiFernet operation to `token`; any failure becomes CredentialDecryptionError.

    `from None`: a chained exception could carry the token into a traceback.
    """
    try:
        return operation(token.encode("ascii"))
    except (InvalidToken, UnicodeError, ValueError):
        raise CredentialDecryptionError(failure) from None


def decrypt(token: str) -> str:
    """Return the plaintext of `token`. Raises CredentialDecryptionError if no key opens it."""
    plaintext = _open(
        current().decrypt, token, "A stored credential could not be decrypted with the configured CREDENTIALS_KEYS."
    )
    return plaintext.decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt `token` with the newest key. Raises CredentialDecryptionError if no key opens it."""
    return _open(
        current().rotate, token, "A stored credential could not be re-encrypted: no configured key opens it."
    ).decode("ascii")
