"""Cell values: nulls, NFKC, amounts, numbers, percentages, booleans, e-mails."""

from __future__ import annotations

import pytest

from ikkan.ingest.parsing.values import (
    ParseError,
    clean_text,
    is_null,
    normalise,
    normalise_header,
    parse_amount,
    parse_bool,
    parse_email,
    parse_int,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize("raw", ["", "  ", "--", "-", "—", "(not set)", "\u3000", "－－", None])
def test_null_tokens(raw):
    assert is_null(raw)
    assert clean_text(raw) is None


@pytest.mark.parametrize("raw", ["0", "a", "Total", "(none given)", 0])
def test_not_null(raw):
    assert not is_null(raw)


def test_nfkc_normalisation():
    assert normalise("１，０００円") == "1,000円"
    assert normalise("２０２６／０１／０７") == "2026/01/07"
    assert normalise("ｷｬﾝﾍﾟｰﾝ") == "キャンペーン"
    assert normalise("￥") == "¥"
    assert normalise("\u3000abc\u3000") == "abc"


def test_header_normalisation_matches_variants():
    assert normalise_header("\ufeff Impr. ") == normalise_header("ＩＭＰＲ．")
    assert normalise_header("キャンペーン\u3000タイプ") == "キャンペーン タイプ"
    assert normalise_header("コンバージョン（現在のモデル）") == "コンバージョン(現在のモデル)"


@pytest.mark.parametrize(
    ("raw", "value", "currency"),
    [
        ("¥1,000", 1000.0, "JPY"),
        ("￥1,000", 1000.0, "JPY"),
        ("\\1,000", 1000.0, "JPY"),
        ("1,000円", 1000.0, "JPY"),
        ("１，０００", 1000.0, None),
        ("１，０００円", 1000.0, "JPY"),
        ("△1,000", -1000.0, None),
        ("▲1,000", -1000.0, None),
        ("(1,000)", -1000.0, None),
        ("-1,000", -1000.0, None),
        ("▲¥1,000", -1000.0, "JPY"),
        ("1.2万円", 12000.0, "JPY"),
        ("3億", 300_000_000.0, None),
        ("JPY 10,000", 10000.0, "JPY"),
        ("10,000 JPY", 10000.0, "JPY"),
        ("USD 12.50", 12.5, "USD"),
        ("1200000", 1200000.0, None),
        ("12,345.67", 12345.67, None),
        ("5.12E+17", 5.12e17, None),
        (1500, 1500.0, None),
    ],
)
def test_amounts(raw, value, currency):
    assert parse_amount(raw) == (pytest.approx(value), currency)


@pytest.mark.parametrize("raw", ["TBD", "未定", "1,00", "12,3456", "1.2.3", "¥", "円", "1 000 x"])
def test_bad_amounts_raise(raw):
    with pytest.raises(ParseError):
        parse_amount(raw)


def test_numbers_and_ints():
    assert parse_number("1,204") == 1204.0
    assert parse_int("1,204") == 1204
    assert parse_int("１２") == 12
    assert parse_int("3.0") == 3
    with pytest.raises(ParseError, match="whole number"):
        parse_int("2.5")
    with pytest.raises(ParseError, match="plain number"):
        parse_number("¥100")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12.5%", 0.125), ("１２．５％", 0.125), ("0.6667", 0.6667), ("-3%", -0.03), ("100 %", 1.0)],
)
def test_percentages(raw, value):
    assert parse_percent(raw) == pytest.approx(value)


def test_bad_percentage():
    with pytest.raises(ParseError):
        parse_percent("high")


@pytest.mark.parametrize("raw", ["TRUE", "yes", "1", "はい", "○", True])
def test_true(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["FALSE", "No", "0", "いいえ", "×", False])
def test_false(raw):
    assert parse_bool(raw) is False


def test_bad_bool():
    with pytest.raises(ParseError, match="yes/no"):
        parse_bool("maybe")


def test_email():
    assert parse_email(" H.Sato@Example.CO.JP ") == "h.sato@example.co.jp"
    assert parse_email("ｈ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｊｐ") == "h.sato@example.jp"
    for bad in ("nobody", "a@b", "@example.com", "a b@example.com"):
        with pytest.raises(ParseError):
            parse_email(bad)
