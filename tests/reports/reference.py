"""The FY2017–FY2021 figures of the published FY2021 report, as entered facts and CSV rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventhub.reports.facts import EditionFacts, Source

FOOD_FAIR = "平成30年度～令和2年度は、「全国食品産業フェア」として食品関係の出展者を各地から募集。"
OLYMPICS = "オリパラ大会延期により、東京ビッグサイトが使用できなくなったため"


def entered(series: str, fiscal_year: int, **fields: Any) -> EditionFacts:
    values: dict[str, Any] = {
        "source": Source.ENTERED,
        "series_slug": series,
        "fiscal_year": fiscal_year,
        "order": 1,
        "held_from": None,
        "held_until": None,
        "venue_ja": None,
        "venue_en": None,
        "format": "in_person",
        "cancelled": False,
        "reason_ja": None,
        "reason_en": None,
        "exhibitors": None,
        "prefecture_codes": None,
        "prefectures_printed": None,
        "municipalities_ja": None,
        "visitors": None,
        "visitors_approximate": False,
        "online_participants": None,
        "online_participants_approximate": False,
        "business_meetings": None,
    }
    values.update(fields)
    return EditionFacts(**values)


NATIONAL_ZONE = [
    entered("national-zone", 2017, prefectures_printed="37道府県", municipalities_ja="6市",
            exhibitors=118),
    entered("national-zone", 2018, prefectures_printed="23道府県", municipalities_ja="4市",
            exhibitors=71, note_ja=FOOD_FAIR),
    entered("national-zone", 2019, prefectures_printed="22道府県", municipalities_ja="2市",
            exhibitors=56, note_ja=FOOD_FAIR),
    entered("national-zone", 2020, prefectures_printed="12道府県", exhibitors=39,
            format="online", note_ja=FOOD_FAIR),
    entered("national-zone", 2021, prefectures_printed="12道府県", exhibitors=32),
]  # fmt: skip

TAKUMI = [
    entered("takumi", 2017, prefectures_printed="24都府県", exhibitors=77,
            held_from=date(2017, 8, 1), venue_ja="東京国際フォーラム",
            venue_en="Tokyo International Forum"),
    entered("takumi", 2018, prefectures_printed="18都府県", exhibitors=73,
            held_from=date(2018, 8, 1), venue_ja="東京国際フォーラム",
            venue_en="Tokyo International Forum"),
    entered("takumi", 2019, prefectures_printed="22都府県", exhibitors=73,
            held_from=date(2019, 7, 1), venue_ja="TOC展示会場", venue_en="TOC exhibition hall"),
    entered("takumi", 2020, prefectures_printed="43都道府県", format="online",
            held_from=date(2020, 11, 1)),
    entered("takumi", 2021, prefectures_printed="10都府県", format="online",
            held_from=date(2021, 12, 1)),
]  # fmt: skip

MOKUCOLLE = [
    entered("mokucolle", 2017, held_from=date(2018, 1, 1), venue_ja="東京ビッグサイト",
            venue_en="Tokyo Big Sight", prefectures_printed="33都道府県", exhibitors=324,
            visitors=4000, visitors_approximate=True),
    entered("mokucolle", 2018, held_from=date(2019, 1, 1), venue_ja="東京ビッグサイト",
            venue_en="Tokyo Big Sight", prefectures_printed="40都道府県", exhibitors=310,
            visitors=4500, visitors_approximate=True),
    entered("mokucolle", 2019, held_from=date(2019, 12, 1), venue_ja="東京ビッグサイト",
            venue_en="Tokyo Big Sight", prefectures_printed="41都道府県", exhibitors=268,
            visitors=4200, visitors_approximate=True),
    entered("mokucolle", 2019, order=2, held_from=date(2020, 2, 1), cancelled=True,
            reason_ja=OLYMPICS,
            reason_en="Tokyo Big Sight could not be used after the Games were postponed"),
    entered("mokucolle", 2020, held_from=date(2021, 1, 1), held_until=date(2021, 2, 1),
            format="online", prefectures_printed="40都道府県", exhibitors=226,
            online_participants=1500, online_participants_approximate=True),
]  # fmt: skip

#: The published lines (lines 191–196, 240–244 and 351–355 of the reference text), except
#: for two slips of the published text that the forms do not copy: the stray 「、」 in
#: 「73団体が出展、（7月」 and the missing thousands separator in 「約1500人参加」.
NATIONAL_ZONE_JA = [
    "平成29年度は、37道府県及び6市から118企業・団体が出展",
    "令和3年度は、12道府県から32企業・団体が出展",
]
NATIONAL_ZONE_GROUP_JA = [
    "平成30年度は23道府県4市から71企業・団体が出展",
    "令和元年度は22道府県2市から56企業・団体が出展",
    "令和2年度は12道府県から39企業・団体が出展（オンライン開催）",
]
TAKUMI_JA = [
    "平成29年度は、24都府県77団体が出展（8月、東京国際フォーラム）",
    "平成30年度は、18都府県73団体が出展（8月、東京国際フォーラム）",
    "令和元年度は、22都府県73団体が出展（7月、TOC展示会場）",
    "令和2年度は、オンラインで開催し、43都道府県のものづくりや伝統工芸等の動画や施策をHPで紹介（11月）",
    "令和3年度は、オンラインで開催し、10都府県のものづくりや伝統工芸等の動画や施策をHPで紹介（12月）",
]
MOKUCOLLE_JA = [
    "平成30年1月、東京ビッグサイトで、33都道府県で連携して開催（324者出展、約4,000人来場）",
    "平成31年1月、東京ビッグサイトで、40都道府県で連携して開催（310者出展、約4,500人来場）",
    "令和元年12月、東京ビッグサイトで、41都道府県で連携して開催（268者出展、約4,200人来場）",
    "令和2年2月、オリパラ大会延期により、東京ビッグサイトが使用できなくなったため、実施せず",
    "令和3年1月～2月、40都道府県で連携してオンライン開催（226者出展、約1,500人参加）",
]

#: The same years as a CSV with Japanese headers, as an organiser would type them in Excel.
CSV_JA = f"""シリーズ,年度,回,開催月,会場,会場（英語）,開催形式,状況,中止理由,中止理由（英語）,出展者数,都道府県,市町村,来場者数,オンライン参加者数,商談数,備考
全国ゾーン,平成29年度,,,,,,,,,118,37道府県,6市,,,,
全国ゾーン,平成30年度,,,,,,,,,71,23道府県,4市,,,,{FOOD_FAIR}
全国ゾーン,令和元年度,,,,,,,,,56,22道府県,2市,,,,{FOOD_FAIR}
全国ゾーン,令和2年度,,,,,オンライン,,,,39,12道府県,,,,,{FOOD_FAIR}
全国ゾーン,令和3年度,,,,,,,,,32,12道府県,,,,,
ものづくり・匠の技の祭典,平成29年度,,2017-08,東京国際フォーラム,Tokyo International Forum,,,,,77,24都府県,,,,,
ものづくり・匠の技の祭典,平成30年度,,2018年8月,東京国際フォーラム,Tokyo International Forum,,,,,73,18都府県,,,,,
ものづくり・匠の技の祭典,令和元年度,,令和元年7月,TOC展示会場,TOC exhibition hall,,,,,73,22都府県,,,,,
ものづくり・匠の技の祭典,令和2年度,,令和2年11月,,,オンライン,,,,,43都道府県,,,,,
ものづくり・匠の技の祭典,令和3年度,,令和3年12月,,,オンライン,,,,,10都府県,,,,,
モクコレ,平成29年度,,平成30年1月,東京ビッグサイト,Tokyo Big Sight,,,,,324,33都道府県,,"約4,000人",,,
モクコレ,平成30年度,,平成31年1月,東京ビッグサイト,Tokyo Big Sight,,,,,310,40都道府県,,"約4,500人",,,
モクコレ,令和元年度,,令和元年12月,東京ビッグサイト,Tokyo Big Sight,,,,,268,41都道府県,,"約4,200人",,,
モクコレ,令和元年度,2,令和2年2月,,,,中止,{OLYMPICS},Tokyo Big Sight could not be used after the Games were postponed,,,,,,,
モクコレ,令和2年度,,令和3年1月～2月,,,オンライン,,,,226,40都道府県,,,約1500,,
"""  # noqa: E501
