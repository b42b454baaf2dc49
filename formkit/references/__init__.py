"""Response references people read aloud and type (``MBR-7K3Q-2H``).

A response's id stays its internal key (it names a storage segment); its *reference* is
a short code made when the record is created: a three-letter form prefix and six random
characters from an alphabet without look-alikes (no 0/O, 1/I/L). Stores keep it on the
record and find a record by it; people may type it in any case, with or without dashes.
"""

from __future__ import annotations

import re
import secrets

#: no 0/O, 1/I/L: a code read over the phone or copied from paper is not misread.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: random characters after the prefix, shown in groups of four and two.
RANDOM_LENGTH = 6
PREFIX_LENGTH = 3
_PREFIX = re.compile(r"[A-Z]{3}")
_VOWELS = set("AEIOUY")


def derive_prefix(form_id: str) -> str:
    """The form's default prefix: its first letter and the consonants after it, without
    repeats (``membership`` → ``MBR``, ``workplan`` → ``WRK``), padded with ``X``."""
    letters = [c for c in form_id.upper() if "A" <= c <= "Z"]
    prefix = letters[:1]
    for letter in letters[1:]:
        if len(prefix) == PREFIX_LENGTH:
            break
        if letter not in _VOWELS and letter not in prefix:
            prefix.append(letter)
    return "".join(prefix).ljust(PREFIX_LENGTH, "X")


def valid_prefix(text: object) -> bool:
    """Whether ``text`` can be a declared ``reference_prefix`` (three capital letters)."""
    return isinstance(text, str) and bool(_PREFIX.fullmatch(text))


def new_reference(prefix: str) -> str:
    """A fresh reference of ``prefix``; the store retries on the rare collision."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def normalise(text: str | None) -> str | None:
    """The reference a person typed, as stored (``mbr7k3q 2h`` → ``MBR-7K3Q-2H``), or
    ``None`` when it cannot be one (then it may still be an old id)."""
    compact = re.sub(r"[\s\-_.]", "", (text or "")).upper()
    if len(compact) != PREFIX_LENGTH + RANDOM_LENGTH or not compact[:3].isalpha():
        return None
    code = compact[PREFIX_LENGTH:]
    if not all(c in ALPHABET for c in code) or not compact[:3].isascii():
        return None
    return f"{compact[:3]}-{code[:4]}-{code[4:]}"

