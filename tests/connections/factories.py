import factory

from connections.models import Connection
from tests.billing.factories import MerchantFactory


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Webbshop {n}")
    starweb_base_url = factory.Sequence(lambda n: f"https://shop{n}.starwebserver.se/api/v2")
    starweb_client_id = factory.Sequence(lambda n: f"client-{n}")
    starweb_client_secret = "starweb-client-secret-value"
    specter_smb_id = factory.Sequence(lambda n: str(1000 + n))
    specter_md5key = "specter-md5key-value"
