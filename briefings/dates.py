"""Dates for the importer: when an original appeared, as feeds, pages and aggregator captures say it.

Feeds and pages write dates (RFC 822, ISO 8601 / RFC 3339); `parse_published` reads them as
written and keeps their offset. A date without a time stays a date, and so does a time whose zone
is unknown (no offset, or a zone name that names no single offset): its day is what the
source said, its moment is not. What cannot be read is None: never a day-month swap, never a guess.

Aggregator captures write times relative to the moment they were captured ("3 days ago", "3日前",
"vor 3 Tagen") and dates without a year ("Jul 10", "7月10日"). `read_when` resolves them against
the capture time, in the capture's timezone, only as precisely as the words allow: minutes and
hours give a moment, days give a day, and weeks, months and years give a day with a note asking
the curator to check it. A date without a year takes the capture's year only when that does not
put it after the capture; otherwise it is left out, with a note.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from briefings.model import Stamp

SECONDS, MINUTES, HOURS, DAYS, WEEKS, MONTHS, YEARS = (
    "seconds", "minutes", "hours", "days", "weeks", "months", "years",
)  # fmt: skip
CHECK = "check `published:`"
NO_DATE = "no date: add `published:`"


@dataclass(frozen=True, slots=True)
class Dated:
    """When an original appeared, as a capture says it: a stamp (None when it cannot be known)
    and a note for the curator when the stamp is rough or missing."""

    stamp: Stamp | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Language:
    """How one language writes "N units ago", its unit words, number words and day words."""

    ago: str  # a regular expression with {n} and {unit} where the number and the unit go
    units: dict[str, str]
    numbers: dict[str, int]
    words: dict[str, tuple[str, int]]


_CJK_NUMERALS = dict(zip("一二两兩三四五六七八九", (1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))

_LANGUAGES = (
    _Language(  # English: "3 days ago", "an hour ago", "5 mins ago", "2h ago"
        r"{n}\s*{unit}s?\.?\s+ago",
        {"second": SECONDS, "sec": SECONDS, "s": SECONDS, "minute": MINUTES, "min": MINUTES, "m": MINUTES,
         "hour": HOURS, "hr": HOURS, "h": HOURS, "day": DAYS, "d": DAYS, "week": WEEKS, "wk": WEEKS,
         "w": WEEKS, "month": MONTHS, "mo": MONTHS, "year": YEARS, "yr": YEARS, "y": YEARS},
        {"a": 1, "an": 1, "one": 1},
        {"yesterday": (DAYS, 1), "today": (DAYS, 0), "just now": (SECONDS, 0), "last week": (WEEKS, 1),
         "last month": (MONTHS, 1)},
    ),
    _Language(  # Japanese and Chinese: "3日前", "12時間前", "3天前", "5分钟前", "三天前"
        r"{n}\s*{unit}(?:以)?前",
        {"秒": SECONDS, "秒钟": SECONDS, "秒鐘": SECONDS, "分": MINUTES, "分間": MINUTES, "分钟": MINUTES,
         "分鐘": MINUTES, "時間": HOURS, "小时": HOURS, "小時": HOURS, "个小时": HOURS, "個小時": HOURS,
         "钟头": HOURS, "鐘頭": HOURS, "日": DAYS, "天": DAYS, "週間": WEEKS, "周": WEEKS, "週": WEEKS,
         "星期": WEEKS, "个星期": WEEKS, "個星期": WEEKS, "ヶ月": MONTHS, "か月": MONTHS, "カ月": MONTHS,
         "ケ月": MONTHS, "ヵ月": MONTHS, "个月": MONTHS, "個月": MONTHS, "月": MONTHS, "年": YEARS},
        {},
        {"昨日": (DAYS, 1), "一昨日": (DAYS, 2), "おととい": (DAYS, 2), "今日": (DAYS, 0),
         "たった今": (SECONDS, 0), "先週": (WEEKS, 1), "先月": (MONTHS, 1), "昨天": (DAYS, 1),
         "前天": (DAYS, 2), "今天": (DAYS, 0),
         "刚刚": (SECONDS, 0), "剛剛": (SECONDS, 0), "刚才": (SECONDS, 0), "剛才": (SECONDS, 0),
         "上周": (WEEKS, 1), "上週": (WEEKS, 1), "上个月": (MONTHS, 1), "上個月": (MONTHS, 1)},
    ),
    _Language(  # Korean: "3일 전", "12시간 전", "한 달 전"
        r"{n}\s*{unit}\s*전",
        {"초": SECONDS, "분": MINUTES, "시간": HOURS, "일": DAYS, "주": WEEKS, "주일": WEEKS, "개월": MONTHS,
         "달": MONTHS, "년": YEARS},
        {"한": 1, "두": 2, "세": 3},
        {"어제": (DAYS, 1), "그저께": (DAYS, 2), "그제": (DAYS, 2), "오늘": (DAYS, 0), "방금": (SECONDS, 0),
         "지난주": (WEEKS, 1), "지난달": (MONTHS, 1)},
    ),
    _Language(  # German: "vor 3 Tagen", "vor einer Stunde", "vor 5 Min."
        r"vor\s+{n}\s*{unit}\.?",
        {"sekunde": SECONDS, "sekunden": SECONDS, "sek": SECONDS, "minute": MINUTES, "minuten": MINUTES,
         "min": MINUTES, "stunde": HOURS, "stunden": HOURS, "std": HOURS, "tag": DAYS, "tagen": DAYS,
         "woche": WEEKS, "wochen": WEEKS, "monat": MONTHS, "monaten": MONTHS, "jahr": YEARS, "jahren": YEARS},
        {"einer": 1, "einem": 1, "zwei": 2, "drei": 3},
        {"gestern": (DAYS, 1), "vorgestern": (DAYS, 2), "letzte woche": (WEEKS, 1)},
    ),
    _Language(  # French: "il y a 3 jours", "il y a une heure"
        r"il\s+y\s+a\s+{n}\s*{unit}\.?",
        {"seconde": SECONDS, "secondes": SECONDS, "s": SECONDS, "minute": MINUTES, "minutes": MINUTES,
         "min": MINUTES, "heure": HOURS, "heures": HOURS, "h": HOURS, "jour": DAYS, "jours": DAYS, "j": DAYS,
         "semaine": WEEKS, "semaines": WEEKS, "mois": MONTHS, "an": YEARS, "ans": YEARS, "année": YEARS,
         "années": YEARS},
        {"un": 1, "une": 1, "deux": 2, "trois": 3},
        {"hier": (DAYS, 1), "avant-hier": (DAYS, 2), "à l'instant": (SECONDS, 0)},
    ),
    _Language(  # Spanish: "hace 3 días", "hace una hora"
        r"hace\s+{n}\s*{unit}\.?",
        {"segundo": SECONDS, "segundos": SECONDS, "s": SECONDS, "minuto": MINUTES, "minutos": MINUTES,
         "min": MINUTES, "hora": HOURS, "horas": HOURS, "h": HOURS, "día": DAYS, "días": DAYS, "dia": DAYS,
         "dias": DAYS, "d": DAYS, "semana": WEEKS, "semanas": WEEKS, "mes": MONTHS, "meses": MONTHS,
         "año": YEARS, "años": YEARS},
        {"un": 1, "una": 1, "dos": 2, "tres": 3},
        {"ayer": (DAYS, 1), "anteayer": (DAYS, 2)},
    ),
    _Language(  # Portuguese: "há 3 dias"
        r"há\s+{n}\s*{unit}",
        {"segundo": SECONDS, "segundos": SECONDS, "minuto": MINUTES, "minutos": MINUTES, "hora": HOURS,
         "horas": HOURS, "dia": DAYS, "dias": DAYS, "semana": WEEKS, "semanas": WEEKS, "mês": MONTHS,
         "meses": MONTHS, "ano": YEARS, "anos": YEARS},
        {"um": 1, "uma": 1},
        {"ontem": (DAYS, 1), "anteontem": (DAYS, 2)},
    ),
    _Language(  # Italian: "3 giorni fa"
        r"{n}\s*{unit}\s+fa",
        {"secondo": SECONDS, "secondi": SECONDS, "minuto": MINUTES, "minuti": MINUTES, "ora": HOURS,
         "ore": HOURS, "giorno": DAYS, "giorni": DAYS, "settimana": WEEKS, "settimane": WEEKS,
         "mese": MONTHS, "mesi": MONTHS, "anno": YEARS, "anni": YEARS},
        {"un": 1, "uno": 1, "una": 1, "un'": 1},
        {"ieri": (DAYS, 1), "l'altro ieri": (DAYS, 2)},
    ),
    _Language(  # Dutch: "3 dagen geleden"
        r"{n}\s*{unit}\s+geleden",
        {"seconde": SECONDS, "seconden": SECONDS, "minuut": MINUTES, "minuten": MINUTES, "uur": HOURS,
         "dag": DAYS, "dagen": DAYS, "week": WEEKS, "weken": WEEKS, "maand": MONTHS, "maanden": MONTHS,
         "jaar": YEARS, "jaren": YEARS},
        {"een": 1},
        {"gisteren": (DAYS, 1), "eergisteren": (DAYS, 2)},
    ),
    _Language(  # Czech: "před 3 dny", "před hodinou", "před 5 minutami"
        r"před\s+(?:{n}\s*)?{unit}",
        {"sekundou": SECONDS, "sekundami": SECONDS, "minutou": MINUTES, "minutami": MINUTES,
         "hodinou": HOURS, "hodinami": HOURS, "dnem": DAYS, "dny": DAYS, "týdnem": WEEKS, "týdny": WEEKS,
         "měsícem": MONTHS, "měsíci": MONTHS, "rokem": YEARS, "lety": YEARS, "roky": YEARS},
        {"jednou": 1, "jedním": 1},
        {"včera": (DAYS, 1), "předevčírem": (DAYS, 2)},
    ),
    _Language(  # Russian: "3 дня назад", "час назад"
        r"(?:{n}\s*)?{unit}\s+назад",
        {"секунду": SECONDS, "секунды": SECONDS, "секунд": SECONDS, "минуту": MINUTES, "минуты": MINUTES,
         "минут": MINUTES, "час": HOURS, "часа": HOURS, "часов": HOURS, "день": DAYS, "дня": DAYS,
         "дней": DAYS, "неделю": WEEKS, "недели": WEEKS, "недель": WEEKS, "месяц": MONTHS,
         "месяца": MONTHS, "месяцев": MONTHS, "год": YEARS, "года": YEARS, "лет": YEARS},
        {"одну": 1, "один": 1},
        {"вчера": (DAYS, 1), "позавчера": (DAYS, 2)},
    ),
)  # fmt: skip


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _relative_pattern(language: _Language) -> re.Pattern[str]:
    numbers = [r"\d+", "[一二两兩三四五六七八九十半]+"] if language is _LANGUAGES[1] else [r"\d+"]
    number = "|".join(numbers + ([_alternatives(language.numbers)] if language.numbers else []))
    ago = language.ago.replace("{n}", f"(?P<n>{number})").replace(
        "{unit}", f"(?P<unit>{_alternatives(language.units)})"
    )
    return re.compile(rf"(?:{ago}|(?P<word>{_alternatives(language.words)}))", re.IGNORECASE)


_RELATIVE = tuple((language, _relative_pattern(language)) for language in _LANGUAGES)

_MONTH_NAMES = {
    1: "jan january janv janvier jänner januar ene enero",
    2: "feb february févr février februar febrero",
    3: "mar march mars märz marzo",
    4: "apr april avr avril abr abril",
    5: "may mai mayo",
    6: "jun june juin juni junio",
    7: "jul july juil juillet juli julio",
    8: "aug august août agosto",
    9: "sep sept september septembre septiembre setiembre",
    10: "oct october octobre okt oktober octubre",
    11: "nov november novembre noviembre",
    12: "dec december déc décembre dez dezember dic diciembre",
}
MONTH_NUMBERS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = _alternatives(MONTH_NUMBERS)
_ABSOLUTE = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "Jul 10", "July 10th, 2025"
        rf"(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?",
        # "10 Jul 2025", "10. Juli 2025", "10 juillet", "10 de julio de 2025"
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?P<m>{_MONTH})\.?(?:,?\s+(?:de\s+)?(?P<y>\d{{4}}))?",
        # "2025-07-10", "2025/07/10", "2025.07.10", "2025. 7. 10."
        r"(?P<y>\d{4})(?P<sep>[-/.])\s*(?P<m>\d{1,2})(?P=sep)\s*(?P<d>\d{1,2})\.?",
        # "2025年7月10日", "7月10日", "7月10号"
        r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]",
        # "2025년 7월 10일", "7월 10일"
        r"(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일",
    )
)
_AT_END = tuple(
    re.compile(rf"(?:{p.pattern})\s*\Z", re.IGNORECASE) for p in (*(p for _, p in _RELATIVE), *_ABSOLUTE)
)


def _normal(text: str) -> str:
    """Full-width digits and spaces folded, so "３日前" reads like "3日前"."""
    return unicodedata.normalize("NFKC", text).strip()


def read_when(text: str, captured: dt.datetime) -> Dated | None:
    """What a whole relative time ("3 days ago", "昨日") or date ("Jul 10") says; None if it is none."""
    text = " ".join(_normal(text).split())
    for language, pattern in _RELATIVE:
        match = pattern.fullmatch(text)
        if match:
            return _relative(language, match, captured)
    for pattern in _ABSOLUTE:
        match = pattern.fullmatch(text)
        if match:
            return _absolute(match, captured)
    return None


def when_at_end(line: str) -> int | None:
    """Where the relative time or date that ends `line` starts ("Japan Times3 days ago": 11), or None."""
    starts = [match.start() for pattern in _AT_END if (match := pattern.search(line))]
    return min(starts, default=None)


def relative_stamp(text: str, captured: dt.datetime) -> Stamp | None:
    """The stamp a whole relative time or date names, resolved against `captured`; else None."""
    dated = read_when(text, captured)
    return dated.stamp if dated else None


def _relative(language: _Language, match: re.Match[str], captured: dt.datetime) -> Dated:
    word = match.group("word")
    count: float
    if word:
        unit, count = language.words[word.lower()]
    else:
        unit = language.units[match.group("unit").lower()]
        count = _count(match.group("n"), language)
    return _before(captured, unit, count)


def _count(text: str | None, language: _Language) -> float:
    """The number before a unit: digits, a word ("an", "einer"), Chinese numerals; none is one."""
    if text is None:
        return 1
    if text.isdigit():
        return int(text)
    if text.lower() in language.numbers:
        return language.numbers[text.lower()]
    if text == "半":
        return 0.5
    tens, _, ones = text.partition("十")
    if "十" in text:
        return _CJK_NUMERALS.get(tens, 1) * 10 + _CJK_NUMERALS.get(ones, 0)
    return _CJK_NUMERALS.get(text, 0)


def _before(captured: dt.datetime, unit: str, count: float) -> Dated:
    """`count` units before the capture, as precisely as the unit allows."""
    if unit in (SECONDS, MINUTES, HOURS):
        moment = captured.astimezone(dt.UTC) - dt.timedelta(**{unit: count})
        return Dated(Stamp(moment.astimezone(captured.tzinfo).replace(microsecond=0), False))
    if unit == DAYS:
        return Dated(_day(captured - dt.timedelta(days=count)))
    if unit == WEEKS:
        day = captured - dt.timedelta(weeks=count)
    else:
        day = _months_before(captured, count * (12 if unit == YEARS else 1))
    shown = int(count) if count == int(count) else count
    singular = unit[:-1]
    amount = f"{shown} {unit}" if shown != 1 else f"a {singular}"
    return Dated(_day(day), f"published about {amount} before the capture: {CHECK}")


def _months_before(moment: dt.datetime, months: float) -> dt.datetime:
    index = moment.year * 12 + moment.month - 1 - int(months)
    year, month = divmod(index, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def _day(moment: dt.datetime) -> Stamp:
    return Stamp(dt.datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo), True)


def _absolute(match: re.Match[str], captured: dt.datetime) -> Dated | None:
    month_text = match.group("m")
    month = int(month_text) if month_text.isdigit() else MONTH_NUMBERS[month_text.lower()]
    year_text = match.group("y")
    year = int(year_text) if year_text else captured.year
    try:
        found = dt.datetime(year, month, int(match.group("d")), tzinfo=captured.tzinfo)
    except ValueError:
        return None
    if not year_text and found.date() > captured.date():
        # Last year's, most likely, but a capture that names no year does not say so.
        return Dated(None, f'{NO_DATE} ("{match.group(0)}" names no year and would fall after the capture)')
    return Dated(Stamp(found, True))


# Dates as feeds and pages write them.

_ZONES = {
    # RFC 822's own names, and the common ones that name a single offset.
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "wet": 0, "west": 60, "cet": 60, "cest": 120,
    "met": 60, "mest": 120, "eet": 120, "eest": 180, "msk": 180, "jst": 540, "kst": 540, "hkt": 480,
    "sgt": 480, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
}  # fmt: skip
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
_OFFSET = r"(?P<sign>[+-])(?P<oh>\d{1,2}):?(?P<om>\d{2})?"
_ZONE = rf"(?:(?:gmt|utc)?{_OFFSET}|(?P<name>[a-z]{{1,5}}))"
_ISO = re.compile(
    rf"(?P<y>\d{{4}})(?P<sep>[-/])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?:(?:t|\s+){_TIME}\s*{_ZONE}?)?",
    re.I,
)
_WRITTEN = (
    # RFC 822 and its variants: "Fri, 10 Jan 2020 10:00:00 +0900", "10 Jan 2020", "Fri, 10 Jan 20 10:00 GMT"
    re.compile(
        rf"(?:[^\W\d]{{2,12}}\.?,?\s*)?(?P<d>\d{{1,2}})\.?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}}|\d{{2}})"
        rf"(?:,?\s+{_TIME}\s*{_ZONE}?)?",
        re.I,
    ),
    # Month first: "Jan 10, 2020", "Friday, January 10, 2020 10:00 EST"
    re.compile(
        rf"(?:[^\W\d]{{2,12}},?\s+)?(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"
        rf"(?:,?\s+(?:at\s+)?{_TIME}\s*{_ZONE}?)?",
        re.I,
    ),
)
_COMMENT = re.compile(r"\s*(?:\([^)]*\))?\s*$")


def parse_published(text: str | None) -> Stamp | None:
    """A date as feeds and pages write it (ISO 8601, RFC 3339, RFC 822), its offset kept; else None."""
    if not text or not text.strip():
        return None
    value = " ".join(_normal(text).split())
    for pattern in (_ISO, *_WRITTEN):
        match = pattern.match(value)
        if match and _COMMENT.fullmatch(value, match.end()):
            return _stamp(match)
    return None


def _stamp(match: re.Match[str]) -> Stamp | None:
    groups = match.groupdict()
    month = int(groups["m"]) if groups["m"].isdigit() else MONTH_NUMBERS[groups["m"].lower()]
    year = int(groups["y"])
    if len(groups["y"]) == 2:
        year += 2000 if year < 50 else 1900  # RFC 2822's reading of two-digit years
    try:
        day = dt.date(year, month, int(groups["d"]))
        zone = _zone(groups)
        if groups["H"] is None or zone is None:
            return Stamp(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), True)
        clock = dt.time(int(groups["H"]), int(groups["M"]), int(groups["S"] or 0))
    except ValueError:
        return None
    return Stamp(dt.datetime.combine(day, clock, tzinfo=zone), False)


def _zone(groups: dict[str, str | None]) -> dt.tzinfo | None:
    """The offset a date was written with; None when it names none ("IST" is three), or none is written."""
    if groups.get("sign"):
        hours, minutes = int(groups["oh"] or 0), int(groups["om"] or 0)
        if hours > 23 or minutes > 59:
            return None
        offset = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-offset if groups["sign"] == "-" else offset)
    name = (groups.get("name") or "").lower()
    if name in _ZONES:
        return dt.UTC if _ZONES[name] == 0 else dt.timezone(dt.timedelta(minutes=_ZONES[name]))
    return None


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_captured(text: str, tz: dt.tzinfo) -> dt.datetime:
    """`--captured`: an ISO date or date and time; without an offset it is site time. ValueError else."""
    value = _normal(text)
    if ISO_DATE.match(value):
        day = dt.date.fromisoformat(value)
        return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
