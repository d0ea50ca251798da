"""The onboarding checklist's "credentials received" step ticks itself when a connection has them."""

from billing.onboarding import detector

from .models import Connection


@detector("credentials")
def credentials_received(merchant) -> bool:
    return (
        Connection.objects.filter(merchant=merchant, specter_md5key__isnull=False, starweb_client_secret__isnull=False)
        .exclude(specter_smb_id="")
        .exclude(starweb_client_id="")
        .exists()
    )
