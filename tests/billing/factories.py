import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from billing.models import Membership, Merchant, Package, Subscription

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.se")
    email = factory.SelfAttribute("username")
    password = factory.django.Password(PASSWORD)


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Butik {n} AB")
    org_number = factory.Sequence(lambda n: f"556{n:03d}-{n:04d}")
    contact_email = factory.Sequence(lambda n: f"info{n}@butik.se")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    role = Membership.Role.OWNER


def package(code: str) -> Package:
    """A package of the seeded catalogue (billing/migrations/0002)."""
    return Package.objects.get(code=code)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    merchant = factory.SubFactory(MerchantFactory)
    package = factory.LazyFunction(lambda: package("200"))
    start_date = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
