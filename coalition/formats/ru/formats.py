# "1 декабря 2026", "1 декабря 2026, 15:10 CET": the month in the genitive (E), the time zone always shown.
DATE_FORMAT = "j E Y"
SHORT_DATE_FORMAT = "j E Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y, H:i T"
SHORT_DATETIME_FORMAT = "j E Y, H:i T"
