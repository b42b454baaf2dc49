"""The HTML ``autocomplete`` attribute's tokens (WHATWG HTML, "Autofill"), so a schema's
``autocomplete:`` is checked when the form loads (WCAG 2.1 1.3.5, identify input purpose).

Written here because no well-kept Python library carries the list; it is the standard's
fixed table, short, and changes rarely.
"""

from __future__ import annotations

#: field names any input may carry.
FIELD_NAMES = frozenset("""
name honorific-prefix given-name additional-name family-name honorific-suffix nickname
username new-password current-password one-time-code organization-title organization
street-address address-line1 address-line2 address-line3 address-level4 address-level3
address-level2 address-level1 country country-name postal-code cc-name cc-given-name
cc-additional-name cc-family-name cc-number cc-exp cc-exp-month cc-exp-year cc-csc cc-type
transaction-currency transaction-amount language bday bday-day bday-month bday-year sex url
photo webauthn
""".split())
#: contact field names, which may follow home, work, mobile, fax or pager.
CONTACT_NAMES = frozenset("""
tel tel-country-code tel-national tel-area-code tel-local tel-local-prefix
tel-local-suffix tel-extension email impp
""".split())
CONTACT_KINDS = frozenset({"home", "work", "mobile", "fax", "pager"})
ADDRESS_KINDS = frozenset({"shipping", "billing"})


def autofill_problem(value: object) -> str | None:
    """Why ``value`` is not a valid ``autocomplete`` attribute, or ``None`` when it is:
    ``[section-*] [shipping|billing] [home|work|mobile|fax|pager] field-name``, or
    ``on`` / ``off``."""
    if isinstance(value, bool):  # YAML reads a bare on/off as true/false
        return 'autocomplete: write "on" or "off" in quotes'
    if not isinstance(value, str) or not value.strip():
        return "autocomplete must be a token such as name, email, tel or postal-code"
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return None
    *modifiers, last = tokens
    if last not in FIELD_NAMES | CONTACT_NAMES:
        return f"unknown autocomplete token {last!r}"
    if modifiers and modifiers[0].startswith("section-"):
        modifiers = modifiers[1:]
    if modifiers and modifiers[0] in ADDRESS_KINDS:
        modifiers = modifiers[1:]
    if modifiers and modifiers[0] in CONTACT_KINDS and last in CONTACT_NAMES:
        modifiers = modifiers[1:]
    if modifiers:
        return f"autocomplete {value!r}: {modifiers[0]!r} cannot come before {last!r}"
    return None
