"""The onboarding checklist's steps that a connection ticks by itself: credentials received, flow
chosen, pre-flight passed (the connection was activated)."""

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


@detector("flow")
def flow_chosen(merchant) -> bool:
    return Connection.objects.filter(merchant=merchant, flow__isnull=False).exists()


@detector("preflight")
def activated(merchant) -> bool:
    # Activation is offered after the pre-flight check; a connection that went live passed it.
    return Connection.objects.filter(merchant=merchant, activated_at__isnull=False).exists()
