"""Japanese people and companies for the demo data.

Every name comes with its romanisation so e-mail addresses look real
(``h.sato@technobridge.co.jp``). Company names are built from parts; each company has one
canonical legal name and the spellings people type for it (株式会社X, (株)X, ㈱X, （株）X), which
the demo mixes in exports to exercise company-name normalisation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("斎藤", "saito"),
    ("清水", "shimizu"),
    ("山崎", "yamazaki"),
    ("森", "mori"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("阿部", "abe"),
    ("石川", "ishikawa"),
    ("山下", "yamashita"),
    ("中島", "nakajima"),
    ("石井", "ishii"),
    ("小川", "ogawa"),
    ("前田", "maeda"),
    ("岡田", "okada"),
    ("長谷川", "hasegawa"),
    ("藤田", "fujita"),
    ("後藤", "goto"),
    ("近藤", "kondo"),
    ("髙橋", "takahashi"),
    ("村上", "murakami"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("坂本", "sakamoto"),
    ("西村", "nishimura"),
    ("福田", "fukuda"),
    ("太田", "ota"),
)

FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("翔", "sho"),
    ("大輔", "daisuke"),
    ("拓也", "takuya"),
    ("健太", "kenta"),
    ("直樹", "naoki"),
    ("誠", "makoto"),
    ("剛", "tsuyoshi"),
    ("亮", "ryo"),
    ("雄一", "yuichi"),
    ("浩二", "koji"),
    ("和也", "kazuya"),
    ("達也", "tatsuya"),
    ("蓮", "ren"),
    ("悠真", "yuma"),
    ("陽太", "hinata"),
    ("隆", "takashi"),
    ("花子", "hanako"),
    ("美咲", "misaki"),
    ("陽子", "yoko"),
    ("愛", "ai"),
    ("彩", "aya"),
    ("恵", "megumi"),
    ("由美", "yumi"),
    ("真由美", "mayumi"),
    ("結衣", "yui"),
    ("さくら", "sakura"),
    ("優子", "yuko"),
    ("千尋", "chihiro"),
    ("麻衣", "mai"),
    ("奈々", "nana"),
    ("智子", "tomoko"),
    ("明日香", "asuka"),
)

_KATAKANA_HEADS: tuple[tuple[str, str], ...] = (
    ("テクノ", "techno"),
    ("ネクスト", "next"),
    ("グローバル", "global"),
    ("スマート", "smart"),
    ("クラウド", "cloud"),
    ("デジタル", "digital"),
    ("フューチャー", "future"),
    ("ブライト", "bright"),
    ("アーク", "arc"),
    ("リンク", "link"),
    ("ソリッド", "solid"),
    ("ユニオン", "union"),
    ("エッジ", "edge"),
    ("ノヴァ", "nova"),
    ("サン", "sun"),
)

_KATAKANA_TAILS: tuple[tuple[str, str, str], ...] = (
    ("ブリッジ", "bridge", "Information Technology and Services"),
    ("システムズ", "systems", "Computer Software"),
    ("ソリューションズ", "solutions", "Information Technology and Services"),
    ("ワークス", "works", "Marketing and Advertising"),
    ("ロジスティクス", "logistics", "Logistics and Supply Chain"),
    ("ファイナンス", "finance", "Financial Services"),
    ("メディカル", "medical", "Hospital & Health Care"),
    ("パートナーズ", "partners", "Staffing and Recruiting"),
    ("ラボ", "lab", "Computer Software"),
)

_KANJI_HEADS: tuple[tuple[str, str], ...] = (
    ("山田", "yamada"),
    ("東洋", "toyo"),
    ("大和", "yamato"),
    ("北斗", "hokuto"),
    ("日進", "nisshin"),
    ("光和", "kowa"),
    ("中央", "chuo"),
    ("三栄", "san-ei"),
    ("富士見", "fujimi"),
    ("双葉", "futaba"),
    ("朝日", "asahi"),
    ("昭和", "showa"),
    ("丸一", "maruichi"),
    ("協和", "kyowa"),
    ("髙島", "takashima"),
)

_KANJI_TAILS: tuple[tuple[str, str, str], ...] = (
    ("製作所", "seisakusho", "Machinery"),
    ("工業", "kogyo", "Industrial Automation"),
    ("商事", "shoji", "Wholesale"),
    ("物産", "bussan", "Wholesale"),
    ("建設", "kensetsu", "Construction"),
    ("電機", "denki", "Electrical/Electronic Manufacturing"),
    ("食品", "shokuhin", "Food Production"),
    ("不動産", "fudosan", "Real Estate"),
    ("運輸", "unyu", "Logistics and Supply Chain"),
)

INDUSTRY_JA: dict[str, str] = {
    # HubSpot's JA industry labels are unverified (no JA export seen); plausible UI wording.
    "Information Technology and Services": "情報技術・サービス",
    "Computer Software": "コンピューターソフトウェア",
    "Marketing and Advertising": "マーケティング・広告",
    "Logistics and Supply Chain": "物流・サプライチェーン",
    "Financial Services": "金融サービス",
    "Hospital & Health Care": "病院・医療",
    "Staffing and Recruiting": "人材派遣・採用",
    "Machinery": "機械",
    "Industrial Automation": "産業オートメーション",
    "Wholesale": "卸売",
    "Construction": "建設",
    "Electrical/Electronic Manufacturing": "電気・電子機器製造",
    "Food Production": "食品製造",
    "Real Estate": "不動産",
}

_EMPLOYEE_BANDS: tuple[tuple[int, int, float], ...] = (
    (10, 49, 0.30),
    (50, 299, 0.38),
    (300, 999, 0.20),
    (1000, 5000, 0.12),
)


@dataclass(frozen=True)
class Company:
    base: str  # the name without the legal-form marker, e.g. テクノブリッジ
    suffix_form: bool  # True: テクノブリッジ株式会社, False: 株式会社テクノブリッジ
    domain: str
    industry: str  # HubSpot EN industry label
    employees: int

    @property
    def canonical(self) -> str:
        return f"{self.base}株式会社" if self.suffix_form else f"株式会社{self.base}"

    @property
    def spellings(self) -> tuple[str, ...]:
        """How people type this company: canonical first, then abbreviations."""
        if self.suffix_form:
            return (self.canonical, f"{self.base}(株)", f"{self.base}㈱", f"{self.base}（株）")
        return (self.canonical, f"(株){self.base}", f"㈱{self.base}", f"（株）{self.base}")


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    last_romaji: str
    first_romaji: str

    @property
    def full(self) -> str:
        return f"{self.last} {self.first}"

    def email_at(self, domain: str) -> str:
        return f"{self.first_romaji[0]}.{self.last_romaji}@{domain}"


def make_companies(rng: random.Random, count: int) -> list[Company]:
    """``count`` distinct companies (names, domains and sizes), deterministic for ``rng``."""
    candidates: list[tuple[str, str, str]] = []
    for head, head_r in _KATAKANA_HEADS:
        for tail, tail_r, industry in _KATAKANA_TAILS:
            candidates.append((head + tail, f"{head_r}{tail_r}", industry))
    for head, head_r in _KANJI_HEADS:
        for tail, tail_r, industry in _KANJI_TAILS:
            candidates.append((head + tail, f"{head_r}-{tail_r}", industry))
    rng.shuffle(candidates)
    companies = []
    for base, slug, industry in candidates[: min(count, len(candidates))]:
        low, high, _ = rng.choices(_EMPLOYEE_BANDS, [w for *_, w in _EMPLOYEE_BANDS])[0]
        tld = rng.choice((".co.jp", ".co.jp", ".co.jp", ".jp", ".com"))
        companies.append(
            Company(
                base=base,
                suffix_form=rng.random() < 0.3,
                domain=slug + tld,
                industry=industry,
                employees=rng.randint(low, high),
            )
        )
    return companies


def make_person(rng: random.Random) -> Person:
    last, last_r = rng.choice(LAST_NAMES)
    first, first_r = rng.choice(FIRST_NAMES)
    return Person(last, first, last_r, first_r)


def spelling_for(rng: random.Random, company: Company, *, allow_cp932_only: bool) -> str:
    """A spelling of the company as typed by a person; mostly the canonical name.

    ``allow_cp932_only`` permits ㈱ (a character only cp932 among the Japanese encodings has)."""
    roll = rng.random()
    if roll < 0.78:
        return company.canonical
    options = company.spellings[1:]
    if not allow_cp932_only:
        options = tuple(s for s in options if "㈱" not in s)
    return rng.choice(options)


# Job titles as people type them; the template's role rule reads 部長, 課長, 取締役 ….
JOB_TITLES = (
    "マーケティング部 部長",
    "営業企画",
    "経営企画室",
    "代表取締役",
    "情報システム部",
    "マーケティング担当",
    "インサイドセールス",
    "営業部 課長",
)

SALES_REPS: tuple[str, ...] = ("高橋 健太", "中村 美咲", "小林 直樹", "松本 彩", "井上 誠")
INSIDE_SALES: tuple[str, ...] = ("山本 陽子", "伊藤 翔", "斎藤 由美")
ENTERPRISE_REPS: tuple[str, ...] = ("木村 隆", "清水 千尋", "林 和也")
