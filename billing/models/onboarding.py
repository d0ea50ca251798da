"""Onboarding checklist steps ticked by hand (steps that tick themselves are computed, see billing/onboarding.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Merchant, MerchantOwned


class OnboardingStep(MerchantOwned, models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="onboarding_steps")
    step = models.CharField(max_length=40)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("onboarding step")
        constraints = [models.UniqueConstraint(fields=["merchant", "step"], name="onboarding_step_once")]
