"""What a user chose for themselves, kept across devices and sessions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """One per user, made when first needed. `language` is the user's choice of the site's
    languages (empty: not chosen, the browser's or the default applies)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    def __str__(self):
        return str(self.user)
