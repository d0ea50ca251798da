"""The single tenant-access helper. Every merchant-facing view starts here (design.md §2).

Another tenant's object is a 404, never a 403: a stranger must not learn that it exists.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from billing import audit
from billing.models import Membership, Merchant
from billing.roles import is_integration_staff


def membership_or_404(user, merchant_id) -> Membership:
    """Return the user's membership of the merchant `merchant_id` (a UUID).

    Raises Http404 when the user is anonymous, not a member, or the merchant does not exist or is
    deactivated; the three are indistinguishable from outside.
    """
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Membership.objects.select_related("merchant"),
        user=user,
        merchant_id=merchant_id,
        merchant__is_active=True,
    )


def for_merchant_or_404(merchant: Merchant, model_or_queryset: type[Model] | QuerySet, *, via="merchant", **lookup):
    """Return the one object matching `lookup` that belongs to `merchant`, or raise Http404.

    `via` is the path from the object to its merchant ("merchant", "connection__merchant", ...).
    """
    queryset = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager
    return get_object_or_404(queryset, **{via: merchant}, **lookup)


def merchant_view(view):
    """Decorate a view taking `merchant_id`: login required (anonymous → login page), then the
    membership is checked and set as `request.membership` and `request.merchant` (others → 404).

    Integration staff may open any merchant's pages as the merchant sees them, to help; each such
    visit is recorded in the audit trail, and `request.staff_view` is True for the banner.
    """

    @login_required
    @wraps(view)
    def wrapper(request, merchant_id, *args, **kwargs):
        request.staff_view = False
        if is_integration_staff(request.user) and not request.user.memberships.filter(merchant_id=merchant_id).exists():
            request.membership = None
            request.merchant = get_object_or_404(Merchant, pk=merchant_id)
            request.staff_view = True
            audit.record_staff_access(request.merchant)
        else:
            request.membership = membership_or_404(request.user, merchant_id)
            request.merchant = request.membership.merchant
        return view(request, *args, **kwargs)

    wrapper.tenancy = "merchant"  # what the tenant matrix (tests/security) reads off every view
    return wrapper


def owner_view(view):
    """Like merchant_view, for actions only an owner may take; a plain member gets 404 too.

    Integration staff opening the merchant's pages (audited) may act here too: they configure
    with the customer, so they never need to, and never may, make themselves members.
    """

    @merchant_view
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.staff_view:
            return view(request, *args, **kwargs)
        if request.membership is None or request.membership.role != Membership.Role.OWNER:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.tenancy = "owner"
    return wrapper
