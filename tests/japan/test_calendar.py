from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from eventhub.japan.calendar import (
    ERAS,
    HEISEI,
    REIWA,
    TOKYO,
    Era,
    era_of,
    era_year_label,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_label_en,
    japanese_month_label,
)

JST = timezone(timedelta(hours=9))


def test_tokyo_zone() -> None:
    assert TOKYO.key == "Asia/Tokyo"
    assert datetime(2022, 1, 1, tzinfo=TOKYO).utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2022, 3, 31), 2021),
        (date(2022, 4, 1), 2022),
        (date(2022, 1, 1), 2021),
        (date(2022, 12, 31), 2022),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (date(2024, 2, 29), 2023),
    ],
)
def test_fiscal_year_of_a_date(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy


@pytest.mark.parametrize(
    ("dt", "fy"),
    [
        # 15:30 UTC on 31 March is already 00:30 on 1 April in Tokyo.
        (datetime(2022, 3, 31, 15, 30, tzinfo=UTC), 2022),
        (datetime(2022, 3, 31, 15, 0, tzinfo=UTC), 2022),
        (datetime(2022, 3, 31, 14, 59, 59, tzinfo=UTC), 2021),
        (datetime(2022, 4, 1, 0, 0, tzinfo=JST), 2022),
        (datetime(2022, 3, 31, 23, 59, 59, tzinfo=TOKYO), 2021),
        # 11:00 on 31 March in New York is 00:00 on 1 April in Tokyo (EDT, UTC-4).
        (datetime(2022, 3, 31, 11, 0, tzinfo=ZoneInfo("America/New_York")), 2022),
        (datetime(2022, 3, 31, 10, 59, tzinfo=ZoneInfo("America/New_York")), 2021),
    ],
)
def test_fiscal_year_of_an_aware_datetime_counts_in_tokyo(dt: datetime, fy: int) -> None:
    assert fiscal_year(dt) == fy


def test_fiscal_year_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        fiscal_year(datetime(2022, 4, 1, 12, 0))  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize("fy", range(1989, 2041))
def test_fiscal_year_bounds(fy: int) -> None:
    first, last = fiscal_year_bounds(fy)
    assert first == date(fy, 4, 1)
    assert last == date(fy + 1, 3, 31)
    assert fiscal_year(first) == fy
    assert fiscal_year(last) == fy
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1


def test_eras() -> None:
    assert ERAS == (HEISEI, REIWA)
    assert (HEISEI.name, HEISEI.romaji, HEISEI.start) == ("平成", "Heisei", date(1989, 1, 8))
    assert (REIWA.name, REIWA.romaji, REIWA.start) == ("令和", "Reiwa", date(2019, 5, 1))


@pytest.mark.parametrize(
    ("d", "era", "year"),
    [
        (date(1989, 1, 8), HEISEI, 1),
        (date(1989, 12, 31), HEISEI, 1),
        (date(1990, 1, 1), HEISEI, 2),
        (date(2018, 1, 1), HEISEI, 30),
        (date(2019, 4, 30), HEISEI, 31),
        (date(2019, 5, 1), REIWA, 1),
        (date(2019, 12, 31), REIWA, 1),
        (date(2020, 1, 1), REIWA, 2),
        (date(2021, 6, 1), REIWA, 3),
    ],
)
def test_era_of(d: date, era: Era, year: int) -> None:
    assert era_of(d) == (era, year)


def test_era_of_an_aware_datetime_counts_in_tokyo() -> None:
    # 15:00 UTC on 30 April 2019 is midnight on 1 May in Tokyo: 令和.
    assert era_of(datetime(2019, 4, 30, 15, 0, tzinfo=UTC)) == (REIWA, 1)
    assert era_of(datetime(2019, 4, 30, 14, 59, tzinfo=UTC)) == (HEISEI, 31)
    with pytest.raises(ValueError, match="naive"):
        era_of(datetime(2019, 5, 1))  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize("d", [date(1989, 1, 7), date(1900, 1, 1)])
def test_era_of_before_heisei_is_an_error(d: date) -> None:
    with pytest.raises(ValueError, match="平成"):
        era_of(d)


@pytest.mark.parametrize(
    ("d", "label"),
    [
        (date(1989, 1, 8), "平成元年"),
        (date(1990, 1, 1), "平成2年"),
        (date(2019, 4, 30), "平成31年"),
        (date(2019, 5, 1), "令和元年"),
        (date(2020, 1, 1), "令和2年"),
        (date(2021, 4, 1), "令和3年"),
    ],
)
def test_era_year_label(d: date, label: str) -> None:
    assert era_year_label(d) == label


@pytest.mark.parametrize(
    ("d", "label"),
    [
        (date(2018, 1, 15), "平成30年1月"),
        (date(2019, 4, 30), "平成31年4月"),
        (date(2019, 5, 1), "令和元年5月"),
        (date(2019, 12, 1), "令和元年12月"),
        (date(2021, 11, 3), "令和3年11月"),
        (date(1989, 1, 8), "平成元年1月"),
    ],
)
def test_japanese_month_label(d: date, label: str) -> None:
    assert japanese_month_label(d) == label


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (1989, "平成元年度"),
        (1990, "平成2年度"),
        (2017, "平成29年度"),
        (2018, "平成30年度"),
        # FY2019 began on 2019-04-01 under 平成31 but is officially 令和元年度.
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2021, "令和3年度"),
        (2030, "令和12年度"),
    ],
)
def test_fiscal_year_label(fy: int, label: str) -> None:
    assert fiscal_year_label(fy) == label


def test_fiscal_year_label_before_heisei_is_an_error() -> None:
    # FY1988 is 昭和63年度, an era this module does not know.
    with pytest.raises(ValueError, match="before 平成"):
        fiscal_year_label(1988)


@pytest.mark.parametrize(("fy", "label"), [(2019, "FY2019"), (2021, "FY2021")])
def test_fiscal_year_label_en(fy: int, label: str) -> None:
    assert fiscal_year_label_en(fy) == label
