"""formkit: a plugin-based bilingual survey and form platform."""

import pluggy

__version__ = "0.1.0"

#: Marker for plugin hook implementations: ``@formkit.hookimpl``.
hookimpl = pluggy.HookimplMarker("formkit")


def create_app(config=None):
    """Build a Flask application; see :func:`formkit.app.create_app`."""
    from formkit.app import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app", "hookimpl"]
