"""A model field for credentials: encrypted at rest, masked everywhere until deliberately revealed."""

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto


class Secret:
    """A credential held by a model. Prints as a mask; only `reveal()` gives the plaintext.

    So a secret cannot reach a template, a log line, a task argument or an exception text by
    accident: `str()`, `repr()` and f-strings show "••••••". A Secret read from the database keeps
    its ciphertext and is decrypted only when revealed, so a wrong key breaks only the use of that
    credential (fail closed), not every page that lists connections.
    """

    __slots__ = ("_token", "_plaintext")
    MASK = "••••••"

    def __init__(self, *, token: str | None = None, plaintext: str | None = None):
        if (token is None) == (plaintext is None):
            raise ValueError("A Secret needs exactly one of token or plaintext.")
        self._token = token
        self._plaintext = plaintext

    def reveal(self) -> str:
        """Return the plaintext. Raises crypto.CredentialDecryptionError if no key opens it."""
        if self._plaintext is None:
            self._plaintext = crypto.decrypt(self._token)
        return self._plaintext

    def entered_now(self) -> bool:
        """Whether this is a new plaintext, not yet stored (as opposed to one read from the database)."""
        return self._token is None

    def token(self) -> str:
        """The ciphertext to store; a new secret is encrypted once, with the newest key."""
        if self._token is None:
            self._token = crypto.encrypt(self._plaintext)
        return self._token

    def __str__(self) -> str:
        return self.MASK

    def __repr__(self) -> str:
        return f"Secret({self.MASK})"

    def __eq__(self, other):
        if isinstance(other, Secret):
            return self.reveal() == other.reveal()
        return NotImplemented

    __hash__ = None  # mutable cache; never a dict key

    def __reduce__(self):
        # Pickling (task arguments, caches) would carry the secret out of the database: refuse.
        raise TypeError("A Secret cannot be pickled; pass the id of its row instead.")


class SecretAttribute(DeferredAttribute):
    """Assigning a str to the attribute stores a Secret at once, so `.reveal()` works on a fresh
    instance too, and a plaintext never sits on a model instance where a repr could show it."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.to_python(value)


class EncryptedTextField(models.TextField):
    """Stores a Secret as a Fernet token. Assign a str (new plaintext) or a Secret; read a Secret.

    Never store empty strings: use None for "not set" (the field is nullable by default).
    """

    description = "An encrypted credential"
    descriptor_class = SecretAttribute

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)  # forms take secrets through their own write-only fields
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else Secret(token=value)

    def to_python(self, value):
        if value is None or isinstance(value, Secret):
            return value
        if value == "":
            return None
        return Secret(plaintext=str(value))

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else value.token()

    def value_to_string(self, obj):
        # Serialisation (dumpdata) exports the ciphertext, never the plaintext.
        value = self.value_from_object(obj)
        return None if value is None else value.token()
