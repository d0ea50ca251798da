"""Specter's callbacks arrive here: /hooks/specter/<endpoint>/<token>/<kind>/ (GET or POST; the
legacy API has used both). Like Starweb's webhooks they are unsigned hints: the per-connection
token is checked in constant time, the ping is recorded, and Specter gets the `1;Done` it expects.
A ping queues a pull of the matching batch (syncflows/from_specter/pull.py) for a worker."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from integrator.inputs import has_control_characters

from . import queues
from .from_specter import pull_claim
from .models import SpecterCallback, WebhookEndpoint
from .webhooks import GONE_MESSAGE, endpoint_or_404, gone

# Specter's registration parameter -> our kind, with the placeholders Specter fills in.
REGISTRATION = {
    "actionStockChange": (SpecterCallback.Kind.STOCK, ""),
    "actionArticleChange": (SpecterCallback.Kind.ARTICLE, ""),
    "actionOrderChange": (SpecterCallback.Kind.ORDER, ""),
    "actionNewInvoice": (
        SpecterCallback.Kind.INVOICE,
        "?orderId=$orderId&invoiceId=$invoiceId&invoiceSource=$invoiceSource",
    ),
    "actionRemoveOrder": (SpecterCallback.Kind.REMOVED, "?orderNo=$orderNo"),
}
PARAMS = ("orderId", "invoiceId", "invoiceSource", "orderNo")
PARAM_MAX_CHARS = 64
# What each ping makes us pull. An article change may be a list price too (package 400; the pull
# task does nothing for a connection not entitled to it).
PULLS = {
    "stock": ("stock",),
    "order": ("orders",),
    "invoice": ("orders",),
    "removed": ("orders",),
    "article": ("articleinfo", "pricelists"),
}


def callback_urls(endpoint: WebhookEndpoint, base_url: str) -> dict[str, str]:
    """The URLs to register with checkAccountSettings, one per Specter action."""
    return {
        action: base_url + reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, kind]) + query
        for action, (kind, query) in REGISTRATION.items()
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def specter(request, endpoint_id, token, kind):
    endpoint = endpoint_or_404(endpoint_id, token)
    if kind not in SpecterCallback.Kind.values:
        raise Http404
    if gone(endpoint):  # a deactivated connection: nothing stored, nothing pulled
        return _plain(GONE_MESSAGE, 410)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.WEBHOOK_MAX_BYTES:
        return _plain(f"The body is larger than {settings.WEBHOOK_MAX_BYTES} bytes.", 413)
    given = {**request.GET.dict(), **request.POST.dict()}  # the placeholders are in the URL; a POST may repeat them
    params = {name: given[name] for name in PARAMS if given.get(name)}
    if any(len(value) > PARAM_MAX_CHARS or has_control_characters(value) for value in params.values()):
        return _plain(f"A parameter is longer than {PARAM_MAX_CHARS} characters or holds control characters.", 400)
    SpecterCallback.objects.create(connection_id=endpoint.connection_id, kind=kind, params=params)
    connection = endpoint.connection
    for batch_kind in PULLS.get(kind, ()):  # a ping means "pull now" (design.md §4): the worker does, not this request
        if pull_claim.want(connection, batch_kind):  # else a queued task or the running pull takes this ping too
            queues.bulk("syncflows.tasks.pull_specter", str(endpoint.connection_id), batch_kind)
    return _plain("1;Done")


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=iso-8859-1")
