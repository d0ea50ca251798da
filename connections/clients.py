"""The one place that builds a connection's API clients from its (decrypted) credentials."""

from .models import Connection
from .specter.client import SpecterClient
from .specter.signature import Credentials
from .starweb.client import StarwebClient


def starweb_for(connection: Connection, session=None) -> StarwebClient:
    return StarwebClient(connection, session=session)


def specter_for(connection: Connection, session=None) -> SpecterClient:
    credentials = Credentials(connection.specter_smb_id, connection.specter_md5key.reveal())
    return SpecterClient(credentials, session=session)
