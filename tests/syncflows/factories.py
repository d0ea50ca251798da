import factory
from django.utils import timezone

from syncflows.models import WorkerHeartbeat


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    host = factory.Sequence(lambda n: f"worker-{n}")
    beat_at = factory.LazyFunction(timezone.now)
