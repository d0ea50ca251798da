"""The one place that builds a connection's API clients from its (decrypted) credentials."""

from . import credentials
from .errors import AuthenticationFailed
from .models import Connection
from .specter.client import SpecterClient
from .specter.signature import SINGLE, V2, Credentials, IncompleteCredentials
from .starweb.client import StarwebClient


def starweb_for(connection: Connection, session=None) -> StarwebClient:
    return StarwebClient(connection, session=session)


def specter_for(connection: Connection, session=None) -> SpecterClient:
    """Raises AuthenticationFailed when the stored credentials lack what their kind needs: the
    merchant must enter them again, as when Specter refuses them."""
    kind = connection.specter_key_kind or SINGLE
    if (connection.specter_md5key is not None and not credentials.specter_key_fits(connection)) or (
        connection.specter_md5key2 is not None and kind != SINGLE and not credentials.specter_key2_fits(connection)
    ):
        # A key was entered for another smbID or ApiUserId (the account changed since): sign nothing with it.
        return _KeysForAnotherAccount(Credentials(connection.specter_smb_id, ""), session=session)
    try:
        return SpecterClient(specter_credentials(connection), session=session)
    except IncompleteCredentials as incomplete:
        raise AuthenticationFailed(f"specter: {incomplete}", system="specter") from None


def specter_credentials(connection: Connection) -> Credentials:
    """The connection's Specter credentials of its kind, decrypted. Raises
    signature.IncompleteCredentials when a value its kind needs is missing, and
    crypto.CredentialDecryptionError when no key opens one."""
    kind = connection.specter_key_kind or SINGLE  # stored before the kinds existed: one md5key
    key2 = connection.specter_md5key2.reveal() if connection.specter_md5key2 is not None and kind != SINGLE else ""
    return Credentials(
        connection.specter_smb_id,
        connection.specter_md5key.reveal() if connection.specter_md5key else "",
        key2,
        connection.specter_api_user_id if kind == V2 else "",
        kind,
    )


class _KeysForAnotherAccount(SpecterClient):
    """Refuses every call, as Specter would refuse wrong keys, without sending anything."""

    def _raw(self, endpoint, action, params, *, mutating=False):
        raise AuthenticationFailed(
            "specter: the keys were entered for another smbID or ApiUserId; enter them again", system="specter"
        )
