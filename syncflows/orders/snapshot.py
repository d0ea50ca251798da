"""What Specter is sent for an order, kept on its transfer so the order page shows it: customer,
invoice and delivery address, rows and total, as the mapper made them. Pure; amounts as strings
(JSON has no decimals), formatted for the reader when shown."""

from .mapper import SpecterOrder

CUSTOMER = ("name", "firstName", "surName", "contactPerson", "orgNo", "vatNo", "emailAddress", "phoneNo", "mobileNo")
INVOICE = ("address", "addressRow2", "zipCodeEng", "city", "countryCode")
DELIVERY = (
    "deliveryCompanyName",
    "deliveryAttention",
    "deliveryAddress",
    "deliveryAddressRow2",
    "deliveryZipCodeEng",
    "deliveryCity",
    "deliveryCountryCode",
)


def snapshot(mapped: SpecterOrder) -> dict:
    c = mapped.customer
    return {
        "customer": {key: c[key] for key in CUSTOMER if c.get(key)},
        "company": c.get("customerOrganizationalForm") == "C",
        "invoice_address": [c[key] for key in INVOICE if c.get(key)],
        "delivery_address": [c[key] for key in DELIVERY if c.get(key)],
        "rows": [
            {
                "article_no": r.article_no,
                "name": r.name,
                "quantity": str(r.quantity.normalize()),
                "price_ex_vat": str(r.price_ex_vat),
                "vat_percent": str(r.vat_percent.normalize()),
                "total": str(r.total),
            }
            for r in mapped.rows
        ],
        "total": str(mapped.total),
    }
