"""Build hook: the interface catalog ships compiled inside the package.

Translators edit ``locales/<lang>/LC_MESSAGES/messages.po`` at the top of the repository
(the one source of truth); building a wheel compiles each into
``formkit/locales/<lang>/LC_MESSAGES/messages.mo`` of the built package, so formkit
installed from a wheel speaks French with no compile step. Everything else about the
build is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class build_py_with_catalog(build_py):  # noqa: N801 - setuptools names commands this way
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the top-level locales/
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(HERE.glob("locales/*/LC_MESSAGES/messages.po")):
            language = po.parent.parent.name
            target = Path(self.build_lib, "formkit", "locales", language, "LC_MESSAGES",
                          "messages.mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=language)
            with target.open("wb") as compiled:
                write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does


setup(cmdclass={"build_py": build_py_with_catalog})
