"""Specter's signature and envelopes, checked against worked examples written out by hand."""

import hashlib

import pytest

from connections.specter.signature import Credentials, customer_subject, sign, subject_for
from connections.specter.wire import Garbled, encode, parse


def md5(text: str) -> str:
    return hashlib.md5(text.encode("latin-1")).hexdigest()


def test_the_two_key_signature_of_a_customer_matches_the_specs_worked_example():
    # specs/specter-api.md §4.1: key = md5(IntegrationKey + md5(ApiUserKey + "1234" + "Anna Svensson"))
    creds = Credentials(smb_id="1234", key1="ApiUserKey", key2="IntegrationKey", api_user_id="55")
    subject = customer_subject({"customerOrganizationalForm": "P", "firstName": "Anna", "surName": "Svensson"})
    assert subject == "Anna Svensson"
    assert sign(creds, subject) == md5("IntegrationKey" + md5("ApiUserKey" + "1234" + "Anna Svensson"))


def test_the_one_key_signature_is_a_single_md5():
    assert sign(Credentials("1001", "demo-md5key"), "10452") == md5("demo-md5key100110452")


def test_names_with_swedish_letters_are_signed_as_latin_1_bytes():
    expected = hashlib.md5("k1001Åsa Öberg".encode("latin-1")).hexdigest()
    assert sign(Credentials("1001", "k"), "Åsa Öberg") == expected
    assert expected != hashlib.md5("k1001Åsa Öberg".encode()).hexdigest()


@pytest.mark.parametrize(
    "action, params, subject",
    [
        ("newOrderSubmit", {"customerId": "10452"}, "10452"),
        ("newArticleSubmit", {"articleNo_1": "MUGG-01", "articleNo_2": "X"}, "MUGG-01"),
        ("checkAccountSettings", {"date": "2026-11-23"}, "2026-11-23"),
        ("getPriceListsExternal", {"date": "2026-11-23"}, "2026-11-23"),
        ("getPriceListExternalNeedUpdate", {"batchNo": "9f2c"}, "9f2c"),
        ("getOrdersExternalNeedUpdate", {"batchNo": "9f2c"}, "9f2c"),
        ("newInvoiceSubmit", {"orderId": "88311"}, "88311"),
        ("newCustomerSubmit", {"customerOrganizationalForm": "C", "name": "  Exempel   AB "}, "Exempel AB"),
    ],
)
def test_each_action_signs_its_own_subject(action, params, subject):
    assert subject_for(action, params) == subject


def test_credentials_never_print_their_keys():
    assert "hemlig" not in repr(Credentials("1", "hemlig", "hemlig2"))


@pytest.mark.parametrize(
    "body, ok, code, id_, message",
    [
        (b"1;10452;OK", True, "", "10452", "OK"),
        (b"0;6;88311;duplicate externalOrderNo", False, "6", "88311", "duplicate externalOrderNo"),
        (b"0;7;;not found", False, "7", "", "not found"),
        (b"0;99;Batch 'abc123' is open", False, "99", "", "Batch 'abc123' is open"),
        (b"0;3;missing field; name", False, "3", "", "missing field; name"),
        (b"<response><APIresponse><result>1</result><id>77</id></APIresponse></response>", True, "", "77", ""),
        (
            b"<response><APIresponse><result>0</result><code>99</code><message>open 'x1'</message>"
            b"</APIresponse></response>",
            False,
            "99",
            "",
            "open 'x1'",
        ),
    ],
)
def test_both_envelopes_parse(body, ok, code, id_, message):
    reply = parse(body)
    assert (reply.ok, reply.code, reply.id, reply.message) == (ok, code, id_, message)


def test_the_open_batch_number_is_read_from_the_quotes():
    assert parse(b"0;99;Batch 'abc123' is open").quoted == "abc123"


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b"", b"\x00<<garbled{", b"OK"])
def test_anything_else_is_garbled(body):
    with pytest.raises(Garbled):
        parse(body)


def test_values_are_sent_as_latin_1():
    assert encode({"city": "Malmö"}) == b"city=Malm%F6"
    assert parse("1;5;Åsa".encode("latin-1")).message == "Åsa"
