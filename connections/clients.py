"""The one place that builds a connection's API clients from its (decrypted) credentials."""

from . import credentials
from .errors import AuthenticationFailed
from .models import Connection
from .specter.client import SpecterClient
from .specter.signature import Credentials
from .starweb.client import StarwebClient


def starweb_for(connection: Connection, session=None) -> StarwebClient:
    return StarwebClient(connection, session=session)


def specter_for(connection: Connection, session=None) -> SpecterClient:
    if connection.specter_md5key is not None and not credentials.specter_key_fits(connection):
        # The keys were entered for another smbID (the account changed since): sign nothing with them.
        return _KeysForAnotherAccount(Credentials(connection.specter_smb_id, ""), session=session)
    keys = Credentials(connection.specter_smb_id, connection.specter_md5key.reveal())
    return SpecterClient(keys, session=session)


class _KeysForAnotherAccount(SpecterClient):
    """Refuses every call, as Specter would refuse wrong keys, without sending anything."""

    def _raw(self, endpoint, action, params, *, mutating=False):
        raise AuthenticationFailed("specter: the keys were entered for another smbID; enter them again", system="specter")
