"""Simulated Starweb's state, per shop: API clients and tokens, statuses, methods, orders, webhooks."""

from django.db import models


class Shop(models.Model):
    slug = models.SlugField(unique=True)  # the <shop> in /sim/starweb/<shop>/api/v2
    name = models.CharField(max_length=100)
    base_currency = models.CharField(max_length=3, default="SEK")
    client_id = models.CharField(max_length=100)
    client_secret = models.CharField(max_length=100)
    next_order_id = models.PositiveIntegerField(default=1000)

    def __str__(self):
        return self.slug


class Token(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()


class OrderStatus(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="statuses")
    status_id = models.PositiveIntegerField()
    id_code = models.CharField(max_length=30, blank=True)
    name = models.CharField(max_length=60)
    should_send_email = models.BooleanField(default=False)

    class Meta:
        ordering = ["status_id"]


class Method(models.Model):
    """A shipping or payment method (the two lists have the same shape for our purposes)."""

    SHIPPING, PAYMENT = "shipping", "payment"
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="methods")
    kind = models.CharField(max_length=10)
    method_id = models.PositiveIntegerField()
    id_code = models.CharField(max_length=30, blank=True)
    name = models.CharField(max_length=60)
    fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["kind", "method_id"]


class Order(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders")
    order_id = models.PositiveIntegerField()
    data = models.JSONField()  # the OrderModel as the API returns it (items and addresses included)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id"]
        constraints = [models.UniqueConstraint(fields=["shop", "order_id"], name="sim_starweb_order_once")]


class WebHook(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(max_length=255)
    event = models.CharField(max_length=40)
    url = models.CharField(max_length=255)
    status_id = models.PositiveIntegerField(null=True, blank=True)


class Delivery(models.Model):
    """A webhook POST to deliver, with its tries (Starweb retries failed deliveries)."""

    webhook = models.ForeignKey(WebHook, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField()
    tries = models.PositiveSmallIntegerField(default=0)
    delivered = models.BooleanField(default=False)
    last_status = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Product(models.Model):
    """A product with its variants, stock per location and prices per price list, as one document:
    data = {..ProductModel fields.., "variants": [{..variant.., "stocks": {loc: qty}, "prices": {pl: {...}}}]}."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    product_id = models.PositiveIntegerField()
    data = models.JSONField()
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product_id"]
        constraints = [models.UniqueConstraint(fields=["shop", "product_id"], name="sim_starweb_product_once")]


class PriceList(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="pricelists")
    pricelist_id = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="SEK")
    is_master = models.BooleanField(default=False)

    class Meta:
        ordering = ["pricelist_id"]


class Customer(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="customers")
    customer_id = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["customer_id"]
