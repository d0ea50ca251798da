"""billing's models, one module per concern; import them from here."""

from .core import Membership, Merchant, Package, Subscription
from .onboarding import OnboardingStep
from .service import HourPack, HourPurchase, WorkLog
from .usage import MonthlyUsage, OrderUsage
from .versions import VERSIONED_FIELDS, ClosedMonth, MonthStatement, PackageVersion

__all__ = [
    "ClosedMonth", "HourPack", "HourPurchase", "MonthStatement", "PackageVersion", "VERSIONED_FIELDS", "Membership", "Merchant", "MonthlyUsage", "OnboardingStep",
    "OrderUsage", "Package", "Subscription", "WorkLog",
]
