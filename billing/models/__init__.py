"""billing's models, one module per concern; import them from here."""

from .core import Membership, Merchant, Package, Subscription
from .onboarding import OnboardingStep
from .profile import Profile
from .service import HourPack, HourPurchase, WorkLog
from .usage import MonthlyUsage, OrderUsage

__all__ = [
    "HourPack", "HourPurchase", "Membership", "Merchant", "MonthlyUsage", "OnboardingStep",
    "OrderUsage", "Package", "Profile", "Subscription", "WorkLog",
]
