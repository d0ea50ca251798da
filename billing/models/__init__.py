"""billing's models, one module per concern; import them from here."""

from .core import Membership, Merchant, Package, Subscription
from .onboarding import OnboardingStep
from .profile import Profile
from .service import HourPack, HourPurchase, WorkLog
from .signup import Signup
from .usage import MonthlyUsage, OrderUsage
from .versions import VERSIONED_FIELDS, ClosedMonth, MonthStatement, PackageVersion

__all__ = [
    "ClosedMonth",
    "HourPack",
    "HourPurchase",
    "Membership",
    "Merchant",
    "MonthStatement",
    "MonthlyUsage",
    "OnboardingStep",
    "OrderUsage",
    "Package",
    "PackageVersion",
    "Profile",
    "Signup",
    "Subscription",
    "VERSIONED_FIELDS",
    "WorkLog",
]
