"""Every answer form Specter's spec lists (§2.4, §8, §10.1), read at the wire boundary: `result`
decides success, a code on a success is information; text and XML envelopes; CR-separated stock
lines, `noItemsAvailable` and decimal commas on reads."""

from decimal import Decimal

import pytest

from connections.specter import batches
from connections.specter.wire import Garbled, is_envelope, parse

XML = '<?xml version="1.0" encoding="ISO-8859-1"?><response>{}</response>'


@pytest.mark.parametrize(
    "body, ok, code, id_, message",
    [
        # text
        ("1;10452;OK", True, "", "10452", "OK"),
        ("1;10452;", True, "", "10452", ""),
        ("1;Done", True, "", "Done", ""),
        ("0;2;bad key", False, "2", "", "bad key"),
        ("0;6;88311;duplicate externalOrderNo", False, "6", "88311", "duplicate externalOrderNo"),
        ("0;99;An older batch 'ab12' is still open", False, "99", "", "An older batch 'ab12' is still open"),
        # XML, result without a code
        (
            XML.format("<APIresponse><result>1</result><id>77</id><message>OK</message></APIresponse>"),
            True,
            "",
            "77",
            "OK",
        ),
        # XML, result with a code: the code is information when the result is 1
        (XML.format("<APIresponse><result>1</result><code>0</code><id>77</id></APIresponse>"), True, "0", "77", ""),
        (
            XML.format(
                "<APIresponse><result>1</result><code>12</code><message>Kund uppdaterad</message></APIresponse>"
            ),
            True,
            "12",
            "",
            "Kund uppdaterad",
        ),
        (
            XML.format("<APIresponse><result>0</result><code>4</code><message>okänd artikel</message></APIresponse>"),
            False,
            "4",
            "",
            "okänd artikel",
        ),
        (XML.format("<APIresponse><result>0</result><message>nej</message></APIresponse>"), False, "", "", "nej"),
        # XML error with only a code and a message (§2.4), and such a one carrying an id (§10.4)
        (
            XML.format("<APIresponse><code>99</code><message>open 'x1'</message></APIresponse>"),
            False,
            "99",
            "",
            "open 'x1'",
        ),
        (
            XML.format("<APIresponse><code>6</code><message>dup</message><id>88311</id></APIresponse>"),
            False,
            "6",
            "88311",
            "dup",
        ),
        ("<APIresponse><code>0</code><message>OK</message></APIresponse>", True, "0", "", "OK"),
    ],
)
def test_result_decides_success_in_every_envelope(body, ok, code, id_, message):
    reply = parse(body.encode("latin-1"))
    assert (reply.ok, reply.code, reply.id, reply.message) == (ok, code, id_, message)


def test_an_xml_envelope_in_latin_1_with_its_declaration_reads_swedish_letters():
    body = XML.format("<APIresponse><result>1</result><code>0</code><message>Åsa Öberg skapad</message></APIresponse>")
    assert parse(body.encode("latin-1")).message == "Åsa Öberg skapad"


@pytest.mark.parametrize(
    "body", ["<response><APIresponse><result>1</result>", "<html><body>502</body></html>", "1", "0;x;y"]
)
def test_a_cut_or_foreign_body_is_garbled(body):
    with pytest.raises(Garbled):
        parse(body.encode("latin-1"))


@pytest.mark.parametrize(
    "text, envelope",
    [
        ("0;99;open 'a'", True),
        (XML.format("<APIresponse><result>1</result><code>0</code></APIresponse><orders/>"), True),
        (XML.format("<APIresponse><code>99</code></APIresponse>"), True),
        ("5531;MUGG-01;14;ab12\r", False),
        ("<orders></orders>", False),
    ],
)
def test_a_data_answer_is_checked_as_an_envelope_when_it_carries_one(text, envelope):
    assert is_envelope(text) is envelope


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "5531;TSHIRT-RED-M;14;ab12\r5532;TSHIRT-RED-L;noItemsAvailable;ab12\r",
            [("TSHIRT-RED-M", Decimal(14)), ("TSHIRT-RED-L", None)],
        ),
        ("5531;A;14;ab12\r\n5532;B;3;ab12\r\n", [("A", Decimal(14)), ("B", Decimal(3))]),
        ("5531;A;14;ab12", [("A", Decimal(14))]),
        ("5531;A;2,5;ab12\r", [("A", Decimal("2.5"))]),
        ("5531;A;NOITEMSAVAILABLE;ab12\r", [("A", None)]),
        ("", []),
        ("1;0;OK", []),
    ],
)
def test_stock_lines_separated_by_cr_are_read_in_each_form(text, expected):
    batch = batches.PARSERS["stock"](text, "ab12")
    assert [(e.article_no, e.quantity) for e in batch.entries] == expected


@pytest.mark.parametrize("text", ["5531;A\r", "5531;A;viele;ab12\r"])
def test_a_stock_line_that_cannot_be_read_is_an_error_not_a_figure(text):
    with pytest.raises(Exception) as caught:
        batches.PARSERS["stock"](text, "ab12")
    assert caught.type.__name__ in ("Garbled", "InvalidOperation")


def test_an_xml_stock_batch_of_one_plain_block_is_the_default_warehouse():
    text = XML.format(
        "<APIresponse><result>1</result><code>0</code></APIresponse><stockChanges><stock><articles>"
        "<article><articleNo>A</articleNo><noItemsAv>7,0</noItemsAv></article>"
        "<article><articleNo>B</articleNo><noItemsAv>noItemsAvailable</noItemsAv></article></articles></stock></stockChanges>"
    )
    entries = batches.PARSERS["stock"](text, "b1").entries
    assert [(e.article_no, batches.stock_figure(e, "")) for e in entries] == [("A", Decimal(7)), ("B", Decimal(0))]


def test_article_info_with_decimal_commas_reads_prices_weights_and_vat():
    text = XML.format(
        '<APIresponse><result>1</result></APIresponse><articles><article priceExclVat="159,20" vatPercent="25,00" '
        'buyPrice="28,5" productWeight="0,420" barCode="735"><articleNo>MUGG-01</articleNo><name>Mugg</name></article>'
        "</articles><responseMaxLimit>100</responseMaxLimit>"
    )
    [info] = batches.PARSERS["articleinfo"](text, "b1").entries
    assert (info.price_ex_vat, info.vat_percent, info.buy_price, info.weight_kg) == (
        Decimal("159.20"),
        Decimal(25),
        Decimal("28.5"),
        Decimal("0.420"),
    )


def test_list_prices_with_decimal_commas_are_read():
    text = XML.format(
        '<APIresponse><result>1</result><code>0</code></APIresponse><listPrices><listPrice priceListId="3" '
        'priceExclVat="127,20" fromQuantity="10"><articleNo>MUGG-01</articleNo></listPrice></listPrices>'
    )
    [price] = batches.PARSERS["pricelists"](text, "b1").entries
    assert (price.price_ex_vat, price.from_quantity) == (Decimal("127.20"), 10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "form, success, refusal",
    [
        ("text", "1;", "0;6;"),
        ("xml", "<result>1</result><id>", "<APIresponse><code>6</code>"),
        ("xml_code", "<result>1</result><code>0</code>", "<result>0</result><code>6</code>"),
    ],
)
def test_the_simulated_account_answers_every_envelope_in_its_form(live_server, form, success, refusal):
    from connections.specter.client import DuplicateOrder, SpecterClient
    from connections.specter.signature import Credentials
    from tests.connections.specter.test_client_against_simulator import order, person
    from tests.syncflows.wiring import specter_account_of_kind

    specter_account_of_kind("single", answer_form=form)
    client = SpecterClient(Credentials("1001", "demo-md5key"), base_url=live_server.url + "/sim/specter/")
    body = client._raw("getInfo.asp", "checkAccountSettings", {"date": "2026-12-01"}).decode("latin-1")
    assert success in body
    customer_no = client.submit_customer(person())
    first = client.submit_order(customer_no, order("WS-F1"))
    refused = client._raw("putInfo.asp", "newOrderSubmit", {**order("WS-F1"), "customerId": customer_no}).decode(
        "latin-1"
    )
    assert refusal in refused
    with pytest.raises(DuplicateOrder) as caught:  # and the client reads the number the refusal carries
        client.submit_order(customer_no, order("WS-F1"))
    assert caught.value.existing_order_no == first


@pytest.mark.django_db(transaction=True)
def test_the_simulated_specter_takes_a_get_with_names_in_any_case_as_clients_send_them(live_server):
    import requests

    from connections.specter.signature import Credentials, sign
    from tests.syncflows.wiring import specter_account_of_kind

    specter_account_of_kind("single")
    key = sign(Credentials("1001", "demo-md5key"), "2026-12-01")
    answer = requests.get(
        live_server.url + "/sim/specter/getinfo.asp",
        timeout=10,
        params={
            "Action": "checkAccountSettings",
            "SBMID": "1001",
            "useXml": "1",
            "Key": key.upper(),
            "DATE": "2026-12-01",
        },
    )
    assert answer.status_code == 200 and answer.text.startswith("1;")
