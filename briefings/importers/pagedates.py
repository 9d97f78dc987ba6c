"""Import, article pages: when the original appeared, as the page states it.

Machine-readable dates (ISO 8601, RFC 822, epoch milliseconds, "20100812") keep the offset the
page wrote; a date printed for readers ("Aug. 17, 2010", "27 octobre 2012", "2013年10月24日")
gives the day. A date without a year, or a relative one ("3 hours ago"), gives nothing: the
importer never guesses when an article appeared.
"""

from __future__ import annotations

# Month names are spelled as each language writes them, Turkish dotless i included.
# ruff: noqa: RUF001
import datetime as dt
import re
import unicodedata

from briefings.dates import parse_published
from briefings.model import Stamp

_MONTH_NAMES = [
    "january jan janvier janv enero ene januar jän gennaio genn janeiro januari leden ledna stycznia "
    "января январь ocak",
    "february feb février févr fev febrero februar febbraio fevereiro februari únor února lutego "
    "февраля февраль şubat",
    "march mar mars marzo märz mär marz março maart březen března marca марта март mart",
    "april apr avril abril aprile duben dubna kwietnia апреля апрель nisan",
    "may mai mayo maggio maio mei květen května maja мая май mayıs",
    "june jun juin junio juni giugno junho červen června czerwca июня июнь haziran",
    "july jul juillet juil julio juli luglio julho červenec července lipca июля июль temmuz",
    "august aug août aout agosto augustus agustus srpen srpna sierpnia августа август ağustos",
    "september sep sept septembre septiembre settembre setembro září września сентября сентябрь eylül",
    "october oct octobre octubre oktober ott ottobre outubro okt říjen října października октября "
    "октябрь ekim",
    "november nov novembre noviembre novembro listopad listopadu listopada ноября ноябрь kasım",
    "december dec décembre déc diciembre dic dezember dez dicembre dezembro desember prosinec prosince "
    "grudnia декабря декабрь aralık",
]
# Arabic month names, Levantine and Egyptian ("آب/اغسطس" names August twice).
ARABIC_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "كانون الثاني/يناير|كانون الثاني|يناير",
            "شباط/فبراير|شباط|فبراير",
            "آذار/مارس|آذار|مارس",
            "نيسان/أبريل|نيسان/ابريل|نيسان|أبريل|ابريل",
            "أيار/مايو|أيار|مايو",
            "حزيران/يونيو|حزيران|يونيو",
            "تموز/يوليو|تموز|يوليو",
            "آب/أغسطس|آب/اغسطس|أغسطس|اغسطس|آب",
            "أيلول/سبتمبر|أيلول|سبتمبر",
            "تشرين الأول/أكتوبر|تشرين الأول|أكتوبر|اكتوبر",
            "تشرين الثاني/نوفمبر|تشرين الثاني|نوفمبر",
            "كانون الأول/ديسمبر|كانون الأول|ديسمبر",
        ],
        start=1,
    )
    for name in names.split("|")
}
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
PRINTED = [
    # 2013-10-24, 2013/10/24, 2013.10.24, 2013年10月24日, 2013년 10월 24일
    re.compile(
        r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年|년)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月|월)\s*(?P<d>\d{1,2})(?!\d)"
    ),
    # Aug. 17, 2010 / August 18th 2010
    re.compile(
        rf"(?<!\w)(?P<mn>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)", re.I
    ),
    # 27 octobre 2012 / 23. März 2017 / 26 Sep 2011 / 18 de octubre de 2012
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<mn>{_MONTH})\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)",
        re.I,
    ),
    # 28.10.2012, 28/10/2012, 04/19/13, 10/ 5/11
    re.compile(r"(?<!\d)(?P<a>\d{1,2})\s?[./]\s?(?P<b>\d{1,2})\s?[./]\s?(?P<y>(?:19|20)?\d\d)(?![\d./])"),
    # 2025 07/10: a year printed apart from the month and day
    re.compile(r"(?P<y>20\d\d)\s+(?P<m>\d{1,2})\s*[/.-]\s*(?P<d>\d{1,2})(?![\d/.-])"),
]


def read_stamp(text: str | None) -> Stamp | None:
    """A machine-readable date as the page wrote it, offset kept; None when it is not one."""
    if not text or not text.strip():
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{12,13}", value):
        moment = dt.datetime.fromtimestamp(int(value) / (1000 if len(value) == 13 else 1), dt.UTC)
        return Stamp(moment.replace(microsecond=0), False)
    if re.fullmatch(r"(?:19|20)\d{6}", value):
        return parse_published(f"{value[:4]}-{value[4:6]}-{value[6:]}")
    value = re.sub(r"(\.\d{1,6})\d*", r"\1", value)  # more than microseconds
    value = re.sub(r"\s*(?:UTC|GMT|Z)$", "+00:00", value) if re.match(r"\d{4}-", value) else value
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value) if re.match(r"\d{4}-", value) else value
    return parse_published(value)


def printed_day(text: str, month_first: bool = False) -> Stamp | None:
    """The day a date printed for readers names, when it names a year; else None.

    `month_first` reads "04/05/13" as April 5 (American pages) rather than 4 May.
    """
    value = unicodedata.normalize("NFKC", text)
    value = re.sub(r"([A-Z]{2})([A-Z][a-z])", r"\1 \2", value)  # "ETJun 3, 2014": a zone glued to a month
    for name in sorted(ARABIC_MONTHS, key=len, reverse=True):
        value = value.replace(name, " " + _MONTH_NAMES[ARABIC_MONTHS[name] - 1].split()[0] + " ")
    for number, pattern in enumerate(PRINTED):
        for match in pattern.finditer(value):
            day = _day(match.groupdict(), american=number == 3 and month_first and "/" in match.group(0))
            if day is not None:
                return Stamp(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), True)
    return None


def _day(groups: dict[str, str | None], american: bool) -> dt.date | None:
    year = int(groups["y"] or 0)
    year += 2000 if year < 100 else 0
    if groups.get("mn"):
        month, day = MONTHS[(groups["mn"] or "").casefold()], int(groups["d"] or 0)
    elif groups.get("a"):
        first, second = int(groups["a"] or 0), int(groups["b"] or 0)
        month, day = (first, second) if (american and first <= 12) or second > 12 else (second, first)
    else:
        month, day = int(groups["m"] or 0), int(groups["d"] or 0)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|\.html?$|$)")


def url_day(url: str | None) -> Stamp | None:
    """The day a dated address names: /2010/08/13/…"""
    match = URL_DATE.search(url or "")
    if not match:
        return None
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return Stamp(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), True)
