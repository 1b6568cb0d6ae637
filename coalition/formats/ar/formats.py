# "1 ديسمبر 2026، 15:10 CET": the month by name (never 12/01/2026), the time zone always shown.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i T"
SHORT_DATETIME_FORMAT = "j F Y، H:i T"
