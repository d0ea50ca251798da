"""The language a user chose is remembered on their profile (billing.Profile): set with the
language buttons, read once at login into the session, and applied at every request after it, on
any device (so no page pays a query for it)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from billing.models import Profile

CODES = {code for code, _name in settings.LANGUAGES}
SESSION_KEY = "profile_language"


def set_language(request):
    """Django's set_language (cookie and redirect), and for a logged-in user, their profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and language in CODES and request.user.is_authenticated:
        Profile.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in, dispatch_uid="integrator.language.remember")
def remember_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = (
            Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
        )


class UserLanguageMiddleware:
    """After authentication: a logged-in user's chosen language wins over cookie and browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_KEY)
        if language in CODES and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in CODES and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
