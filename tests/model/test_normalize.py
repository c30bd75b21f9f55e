from __future__ import annotations

import pytest

from ikkan.model.normalize import EmailPolicy, normalize_company_name, normalize_email


@pytest.mark.parametrize(
    "spelling",
    [
        "株式会社ABC商事",
        "ABC商事株式会社",
        "ABC商事 株式会社",
        "(株)ABC商事",
        "ABC商事(株)",
        "㈱ABC商事",
        "（株）ＡＢＣ商事",
        "ＡＢＣ商事　株式会社",
        "abc商事",
    ],
)
def test_japanese_legal_forms_and_widths_fold_to_one_key(spelling):
    assert normalize_company_name(spelling) == "abc商事"


@pytest.mark.parametrize(
    "spelling",
    ["Acme Inc.", "ACME, Inc.", "Acme Co., Ltd.", "Acme Co.,Ltd.", "acme corporation", "Acme LLC"],
)
def test_english_legal_forms_fold(spelling):
    assert normalize_company_name(spelling) == "acme"


def test_limited_company_forms_and_inner_words_are_kept_apart():
    assert normalize_company_name("有限会社タナカ") == normalize_company_name("タナカ(有)")
    # "inc" inside a word is not a legal form
    assert normalize_company_name("Zinc") == "zinc"
    # different companies stay different
    assert normalize_company_name("ABC商事") != normalize_company_name("ABC物産")
    # a name that is only a legal form is kept rather than erased
    assert normalize_company_name("株式会社") == "株式会社"


def test_blank_company_is_none():
    assert normalize_company_name(None) is None
    assert normalize_company_name("  　") is None


def test_email_case_width_and_space():
    assert normalize_email("  Taro@Example.CO.JP ") == "taro@example.co.jp"
    assert normalize_email("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ") == "taro@example.jp"


def test_gmail_dots_and_plus_tags_by_policy():
    assert normalize_email("Taro.Yamada+news@googlemail.com") == "taroyamada@gmail.com"
    keep_dots = EmailPolicy(gmail_ignore_dots=False)
    assert normalize_email("taro.yamada+x@gmail.com", keep_dots) == "taro.yamada@gmail.com"
    keep_tags = EmailPolicy(gmail_strip_plus_tag=False)
    assert normalize_email("taro.yamada+x@gmail.com", keep_tags) == "taroyamada+x@gmail.com"


def test_company_domains_keep_dots_and_tags_unless_told():
    assert normalize_email("t.yamada+a@corp.jp") == "t.yamada+a@corp.jp"
    policy = EmailPolicy(strip_plus_tag_everywhere=True)
    assert normalize_email("t.yamada+a@corp.jp", policy) == "t.yamada@corp.jp"


@pytest.mark.parametrize("bad", [None, "", "no-at-sign", "@corp.jp", "taro@", "a b@corp.jp"])
def test_unusable_email_is_none(bad):
    assert normalize_email(bad) is None
