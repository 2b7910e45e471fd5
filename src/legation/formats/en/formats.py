"""One date style in the English interface: 6 Dec 2026 (day, short month, year) in every text.

Form values are not affected: date boxes always carry ISO dates (web/forms.py DateInput)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
