"""Dates for the importer: relative times ("3 days ago", "3日前", "3天前") and the dates pages and
feeds write, turned into Stamps.

A relative time is resolved against the capture time, in the capture's timezone, and kept as a
whole day: aggregators round their "12 hours ago", so the day is all that can be trusted. Dates
taken from pages and feeds keep the offset they were written with; a date without a time stays
a date, and a time without an offset becomes a date too (its zone is unknown, and empty beats
wrong).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import unicodedata

from briefings.model import Stamp

_UNITS = {
    "second": "seconds", "sec": "seconds", "s": "seconds",
    "minute": "minutes", "min": "minutes", "m": "minutes",
    "hour": "hours", "hr": "hours", "h": "hours",
    "day": "days", "d": "days",
    "week": "weeks", "wk": "weeks", "w": "weeks",
    "month": "months", "mo": "months",
    "year": "years", "yr": "years", "y": "years",
    "秒": "seconds", "分": "minutes", "分钟": "minutes", "分鐘": "minutes",
    "時間": "hours", "小时": "hours", "小時": "hours", "钟头": "hours", "鐘頭": "hours",
    "日": "days", "天": "days", "週間": "weeks", "周": "weeks", "週": "weeks", "星期": "weeks",
    "个星期": "weeks", "個星期": "weeks", "ヶ月": "months", "か月": "months", "カ月": "months",
    "ケ月": "months", "个月": "months", "個月": "months", "月": "months", "年": "years",
}  # fmt: skip
_WORDS = {
    "yesterday": 1, "today": 0, "just now": 0, "now": 0, "last week": 7,
    "昨日": 1, "一昨日": 2, "おととい": 2, "今日": 0, "たった今": 0, "先週": 7,
    "昨天": 1, "前天": 2, "今天": 0, "刚刚": 0, "剛剛": 0, "刚才": 0, "剛才": 0, "上周": 7, "上週": 7,
}  # fmt: skip
_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_UNITS = "|".join(sorted((u for u in _UNITS if u.isascii()), key=len, reverse=True))
_CJK_UNITS = "|".join(sorted((u for u in _UNITS if not u.isascii()), key=len, reverse=True))
_EN_AGO = rf"(?P<n>\d+|an?|one)\s*(?P<unit>{_EN_UNITS})s?\.?\s+ago"
_CJK_AGO = rf"(?P<cn>\d+|[一二两兩三四五六七八九十半]+)\s*(?P<cunit>{_CJK_UNITS})(?:以)?前"
_WORD = "|".join(sorted(_WORDS, key=len, reverse=True))
RELATIVE = re.compile(rf"(?:{_EN_AGO}|{_CJK_AGO}|(?P<word>{_WORD}))", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
ABSOLUTE = re.compile(
    rf"(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\.?(?:,?\s+(?P<y2>\d{{4}}))?"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    r"|(?:(?P<y4>\d{4})\s*年\s*)?(?P<m4>\d{1,2})\s*月\s*(?P<d4>\d{1,2})\s*[日号號])",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    """Full-width digits and spaces folded, so "３日前" reads like "3日前"."""
    return unicodedata.normalize("NFKC", text).strip()


def relative_stamp(text: str, captured: dt.datetime) -> Stamp | None:
    """The day a whole relative time ("3 days ago", "昨日") or date ("Jul 10") names, else None."""
    text = _normal(text)
    match = RELATIVE.fullmatch(text)
    if match:
        return _day(_ago(match, captured))
    match = ABSOLUTE.fullmatch(text)
    return _absolute(match, captured) if match else None


def _ago(match: re.Match[str], captured: dt.datetime) -> dt.datetime:
    if match.group("word"):
        return captured - dt.timedelta(days=_WORDS[match.group("word").lower()])
    if match.group("n"):
        count = _count(match.group("n").lower())
        unit = _UNITS[match.group("unit").lower()]
    else:
        count = _count(match.group("cn"))
        unit = _UNITS[match.group("cunit")]
    if unit == "months":
        return _months_before(captured, count)
    if unit == "years":
        return _months_before(captured, 12 * count)
    return captured - dt.timedelta(**{unit: count})


def _count(word: str) -> float:
    if word.isdigit():
        return int(word)
    if word in ("a", "an", "one"):
        return 1
    if word == "半":
        return 0.5
    tens, _, ones = word.partition("十")
    if "十" in word:
        return _NUMERALS.get(tens, 1) * 10 + _NUMERALS.get(ones, 0)
    return _NUMERALS.get(word, 0)


def _months_before(moment: dt.datetime, months: float) -> dt.datetime:
    index = moment.year * 12 + moment.month - 1 - int(months)
    year, month = divmod(index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def _day(moment: dt.datetime) -> Stamp:
    return Stamp(dt.datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo), True)


def _absolute(match: re.Match[str], captured: dt.datetime) -> Stamp | None:
    groups = {k: v for k, v in match.groupdict().items() if v}
    month_text = next(v for k, v in groups.items() if k.startswith("m"))
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    day = int(next(v for k, v in groups.items() if k.startswith("d")))
    year_text = next((v for k, v in groups.items() if k.startswith("y")), None)
    year = int(year_text) if year_text else captured.year
    try:
        found = dt.datetime(year, month, day, tzinfo=captured.tzinfo)
    except ValueError:
        return None
    if not year_text and found.date() > captured.date():
        # A date without a year that would lie in the future was written last year.
        found = found.replace(year=year - 1)
    return Stamp(found, True)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_published(text: str | None) -> Stamp | None:
    """A date as pages and feeds write it (ISO 8601 or RFC 822), keeping its offset; else None."""
    if not text or not text.strip():
        return None
    value = _normal(text)
    if ISO_DATE.match(value):
        return _iso_day(value)
    moment = _iso_moment(value) or _rfc822_moment(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return Stamp(dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC), True)
    return Stamp(moment, False)


def _iso_day(value: str) -> Stamp | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return Stamp(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), True)


def _iso_moment(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    return moment.replace(microsecond=0)


def _rfc822_moment(value: str) -> dt.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" means the zone is unknown; email.utils then returns a naive time.
    return moment


def parse_captured(text: str, tz: dt.tzinfo) -> dt.datetime:
    """`--captured`: an ISO date or date and time; without an offset it is site time. ValueError else."""
    value = _normal(text)
    if ISO_DATE.match(value):
        day = dt.date.fromisoformat(value)
        return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
