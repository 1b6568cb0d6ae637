# "1 dic. 2026", "1 dic. 2026, 15:10 CET": nunca 01/12/2026, y siempre con la zona horaria.
DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j N Y, H:i T"
SHORT_DATETIME_FORMAT = "j N Y, H:i T"
