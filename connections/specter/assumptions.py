"""Everything we assume about Specter that its public material does not show (specs/specter-api.md
§9 and §10.4), in one place, so that a fact learnt from Specter changes one line.

Each assumption is used by the client (connections/specter/client.py) and mirrored by the
simulator; a change here must be made in simulator/specter too.
"""

# §10.2: our error codes in `0;<code>;...` answers (Specter publishes no catalogue).
BAD_SMB_ID = "1"
BAD_KEY = "2"
MISSING_FIELD = "3"
UNKNOWN_ARTICLE = "4"
UNKNOWN_CUSTOMER = "5"
DUPLICATE_EXTERNAL_ORDER_NO = "6"
UNKNOWN_ORDER = "7"
BATCH_OPEN = "99"  # documented: an older batch is still open; its batchNo is quoted in '...'

AUTH_CODES = {BAD_SMB_ID, BAD_KEY}

# §2.4/§8: success is `result` 1. An XML error envelope may carry only <code> and <message>, no
# <result>; then we read a code of "0" (or none) as success, any other as a refusal. Unknown whether
# Specter ever sends such a success; a <result> always decides.
SUCCESS_CODES = {"", "0"}

# Unknown: what a text-mode stock batch with no changes looks like. We read an empty body, and a
# lone envelope line of three fields (`1;0;OK`), as an empty batch; a stock line has four fields
# (specterArticleId;articleNo;quantity;batchNo).
STOCK_LINE_FIELDS = 4

# §10.4: a newOrderSubmit whose externalOrderNo already has an order fails with code 6 and the
# EXISTING order number in the id field: `0;6;<orderNo>;duplicate externalOrderNo`. The client then
# treats the order as already transferred (exactly once even if our own reconcile missed it).
DUPLICATE_CARRIES_ORDER_NO = True

# §10.4: the reconcile lookup. `getInfo.asp?action=getOrderByExternalOrderNo&externalOrderNo=<no>`,
# signed with the externalOrderNo as SUBJECT; `1;<orderNo>;found` or `0;7;;not found`.
FIND_ORDER_ACTION = "getOrderByExternalOrderNo"

# §2.1: Specter reads and writes ISO-8859-1. Characters outside it are sent as "?" (and signed so).
ENCODING = "latin-1"

# Unknown: what a second newInvoiceSubmit for an order that is already invoiced does. We assume it
# answers with the existing invoice number (the simulator does), so the order engine may repeat the
# invoice step after a crash; it calls it only for orders whose invoice number it has not stored.
INVOICE_SUBMIT_IS_IDEMPOTENT = True

# Unknown: how a callback is unregistered. We assume checkAccountSettings with an empty URL for an
# action removes it (the simulator does); deactivating a connection sends all five empty.
EMPTY_CALLBACK_UNREGISTERS = True

# §10.3: what an order change in getOrdersExternalNeedUpdate means. Only statusId 5 (cancelled or
# deleted) and deliveryStatus D (delivered) are documented; the rest is our reading, mirrored by the
# simulator: statusId 4 invoiced, 6 paid (or paymentStatus "paid"), deliveryStatus P partly delivered.
STATUS_CANCELLED = "5"
STATUS_INVOICED = "4"
STATUS_PAID = "6"

# Unknown: Specter's legacy API shows no call that lists the whole article register (only the change
# batches), yet an initial sync Specter → Starweb needs it. We assume a paged listing, signed with the
# page number as SUBJECT and mirrored by the simulator:
#   getInfo.asp?Action=getArticleListExternal&page=<n>&useXML=2 →
#   <articles page="n" pages="P" totalCount="T"><article priceExclVat=".." vatPercent=".." noItemsAv="..">
#     <articleNo/><name/></article>…</articles>
# If Specter's real answer differs, connections/specter/articles.py is the one reader to change.
ARTICLE_LIST_ACTION = "getArticleListExternal"

# INVENTED (specs/specter-api.md §3 "price lists", §10.3): Specter has price lists (e.g. resellers)
# with quantity breaks, but its calls for them are not public. These names and shapes are ours,
# mirrored by the simulator; when Specter tells us the real ones, this block and the two parsers
# (connections/specter/price_lists.py, batches._list_prices) change, nothing else.
#
# The lists: getInfo.asp?Action=getPriceListsExternal&useXML=2, signed with the `date` (as
# checkAccountSettings; there is no batchNo to sign), answering
#   <priceLists><priceList priceListId="3" currency="SEK" customerGroupId="5">
#     <name>Återförsäljare</name></priceList>…</priceLists>
PRICE_LISTS_ACTION = "getPriceListsExternal"
# The changes: a pull-with-ack batch like article info (same batchNo, ack, 99 and responseMaxLimit
# rules), answering
#   <listPrices><listPrice priceListId="3" priceExclVat="127.20" fromQuantity="1">
#     <articleNo>MUGG-01</articleNo></listPrice>…</listPrices>
#   <responseMaxLimit>100</responseMaxLimit>
# fromQuantity 1 (or missing) is the article's plain price on the list; 2 and up a volume price.
PRICE_LIST_BATCH = ("getPriceListExternalNeedUpdate", "updatePriceListsFromBatch")
# Unknown: how a <stock> block of a getArticleExternalNeedUpdate with getMultipleStocksites=1 (§3 #4,
# §7) names its stock site, and which block is the default warehouse. We assume attributes
# `<stock stocksiteId="2" isDefault="0">` (the Plus API's Stocks[] carries an IsDefaultStock flag, §7);
# without an isDefault="1" block, the first block is the default one. Each block lists the batch's
# articles with their figure at that site. The simulator renders exactly this.
STOCK_SITE_ATTRIBUTE = "stocksiteId"
STOCK_SITE_DEFAULT_ATTRIBUTE = "isDefault"

# Unknown: the legacy API does not expose a SET (package) article's components (§6). We assume
# Specter lists the SET article itself in the stock batch, its availability computed from its
# components (min over components of floor(component stock / quantity per set)), whenever a
# component's stock changes, per stock site too. So a SET article is carried to the shop like any
# other article and we never compute it ourselves: if the assumption is wrong, the SET's variant
# merely keeps its last figure (and the drift report shows nothing new), while computing it here
# from components we cannot see could only guess. The simulator does exactly this.
SET_STOCK_REPORTED_BY_SPECTER = True

# Unknown (§9): what newOrderSubmit does with a row whose article number Specter lacks. We never
# send one knowingly (every article number is known in Specter before an order goes), but the
# answer may be either: a refusal, `0;4;unknown article <no>` (UNKNOWN_ARTICLE above), or an
# "OK" that names it, `1;<orderNo>;OK, unknown articles: <no>, <no>` (the order was made, the row
# as a free row). Both name the article numbers after "unknown article(s)", comma-separated
# (article numbers take no commas, seed 001). The simulator answers either way, per account.
UNKNOWN_ARTICLES_NAMED = r"unknown articles?:?\s*(?P<articles>[^;]+)"
