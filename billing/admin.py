"""The back office. Staff and billing admins work in purpose-built pages; this is for the rest."""

from django.contrib import admin

from .models import VERSIONED_FIELDS, Membership, Merchant, Package, Subscription


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    can_delete = False  # the history is kept: a plan given up is withdrawn (billing/subscriptions.py)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "contact_email", "is_active", "created_at"]
    search_fields = ["name", "org_number", "contact_email"]
    inlines = [MembershipInline, SubscriptionInline]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "monthly_price", "installation_fee", "orders_per_month", "is_active"]
    # Prices, quotas and contents change from a month through the catalogue page (PackageVersion),
    # never in place: an edit here would change months already begun or closed.
    readonly_fields = VERSIONED_FIELDS


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["merchant", "package", "start_date", "end_date"]
    list_filter = ["package"]
    search_fields = ["merchant__name"]

    def get_queryset(self, request):
        return Subscription.history.all()

    def has_delete_permission(self, request, obj=None):
        return False
