"""Text typed by signers (names, organisation names, messages) never becomes a link in an email we send.

Our emails carry our own links (confirm, manage, dashboard); an address written into a free-text field would
otherwise arrive from us looking just as trustworthy, and mail clients make links of anything that looks like a URL
or a domain, in the HTML and the plain-text part alike. So such text is "defanged" the way security reports write
hostile addresses: http:// becomes hxxp://, other schemes lose their "://", and the dots of anything that looks
like a host name become "[.]" (evil.example.org → evil[.]example[.]org). Templates apply it with |defang
(letters.templatetags.email_tags) to every value a signer or a directory record supplied.
"""

import re

_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{0,30}):[/\\]+", re.IGNORECASE)
_DOT = "[.\u3002\uff0e\uff61]"  # browsers read the ideographic and full-width full stops as dots in host names
# A host name: labels of letters, digits and hyphens (any script, for IDNs) joined by dots, ending in a label of
# two or more letters; or an IPv4 address. "e.V." or "U.S.A." stay as they are (their last part is one letter).
_HOST = re.compile(
    rf"(?<![\w.-])(?:(?:[^\W_](?:[\w-]{{0,61}}[^\W_])?{_DOT})+[^\W\d_]{{2,63}}|\d{{1,3}}(?:{_DOT}\d{{1,3}}){{3}})(?![\w-])"
)


def defang(value):
    """`value` with nothing a mail client would turn into a link (str in, str out; None/"" unchanged)."""
    if not value:
        return value
    text = str(value)
    text = _SCHEME.sub(_scheme, text)
    return _HOST.sub(lambda match: re.sub(_DOT, "[.]", match.group(0)), text)


def _scheme(match):
    scheme = match.group(1).lower()
    if scheme in ("http", "https"):
        return f"hxx{scheme[3:]}://"  # hxxp://, hxxps://
    return f"{scheme}[:]//"
