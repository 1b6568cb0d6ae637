# One unambiguous format (no 12/01/2026): "1 Dec 2026", "1 Dec 2026, 15:10 CET" (the time zone is always shown).
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
