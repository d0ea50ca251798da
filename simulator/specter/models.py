"""Simulated Specter's state, per account (smbID). Its own tables: web, workers and tests share it."""

from decimal import Decimal

from django.db import models


class Account(models.Model):
    """An account's credentials make its kind (specs/specter-api.md §2.2, §10.2): `md5key` only, the
    single key; with `md5key2` API v1 (MD5 Key 1 and 2); with `api_user_id` too API v2 (ApiUserKey,
    IntegrationKey, ApiUserId), which then must come with every request and alone allows multishop."""

    smb_id = models.CharField(max_length=20, unique=True)
    md5key = models.CharField(max_length=100)
    md5key2 = models.CharField(max_length=100, blank=True)
    api_user_id = models.CharField(max_length=20, blank=True)
    # How the account answers (simulator/specter/answers.py): every form the spec lists.
    answer_form = models.CharField(
        max_length=10, default="text", choices=[("text", "text"), ("xml", "xml"), ("xml_code", "xml_code")]
    )
    decimal_comma = models.BooleanField(default=False)  # decimals on reads written 159,20
    says_no_items = models.BooleanField(default=False)  # stock 0 or below written noItemsAvailable
    callbacks = models.JSONField(default=dict, blank=True)
    # What newOrderSubmit does with a row whose article the account lacks (specs/specter-api.md §9
    # leaves it open): refuse the order (code 4), or take it with the row as a free row and an OK
    # that names the article. Both exist, so tests cover both.
    REFUSE, ACCEPT = "refuse", "accept"
    unknown_articles = models.CharField(
        max_length=10, default=REFUSE, choices=[(REFUSE, "refuse the order"), (ACCEPT, "accept, naming them")]
    )
    next_number = models.PositiveIntegerField(default=10000)

    def __str__(self):
        return self.smb_id

    @property
    def kind(self) -> str:
        return "v2" if self.api_user_id and self.md5key2 else "v1" if self.md5key2 else "single"

    def take_number(self) -> str:
        """The next customer/order/invoice number, unique within the account (row-locked)."""
        locked = Account.objects.select_for_update().get(pk=self.pk)
        locked.next_number += 1
        locked.save(update_fields=["next_number"])
        return str(locked.next_number)


class Customer(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="customers")
    customer_no = models.CharField(max_length=20)
    email = models.CharField(max_length=200, blank=True, db_index=True)
    org_no = models.CharField(max_length=20, blank=True, db_index=True)  # digits only, 10 digits
    name = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    updates = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]


class Article(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="articles")
    article_no = models.CharField(max_length=50)
    name = models.CharField(max_length=200)
    price_ex_vat = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0"))
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("25"))
    stock = models.IntegerField(default=0)
    is_service = models.BooleanField(default=False)  # freight, fees, discounts: no stock
    components = models.JSONField(default=list, blank=True)  # SET article: [[article_no, quantity], ...]
    # Multi-warehouse: `stock` is the default stock site's ("1"); other sites' stock by site id.
    other_sites = models.JSONField(default=dict, blank=True)
    bar_code = models.CharField(max_length=50, blank=True)
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    buy_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "article_no"], name="sim_specter_article_once")]
        ordering = ["article_no"]


class PriceList(models.Model):
    """A Specter price list besides the article's own price (e.g. resellers), with quantity breaks."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="price_lists")
    price_list_id = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="SEK")
    customer_group_id = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "price_list_id"], name="sim_specter_price_list_once")]
        ordering = ["price_list_id"]


class ListPrice(models.Model):
    """An article's price on a price list from a quantity (1: the plain price; 2 and up: volume prices)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    article_no = models.CharField(max_length=50)
    from_quantity = models.PositiveIntegerField(default=1)
    price_ex_vat = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "article_no", "from_quantity"], name="sim_specter_list_price_once"
            )
        ]
        ordering = ["article_no", "from_quantity"]


class Order(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    order_no = models.CharField(max_length=20)
    external_order_no = models.CharField(max_length=50, blank=True, db_index=True)
    customer_no = models.CharField(max_length=20)
    rows = models.JSONField(default=list)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    data = models.JSONField(default=dict)
    invoice_no = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class BatchEntry(models.Model):
    """A change waiting for the webshop's pull-with-ack (stock, article info, order status, list prices).

    Entries get the client's batchNo when pulled and are removed from the queue when acked; while
    a pulled batch is not acked, a pull with another batchNo is refused with code 99.
    """

    STOCK, ARTICLE_INFO, ORDERS, PRICE_LISTS = "stock", "articleinfo", "orders", "pricelists"
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="batch_entries")
    queue = models.CharField(max_length=20)
    payload = models.JSONField()
    batch_no = models.CharField(max_length=64, blank=True, db_index=True)
    acked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
