from django.urls import path

from . import api

urlpatterns = [
    path("<slug:shop>/api/v2/token", api.token),
    path("<slug:shop>/api/v2/shop", api.shop_info),
    path("<slug:shop>/api/v2/order-statuses", api.order_statuses),
    path("<slug:shop>/api/v2/shipping-methods", api.shipping_methods),
    path("<slug:shop>/api/v2/payment-methods", api.payment_methods),
    path("<slug:shop>/api/v2/orders", api.orders),
    path("<slug:shop>/api/v2/orders/<int:order_id>", api.order),
    path("<slug:shop>/api/v2/web-hooks", api.web_hooks),
    path("<slug:shop>/api/v2/web-hooks/<int:hook_id>", api.web_hook_delete),
]
