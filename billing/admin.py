"""The back office. Staff and billing admins work in purpose-built pages; this is for the rest.

Who may do what here follows the permission groups (billing/roles.py), with one rule above them:
only superusers manage accounts, groups and memberships. Whoever else could add a membership
could make themselves owner of any merchant, and whoever could edit users or groups could give
themselves any permission; a permission granted by mistake must not open either door.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .models import VERSIONED_FIELDS, Membership, Merchant, Package, Subscription


class SuperusersOnly:
    """Admin mixin: nobody but a superuser adds, changes or deletes these rows (viewing follows
    the permissions)."""

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class MembershipInline(SuperusersOnly, admin.TabularInline):
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


@admin.register(Membership)
class MembershipAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["user", "merchant", "role", "created_at"]
    search_fields = ["user__username", "merchant__name"]


# Accounts and groups: superusers only (is_staff, is_superuser, groups and permissions live here).
User = get_user_model()
for model, base in ((User, UserAdmin), (Group, GroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"SuperusersOnly{base.__name__}", (SuperusersOnly, base), {}))
