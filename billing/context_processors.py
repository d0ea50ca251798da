"""Navigation per role, so base.html shows each user only the places they may go."""

from django.conf import settings

from .roles import is_billing_admin, is_integration_staff


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_staff": is_integration_staff(user),
        "nav_is_billing": is_billing_admin(user),
        "nav_memberships": list(user.memberships.select_related("merchant").order_by("merchant__name")),
        "nav_simulator": settings.SIMULATOR_ENABLED and user.is_staff,
    }
