# « 1 déc. 2026 », « 1 déc. 2026, 15:10 CET » : jamais 01/12/2026, et toujours le fuseau horaire.
DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j N Y, H:i T"
SHORT_DATETIME_FORMAT = "j N Y, H:i T"
