"""The report's sentences, word for word, against the published FY2021 report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventhub.reports import sentences_en, sentences_ja
from eventhub.reports.document import document
from eventhub.reports.facts import Source, from_figures, merge
from tests.reports import reference
from tests.reports.figures_helpers import figures

HEADINGS = {"national-zone": "全国ゾーン", "takumi": "匠の技の祭典", "mokucolle": "モクコレ"}


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_published_lists_are_reproduced_from_entered_figures():
    series = [
        merge("national-zone", [], reference.NATIONAL_ZONE),
        merge("takumi", [], reference.TAKUMI),
        merge("mokucolle", [], reference.MOKUCOLLE),
    ]
    national, takumi, mokucolle = document("ja", 2021, series, HEADINGS).sections
    assert _texts(national.lines) == reference.NATIONAL_ZONE_JA
    assert [g.note for g in national.groups] == [f"※ {reference.FOOD_FAIR}"]
    assert _texts(national.groups[0].lines) == reference.NATIONAL_ZONE_GROUP_JA
    assert _texts(takumi.lines) == reference.TAKUMI_JA
    assert takumi.groups == ()
    assert _texts(mokucolle.lines) == reference.MOKUCOLLE_JA
    assert national.footnotes == (
        "※ 平成29年度～令和3年度は、過去の記録から入力された数値による。",
    )


def test_english_says_the_same():
    series = [merge("mokucolle", [], reference.MOKUCOLLE), merge("takumi", [], reference.TAKUMI)]
    mokucolle, takumi = document("en", 2021, series, HEADINGS).sections
    assert _texts(mokucolle.lines) == [
        "January 2018, Tokyo Big Sight: held together with 33 prefectures"
        " (324 exhibitors; about 4,000 visitors)",
        "January 2019, Tokyo Big Sight: held together with 40 prefectures"
        " (310 exhibitors; about 4,500 visitors)",
        "December 2019, Tokyo Big Sight: held together with 41 prefectures"
        " (268 exhibitors; about 4,200 visitors)",
        "February 2020: not held, because Tokyo Big Sight could not be used after the Games"
        " were postponed",
        "January–February 2021: held online together with 40 prefectures"
        " (226 exhibitors; about 1,500 online participants)",
    ]
    assert _texts(takumi.lines)[0] == (
        "In FY2017, 77 organisations from 24 prefectures exhibited"
        " (August; Tokyo International Forum)"
    )
    assert _texts(takumi.lines)[-1] == (
        "In FY2021, the festival was held online, presenting videos and initiatives on crafts"
        " and manufacturing from 10 prefectures on its website (December)"
    )
    assert mokucolle.footnotes == ("※ FY2017–FY2020: figures entered from past records.",)


def test_english_notes_and_japanese_ones_nobody_translated():
    food_fair_en = "Held as the National Food Industry Fair"
    national = [
        # The English note entered on one year of the group serves all of them.
        e if e.fiscal_year != 2019 else replace(e, note_en=food_fair_en)
        for e in reference.NATIONAL_ZONE
    ]
    national[0] = replace(national[0], note_ja="初回")
    (section,) = document("en", 2021, [merge("national-zone", [], national)], HEADINGS).sections
    assert [g.note for g in section.groups] == ["※ 初回", f"※ {food_fair_en}"]
    assert [[line.fiscal_year for line in g.lines] for g in section.groups] == [
        [2017],
        [2018, 2019, 2020],
    ]
    assert [line.fiscal_year for line in section.lines] == [2021]
    (ja,) = document("ja", 2021, [merge("national-zone", [], national)], HEADINGS).sections
    assert [g.note for g in ja.groups] == ["※ 初回", f"※ {reference.FOOD_FAIR}"]


@pytest.mark.parametrize(
    ("codes", "ja", "en"),
    [
        # Hokkaido, Osaka and prefectures, no Tokyo.
        ((1, 27, 47), "令和9年度は、3道府県から32企業・団体が出展", "from 3 prefectures"),
        # Tokyo, Kyoto and prefectures, no Hokkaido.
        ((13, 26, 20), "令和9年度は、3都府県から32企業・団体が出展", "from 3 prefectures"),
        ((1, 13, 26, 47), "令和9年度は、4都道府県から32企業・団体が出展", "from 4 prefectures"),
        ((20,), "令和9年度は、1県から32企業・団体が出展", "from 1 prefecture "),
    ],
)
def test_collective_word_follows_the_data(codes, ja, en):
    facts = from_figures(figures(exhibitor_prefectures=tuple(sorted(codes))))
    assert facts.source is Source.DATA
    assert sentences_ja.line(facts) == ja
    assert en in sentences_en.line(facts)


def test_data_visitors_are_rounded_with_yaku_and_months_in_the_era():
    facts = from_figures(
        figures(
            series_slug="mokucolle",
            fiscal_year=2019,
            starts_at=figures().starts_at.replace(year=2019, month=12),
            ends_at=figures().ends_at.replace(year=2019, month=12),
            exhibitor_prefectures=tuple(range(1, 42)),
            exhibitors=268,
            visitors=4243,
            business_meetings=329,
        )
    )
    assert sentences_ja.line(facts) == (
        "令和元年12月、東京ビッグサイトで、41都道府県で連携して開催"
        "（268者出展、約4,200人来場、商談数329件）"
    )
    assert sentences_en.line(facts) == (
        "December 2019, Tokyo Big Sight: held together with 41 prefectures"
        " (268 exhibitors; about 4,200 visitors; 329 business meetings)"
    )


@pytest.mark.parametrize(
    ("visitors", "printed"),
    [(4250, "約4,300人"), (4249, "約4,200人"), (485, "約490人"), (12, "約10人")],
)
def test_rounding_of_data_counts(visitors, printed):
    facts = from_figures(figures(series_slug="mokucolle", visitors=visitors))
    assert printed + "来場" in sentences_ja.line(facts)


def test_cancelled_data_edition_says_why():
    facts = from_figures(figures(status="cancelled", cancellation_reason="台風接近"))
    assert sentences_ja.line(facts) == "令和9年度は、台風接近のため開催中止"
    assert sentences_en.line(facts) == "In FY2027, the zone was cancelled: 台風接近"
    moku = from_figures(
        figures(series_slug="mokucolle", status="cancelled", cancellation_reason="台風接近のため")
    )
    assert sentences_ja.line(moku) == "令和9年10月、台風接近のため、実施せず"


def test_national_zone_with_municipalities_and_meetings_online():
    facts = from_figures(figures(municipalities=6, format="hybrid", business_meetings=154))
    assert sentences_ja.line(facts) == (
        "令和9年度は、3道府県及び6市から32企業・団体が出展（オンライン併催、商談数154件）"
    )
    assert sentences_en.line(facts) == (
        "In FY2027, 32 companies and organisations from 3 prefectures and 6 municipalities"
        " exhibited (also held online; 154 business meetings)"
    )


def test_data_replaces_entered_figures_of_the_same_year_and_says_so():
    data = from_figures(figures(fiscal_year=2021, exhibitor_prefectures=(1, 27, 47)))
    series = merge("national-zone", [data], reference.NATIONAL_ZONE)
    assert series.superseded_years == (2021,)
    (section,) = document("ja", 2021, [series], HEADINGS).sections
    assert _texts(section.lines)[-1] == "令和3年度は、3道府県から32企業・団体が出展"
    assert [line.source for line in section.lines] == [Source.ENTERED, Source.DATA]
    assert section.footnotes == (
        "※ 平成29年度～令和2年度は、過去の記録から入力された数値による。",
        "※ 令和3年度は、入力された数値に代えて、eventhubの集計値による。",
    )
    assert section.editions == (data.figures,)


def test_because_and_month_ranges():
    assert sentences_ja.because("使用できなくなった") == "使用できなくなったため"
    assert sentences_ja.because("台風接近。") == "台風接近のため"
    assert sentences_ja.month_range(date(2020, 12, 1), date(2021, 1, 1)) == (
        "令和2年12月～令和3年1月"
    )
    assert (
        sentences_ja.month_range(date(2019, 4, 1), date(2019, 5, 1)) == "平成31年4月～令和元年5月"
    )
    assert sentences_en.month_range(date(2020, 12, 1), date(2021, 1, 1)) == (
        "December 2020–January 2021"
    )


def test_small_and_zero_data_counts_are_exact_or_left_out():
    few = from_figures(figures(series_slug="mokucolle", visitors=7))
    assert "（32者出展、7人来場）" in sentences_ja.line(few)
    assert "(32 exhibitors; 7 visitors)" in sentences_en.line(few)
    none = from_figures(figures(series_slug="mokucolle", visitors=0))
    assert sentences_ja.line(none).endswith("開催（32者出展）")
    assert sentences_en.line(none).endswith("(32 exhibitors)")


def test_no_count_is_invented_and_no_comma_left_hanging():
    known = reference.entered("national-zone", 2026, prefectures_printed="12道府県")
    nothing = reference.entered("national-zone", 2026)
    mokucolle = reference.entered(
        "mokucolle", 2026, held_from=date(2026, 12, 1), venue_ja="東京ビッグサイト"
    )
    assert sentences_ja.line(known) == "令和8年度は、12道府県から出展"
    assert sentences_en.line(known) == (
        "In FY2026, companies and organisations from 12 prefectures exhibited"
    )
    assert not known.says_nothing()
    assert nothing.says_nothing()  # the report leaves it out rather than print 0
    assert sentences_ja.line(mokucolle) == "令和8年12月、東京ビッグサイトで開催"
    assert not mokucolle.says_nothing()
