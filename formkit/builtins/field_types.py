"""The built-in field types, contributed through the same hook a plugin would use."""

from formkit import hookimpl
from formkit.fields.choice import Choice, MultiChoice, YesNo
from formkit.fields.date import Date
from formkit.fields.info import Info
from formkit.fields.number import Currency, Decimal, Integer
from formkit.fields.scale import Matrix, Scale
from formkit.fields.table import Table
from formkit.fields.text import LongText, ShortText


@hookimpl
def formkit_field_types():
    return [ShortText, LongText, Integer, Decimal, Currency, Date, YesNo, Choice, MultiChoice,
            Scale, Matrix, Table, Info]
