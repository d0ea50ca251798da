import factory
from django.utils import timezone

from syncflows.models import Transfer, WorkerHeartbeat
from tests.connections.factories import ConnectionFactory


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    host = factory.Sequence(lambda n: f"worker-{n}")
    beat_at = factory.LazyFunction(timezone.now)


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    connection = factory.SubFactory(ConnectionFactory)
    starweb_order_id = factory.Sequence(lambda n: str(1000 + n))
    order_number = factory.SelfAttribute("starweb_order_id")
    source = Transfer.Source.WEBHOOK
