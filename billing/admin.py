"""The back office. Staff and billing admins work in purpose-built pages; this is for the rest."""

from django.contrib import admin

from .models import Membership, Merchant, Package, Subscription


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "contact_email", "is_active", "created_at"]
    search_fields = ["name", "org_number", "contact_email"]
    inlines = [MembershipInline, SubscriptionInline]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "monthly_price", "installation_fee", "orders_per_month", "is_active"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["merchant", "package", "start_date", "end_date"]
    list_filter = ["package"]
    search_fields = ["merchant__name"]
