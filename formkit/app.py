"""The application factory."""

from __future__ import annotations

import os
import re
from typing import Any

import jinja2
from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import Rule

from formkit import assets, compression, first_paint, i18n, rendering, security
from formkit.config import load_config
from formkit.fields.base import FieldSettings
from formkit.outbox import email as outbox_email
from formkit.plugins import PluginError, Registry, build_plugin_manager, call_each
from formkit.request import FormkitRequest
from formkit.state import Formkit
from formkit.storage import open_store

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None, *, environment: bool = True) -> Flask:
    """Build an application; ``config`` overrides every other setting (tests use it).

    ``INSTANCE_PATH`` (or ``FORMKIT_INSTANCE_PATH``) sets the instance folder that
    holds the data, the secret key and an optional ``config.py``; default ``./instance``.
    With ``environment=False`` (tests) neither ``FORMKIT_*`` variables nor the instance
    ``config.py`` are read: only the defaults and ``config``.
    """
    config = dict(config or {})
    instance = (config.pop("INSTANCE_PATH", None)
                or (os.environ.get("FORMKIT_INSTANCE_PATH") if environment else None)
                or "instance")
    app = Flask("formkit", instance_path=os.path.abspath(instance),
                instance_relative_config=True)
    app.request_class = FormkitRequest  # malformed bodies are a 400; no control characters
    load_config(app, config, environment=environment)
    compression.init_app(app)  # first: its after_request handler then runs last
    i18n.init_app(app)
    rendering.init_app(app)
    assets.init_app(app)
    first_paint.init_app(app)
    csrf.init_app(app)
    outbox_email.init_app(app)

    pm = build_plugin_manager(app.config["PLUGINS_DIR"], app.config["BLOCKED_PLUGINS"])
    registry = Registry(pm).load(app, strict=app.config["STRICT_LOADING"])
    from formkit.teams import site

    site.init_app(app, registry)  # cycles and public forms, checked against the forms
    settings = FieldSettings(max_text_length=int(app.config["MAX_TEXT_LENGTH"]),
                             max_table_rows=int(app.config["MAX_TABLE_ROWS"]))
    store = open_store(app.config["STORE"], app.instance_path)
    if app.config["CHECK_STORE_SCHEMA"] and hasattr(store, "check_schema"):
        try:
            store.check_schema()  # fail at start, not on the first respondent
        except Exception:
            store.close()
            raise
    if app.config["CHECK_STORE_SCHEMA"]:
        from formkit.storage.accounts import upgrade_accounts

        upgrade_accounts(store)  # accounts from before the all-forms flag, once
    # New responses' references start with their form's declared prefix.
    store.reference_prefixes = {f.id: f.reference_prefix for f in registry.forms.values()}
    app.extensions["formkit"] = Formkit(registry=registry, store=store, settings=settings)
    # Plugins in the plugins directory may keep templates in its templates/ folder.
    plugin_templates = os.path.join(app.config["PLUGINS_DIR"] or "", "templates")
    if os.path.isdir(plugin_templates):
        app.jinja_loader = jinja2.ChoiceLoader(
            [app.jinja_loader, jinja2.FileSystemLoader(plugin_templates)])

    from formkit.views import admin, errors, invite, public, respond

    app.register_blueprint(public.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(invite.bp)
    app.register_blueprint(admin.bp)
    from formkit.teams import views as teams

    app.register_blueprint(teams.bp)
    app.register_blueprint(teams.signin_bp)
    from formkit.rest.views import bp as api_bp

    csrf.exempt(api_bp)  # tokens, not cookies: nothing a cross-site form could forge
    app.register_blueprint(api_bp)
    errors.init_app(app)
    security.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy: the client's address (sign-in limits) and scheme
        # (secure cookies) come from the proxy's X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    core_routes = route_owners(app)
    for plugin, blueprints in call_each(pm, "formkit_blueprints", app=app):
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
        refuse_route_collisions(app, core_routes, plugin)
    return app


#: ``<int:id>`` and ``<name>`` match the same URLs
_VARIABLE = re.compile(r"<[^<>]+>")
_IGNORED_METHODS = {"HEAD", "OPTIONS"}


def route_owners(app: Flask) -> dict[tuple[str, str], Rule]:
    """Each (URL pattern, method) the application answers, with its rule."""
    owners = {}
    for rule in app.url_map.iter_rules():
        for method in (rule.methods or set()) - _IGNORED_METHODS:
            owners.setdefault((_VARIABLE.sub("<>", rule.rule), method), rule)
    return owners


def refuse_route_collisions(app: Flask, core: dict[tuple[str, str], Rule], plugin: str) -> None:
    """Stop start-up when a plugin's route is one the core already answers: Flask would
    keep the core's, and the plugin's page would be silently dead."""
    for rule in app.url_map.iter_rules():
        for method in (rule.methods or set()) - _IGNORED_METHODS:
            theirs = core.get((_VARIABLE.sub("<>", rule.rule), method))
            if theirs is None or theirs.endpoint == rule.endpoint:
                continue
            raise PluginError(
                f"plugin '{plugin}' adds the route {method} {rule.rule} ({rule.endpoint}), "
                f"which formkit already answers with {theirs.rule} ({theirs.endpoint}); "
                f"give the plugin's blueprint its own url_prefix, e.g. '/{plugin}'")
