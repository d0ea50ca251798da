"""billing's models, one module per concern; import them from here."""

from .core import Membership, Merchant, Package, Subscription
from .onboarding import OnboardingStep
from .service import HourPack, HourPurchase, WorkLog
from .signup import Signup
from .usage import MonthlyUsage, OrderUsage

__all__ = [
    "HourPack", "HourPurchase", "Membership", "Merchant", "MonthlyUsage", "OnboardingStep",
    "OrderUsage", "Package", "Signup", "Subscription", "WorkLog",
]
