from django.urls import path

from . import api, catalogue

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
    path("<slug:shop>/api/v2/products", catalogue.products),
    path("<slug:shop>/api/v2/products/<int:product_id>", catalogue.product),
    path("<slug:shop>/api/v2/products/<int:product_id>/variants", catalogue.variants),
    path("<slug:shop>/api/v2/products/<int:product_id>/categories", catalogue.category_link),
    path("<slug:shop>/api/v2/product-categories", catalogue.categories),
    path("<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>", catalogue.variant_patch),
    path("<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/stocks", catalogue.stock),
    path(
        "<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/stocks/<int:location_id>",
        catalogue.stock,
    ),
    path("<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/prices", catalogue.prices),
    path(
        "<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/prices/<int:pricelist_id>",
        catalogue.prices,
    ),
    path(
        "<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/prices/<int:pricelist_id>/volume",
        catalogue.volume,
    ),
    path(
        "<slug:shop>/api/v2/products/<int:product_id>/variants/<int:variant_id>/prices/<int:pricelist_id>/volume/<int:quantity>",
        catalogue.volume,
    ),
    path("<slug:shop>/api/v2/pricelists", catalogue.pricelists),
    path("<slug:shop>/api/v2/stock-locations", catalogue.stock_locations),
    path("<slug:shop>/api/v2/customers", catalogue.customers),
    path("<slug:shop>/api/v2/customers/<int:customer_id>", catalogue.customer),
]
