"""The ``formkit`` command: serve, list forms and plugins, check everything."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from formkit import __version__
from formkit.app import create_app
from formkit.authoring_cli import COMMANDS
from formkit.plugins import PluginError, plugin_hooks
from formkit.state import current_registry
from formkit.teams.cli import team_group
from formkit.translating.cli import i18n


def _create_app():
    try:
        return create_app()
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
@click.version_option(__version__, prog_name="formkit")
def main() -> None:
    """formkit: bilingual forms from YAML schemas and plugins."""


#: what `formkit serve` and `formkit forms` say when no form is loaded
NO_FORMS_HINT = """no forms loaded. Add one:
  formkit new-form NAME                  a bilingual YAML form in {forms_dir}
  formkit import-xlsform FILE.xlsx       an XLSForm converted into {forms_dir}
  pip install formkit-PLUGIN             a plugin package (`formkit new-plugin NAME` makes one)
then start formkit again."""


def no_forms_hint(app) -> str | None:
    """How to add a form, when ``app`` has none (an empty list tells a newcomer nothing)."""
    with app.app_context():
        if current_registry().forms:
            return None
        return NO_FORMS_HINT.format(forms_dir=app.config["FORMS_DIR"])


def default_workers() -> int:
    """Two per core plus one (gunicorn's advice), at most eight."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


@main.command(with_appcontext=False)
@click.option("--host", default=lambda: os.environ.get("FORMKIT_HOST", "127.0.0.1"),
              show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("FORMKIT_PORT", "5000")),
              type=int, show_default="5000")
@click.option("--workers", default=lambda: int(os.environ.get("FORMKIT_WORKERS", "0")) or
              default_workers(), type=int, show_default="2 x cores + 1, at most 8")
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@click.option("--no-worker", is_flag=True, help="Do not start the outbox worker here (run "
              "`formkit worker` elsewhere).")
def serve(host: str, port: int, workers: int, dev: bool, no_worker: bool) -> None:
    """Run the web server (gunicorn; --dev for the reloading development server) and the
    outbox worker that sends emails."""
    # fail here, loudly, before any worker starts; gunicorn's master only supervises, so
    # outside --dev it checks the app in a child and never holds one itself
    if dev:
        app = _create_app()
        hint = no_forms_hint(app)
    else:
        app, hint = None, _check_app_starts()
    if hint:
        click.echo(hint, err=True)
    outbox_worker = None
    if not no_worker and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        outbox_worker = _start_outbox_worker()
    try:
        _serve(app, host, port, workers, dev)
    finally:
        if outbox_worker is not None:
            outbox_worker.terminate()
            outbox_worker.wait(30)


def _check_app_starts() -> str | None:
    """Build the application once in a short-lived child process: a broken schema,
    plugin or store stops ``serve`` with its message, and this process (which becomes
    gunicorn's master) keeps none of the app's memory (about 45 MiB). Returns the
    how-to-add-a-form hint when there is no form."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def build() -> None:
        try:
            app = create_app()
            hint = no_forms_hint(app)
            app.extensions["formkit"].store.close()
            sender.send((None, hint))
        except PluginError as exc:
            sender.send((str(exc), None))
        except BaseException as exc:
            sender.send((f"{type(exc).__name__}: {exc}", None))
            raise

    child = context.Process(target=build)
    child.start()
    sender.close()
    try:
        problem, hint = receiver.recv()
    except EOFError:
        problem, hint = "the application could not be built (see above)", None
    child.join()
    if problem is not None:
        raise click.ClickException(problem)
    return hint


def _start_outbox_worker():
    """``formkit worker`` beside the web server, ended with it (and ending itself if the
    server dies without a word)."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "formkit.cli", "worker",
                             "--parent", str(os.getpid())])


def _serve(app, host: str, port: int, workers: int, dev: bool) -> None:
    """``app`` is the built application with ``dev``; gunicorn's workers build their own."""
    if dev:
        from werkzeug.serving import run_simple

        # run_simple, not app.run: Flask ignores app.run() inside its own command line.
        app.debug = True
        run_simple(host, port, app, use_reloader=True, use_debugger=True)
        return
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 120)
            self.cfg.set("graceful_timeout", 30)
            self.cfg.set("accesslog", "-")
            # Newer gunicorn opens a control socket at one path per user: several
            # formkit servers on a machine would contend for it, and we do not use it.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app()

    click.echo(f"formkit {__version__}: http://{host}:{port}/ with {workers} workers")
    Server().run()


@main.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--interval", default=5.0, show_default=True,
              help="Seconds between looks at the outbox when it is empty.")
@click.option("--parent", type=int, default=None, hidden=True)
def worker_command(once: bool, interval: float, parent: int | None) -> None:
    """Deliver the outbox: emails and webhooks with retries; `formkit serve`
    starts one. Any number may run, on any server sharing the store."""
    import signal
    import threading

    from formkit.outbox import run_forever, run_once

    app = _create_app()
    if once:
        run = run_once(app, limit=10_000)
        click.echo(f"sent {run.sent}, daily jobs {run.jobs}, retried later {run.retried}, "
                   f"dead {run.dead}, cancelled {run.cancelled}, waiting {run.waiting}")
        return
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: stop.set())
    if parent:
        def watch_parent() -> None:
            while not stop.wait(2):
                if os.getppid() != parent:  # the server is gone: so is its worker
                    stop.set()

        threading.Thread(target=watch_parent, daemon=True).start()
    click.echo(f"formkit worker: the outbox is checked every {interval:g} s")
    run_forever(app, interval, stop)


@main.command("forms")
@with_appcontext
def list_forms() -> None:
    """List the loaded forms with their plugin and version."""
    forms = current_registry().forms.values()
    if not forms:
        click.echo(no_forms_hint(current_app))
    for form in sorted(forms, key=lambda f: f.id):
        pages = len(form.sections)
        click.echo(f"{form.id:<20} v{form.version:<8} {form.plugin:<32} {pages} page(s)  "
                   f"{form.title.en} / {form.title.fr}")


@main.command("plugins")
@with_appcontext
def list_plugins() -> None:
    """List plugins in loading order with the hooks each implements."""
    registry = current_registry()
    for name, hooks in plugin_hooks(registry.pm):
        click.echo(f"{name}: {', '.join(hooks) or '(no hooks)'}")
    blocked = current_app.config["BLOCKED_PLUGINS"]
    if blocked:
        click.echo(f"blocked: {', '.join(blocked)}")


@main.command(with_appcontext=False)
def check() -> None:
    """Validate every form schema and plugin; print each problem with file and line."""
    try:
        app = create_app({"STRICT_LOADING": False})
    except PluginError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    with app.app_context():
        registry = current_registry()
        problems = list(registry.problems)
        for problem in problems:
            click.echo(str(problem), err=True)
        forms = len(registry.forms)
        plugins = len(registry.pm.list_name_plugin())
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(f"ok: {forms} form(s), {plugins} plugin(s), no problems")


@main.group()
def user() -> None:
    """Manage coordinator accounts (there is no default account)."""


def _set_password_link(account) -> str:
    from formkit.auth import issue_password_token

    token = issue_password_token(account)
    return f"{current_app.config['BASE_URL'].rstrip('/')}/admin/set-password/{token}"


def _ask_password() -> str:
    from formkit.auth import password_problem

    while True:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password)
        if problem is None:
            return password
        click.echo(problem, err=True)


def _ask_new_password() -> str:
    """The new account's password, asked before anything is stored: an interrupted or
    mismatched prompt leaves no half-made account behind."""
    try:
        return _ask_password()
    except click.Abort:
        raise click.ClickException(
            "no account was created: the password prompt was interrupted (or the two "
            "entries did not match). Run the command again, or add --link to print a "
            "set-password link instead.") from None


def _form_ids(forms: str) -> list[str]:
    form_ids = [f.strip() for f in forms.split(",") if f.strip()]
    unknown = [f for f in form_ids if current_registry().get_form(f) is None]
    if unknown:
        raise click.ClickException(f"unknown form(s): {', '.join(unknown)}")
    return form_ids


def _account(email: str):
    from formkit.state import current_store

    account = current_store().find_user(email)
    if account is None:
        raise click.ClickException(f"no account for {email}")
    return account


@user.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "coordinator"]), default="coordinator",
              show_default=True)
@click.option("--forms", default="", help="Comma-separated form ids this coordinator sees "
              "(default: none).")
@click.option("--all-forms", is_flag=True, help="Sees every form, including forms added "
              "later.")
@click.option("--link", is_flag=True, help="Print a one-time set-password link (48 hours) "
              "instead of asking for a password.")
@with_appcontext
def user_create(email: str, role: str, forms: str, all_forms: bool, link: bool) -> None:
    """Create an account."""
    from email_validator import EmailNotValidError, validate_email

    from formkit.auth import hash_password, new_user
    from formkit.state import current_store
    from formkit.storage import StoreError

    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.ClickException(str(exc)) from exc
    form_ids = _form_ids(forms)
    if current_store().find_user(email) is not None:
        raise click.ClickException(f"an account for {email} already exists")
    account = new_user(email, role, form_ids, all_forms)
    if not link:
        # One write: the account is stored with its password or not at all.
        account.password_hash = hash_password(_ask_new_password())
    try:
        account = current_store().add_user(account)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if link:
        click.echo(f"created {role} {account.email}; set-password link (valid 48 hours):")
        click.echo(_set_password_link(account))
    else:
        click.echo(f"created {role} {account.email}")
    if role != "admin" and not (form_ids or all_forms):
        click.echo("it sees no form until given some: formkit user forms "
                   f"{account.email} FORM_IDS (or --all-forms)")


@user.command("list")
@with_appcontext
def user_list() -> None:
    """List accounts."""
    from formkit.state import current_store

    for account in current_store().list_users():
        state = "active" if account.active else "disabled"
        if account.password_hash is None:
            state += ", no password yet"
        forms = ("all forms" if account.is_admin or account.all_forms
                 else ", ".join(account.forms) or "no form")
        click.echo(f"{account.email:<40} {account.role:<12} {state:<28} {forms}")


@user.command("forms")
@click.argument("email")
@click.argument("forms", required=False, default=None)
@click.option("--all-forms", "all_forms", flag_value=True, default=None,
              help="Sees every form, including forms added later.")
@click.option("--no-all-forms", "all_forms", flag_value=False,
              help="Sees only the forms given.")
@with_appcontext
def user_forms(email: str, forms: str | None, all_forms: bool | None) -> None:
    """Set which forms a coordinator sees: FORMS (comma-separated ids, replacing the
    previous ones; "" for none) and/or --all-forms / --no-all-forms."""
    from formkit.auth import audit
    from formkit.state import current_store

    account = _account(email)
    changes: dict = {}
    if forms is not None:
        changes["forms"] = _form_ids(forms)
    if all_forms is not None:
        changes["all_forms"] = all_forms
    if not changes:
        raise click.UsageError("give form ids, --all-forms or --no-all-forms")
    account = current_store().update_user(account.id, **changes)
    audit("user_forms", target=account.email, via="cli", **changes)
    seen = ("all forms" if account.all_forms else ", ".join(account.forms) or "no form")
    click.echo(f"{account.email} sees: {seen}")


@user.command("disable")
@click.argument("email")
@with_appcontext
def user_disable(email: str) -> None:
    """Disable an account and end its sessions."""
    from formkit.auth import disable_account

    click.echo(f"disabled {disable_account(_account(email)).email}")


@user.command("enable")
@click.argument("email")
@with_appcontext
def user_enable(email: str) -> None:
    """Enable a disabled account."""
    from formkit.auth import enable_account

    click.echo(f"enabled {enable_account(_account(email)).email}")


@user.command("signout")
@click.argument("email")
@with_appcontext
def user_signout(email: str) -> None:
    """Sign an account out everywhere: every browser's session ends now."""
    from formkit.auth import audit, sign_out_everywhere

    account = _account(email)
    ended = sign_out_everywhere(account)
    audit("user_signout", target=account.email, sessions=ended)
    click.echo(f"signed out {account.email} everywhere ({ended} session(s) ended)")


@user.command("reset-password")
@click.argument("email")
@click.option("--link", is_flag=True, help="Print a one-time set-password link instead.")
@with_appcontext
def user_reset_password(email: str, link: bool) -> None:
    """Set a new password (ends the account's sessions)."""
    from formkit.auth import set_password, sign_out_everywhere

    account = _account(email)
    if link:
        sign_out_everywhere(account)
        click.echo(_set_password_link(account))
    else:
        set_password(account, _ask_password())
        click.echo(f"password changed for {account.email}")


def _store_of_app():
    """The configured store, opened without insisting on an up-to-date schema."""
    try:
        app = create_app({"CHECK_STORE_SCHEMA": False})
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    return app.extensions["formkit"].store


def _open(url: str):
    from formkit.storage import StoreError, open_store

    try:
        return open_store(url, ".")
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def webhook() -> None:
    """Webhooks: a form's events POSTed, signed, to a URL (docs/webhooks.md)."""


@webhook.command("add")
@click.argument("form_id")
@click.argument("url")
@click.option("--events", default="submitted,reviewed", show_default=True,
              help="Comma-separated: submitted, reviewed.")
@with_appcontext
def webhook_add(form_id: str, url: str, events: str) -> None:
    """Send FORM_ID's events to URL; prints the signing secret on the last line."""
    from flask import current_app

    from formkit.auth import audit
    from formkit.webhooks import BadSubscription, subscribe

    _form_ids(form_id)
    try:
        hook = subscribe(form_id, url, events,
                         current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or ())
    except BadSubscription as exc:
        raise click.ClickException(str(exc)) from exc
    audit("webhook_add", target=hook.id, form=form_id, url=hook.url, by="cli")
    click.echo(f"added webhook {hook.id}: {', '.join(hook.events)} of {form_id} to "
               f"{hook.url}")
    click.echo("signing secret (shown once; receivers verify X-Formkit-Signature with it):")
    click.echo(hook.secret)


@webhook.command("list")
@click.option("--form", "form_id", default=None, help="Only this form's webhooks.")
@with_appcontext
def webhook_list(form_id: str | None) -> None:
    """List webhook subscriptions (never their secrets)."""
    from formkit.state import current_store

    hooks = current_store().list_webhooks(form_id)
    for hook in hooks:
        state = "active" if hook.active else "inactive"
        click.echo(f"{hook.id}  {hook.form_id}  {','.join(hook.events)}  {state}  "
                   f"{hook.url}")
    if not hooks:
        click.echo("no webhooks")


@webhook.command("remove")
@click.argument("webhook_id")
@with_appcontext
def webhook_remove(webhook_id: str) -> None:
    """Remove a subscription: its queued events are not sent."""
    from formkit.auth import audit
    from formkit.state import current_store

    if not current_store().remove_webhook(webhook_id):
        raise click.ClickException(f"no webhook {webhook_id}")
    audit("webhook_remove", target=webhook_id, by="cli")
    click.echo(f"removed webhook {webhook_id}")


@main.group()
def token() -> None:
    """Manage REST API tokens (see docs/api.md)."""


@token.command("create")
@click.option("--name", required=True, help="What uses the token, e.g. \"dashboard\".")
@click.option("--forms", default="", help="Comma-separated form ids it may use (default: "
              "every form, including forms added later).")
@click.option("--write", is_flag=True, help="May submit responses and change review "
              "statuses (default: read only).")
@click.option("--expires", "days", type=click.IntRange(1, 3650), default=None,
              help="Days until it stops working (default: never).")
@with_appcontext
def token_create(name: str, forms: str, write: bool, days: int | None) -> None:
    """Create a token; it is printed once, alone on the last line."""
    from formkit.rest.tokens import create_token
    from formkit.state import current_store

    if not name.strip():
        raise click.ClickException("give the token a name")
    form_ids = _form_ids(forms)
    store = current_store()
    record, secret = create_token(store, name, forms=form_ids, write=write,
                                  expires_days=days, created_by="cli")
    store.append_audit({"user": None, "action": "token_create", "target": record.id,
                        "detail": {"name": record.name, "forms": record.forms,
                                   "write": write, "via": "cli"}, "address": None})
    scope = ", ".join(record.forms) if record.forms else "all forms"
    click.echo(f"created token {record.id} ({record.name}): {scope}, "
               f"{'read and write' if write else 'read only'}, "
               f"expires {record.expires or 'never'}; it is not shown again:")
    click.echo(secret)


@token.command("list")
@with_appcontext
def token_list() -> None:
    """List tokens (never the tokens themselves)."""
    from formkit.state import current_store

    for record in current_store().list_tokens():
        state = f"revoked {record.revoked[:10]}" if record.revoked else "active"
        scope = ", ".join(record.forms) if not record.all_forms else "all forms"
        click.echo(f"{record.id:<18} {record.name[:30]:<30} {state:<20} "
                   f"{'write' if record.write else 'read':<6} {scope}  "
                   f"last used {record.last_used or 'never'}")


@token.command("revoke")
@click.argument("token_id")
@with_appcontext
def token_revoke(token_id: str) -> None:
    """Revoke a token by id (see `formkit token list`)."""
    from formkit.rest.tokens import revoke_token
    from formkit.state import current_store

    store = current_store()
    record = revoke_token(store, token_id)
    if record is None:
        raise click.ClickException(f"no token {token_id}")
    store.append_audit({"user": None, "action": "token_revoke", "target": record.id,
                        "detail": {"name": record.name, "via": "cli"}, "address": None})
    click.echo(f"revoked {record.id} ({record.name})")


@main.group()
def db() -> None:
    """Database schema (PostgreSQL)."""


@db.command("upgrade", with_appcontext=False)
@click.option("--store", "url", default=None, help="Store URL (default: the configured one).")
def db_upgrade(url: str | None) -> None:
    """Create or migrate the PostgreSQL schema; safe to run twice."""
    from formkit.storage.accounts import upgrade_accounts

    store = _open(url) if url else _store_of_app()
    if not hasattr(store, "upgrade"):
        click.echo("the TinyDB store needs no schema")
        filled = store.fill_references()  # PostgreSQL's upgrade does it itself
        if filled:
            click.echo(f"{filled} response(s) made before references got one")
    else:
        applied = store.upgrade()
        click.echo(f"applied migration(s) {', '.join(map(str, applied))}" if applied
                   else f"schema already at version {store.schema_version()}")
    for email in upgrade_accounts(store):
        click.echo(f"{email} had no form ticked: it keeps every form (all forms)")
    store.close()


@main.group("store")
def store_group() -> None:
    """Copy, back up, restore and vacuum everything a store holds."""


def _run_transfer(action, total: int, label: str):
    from formkit.storage import StoreError

    with click.progressbar(length=max(total, 1), label=label, file=sys.stderr) as bar:
        try:
            return action(bar.update)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


@store_group.command("copy", with_appcontext=False)
@click.option("--from", "source_url", required=True, help="Store URL to copy from.")
@click.option("--to", "target_url", required=True, help="Store URL to copy to.")
@click.option("--force", is_flag=True, help="Add to a target that is not empty.")
def store_copy(source_url: str, target_url: str, force: bool) -> None:
    """Copy every response, draft, account and audit entry; verify counts and checksum."""
    from formkit.storage import transfer

    source, target = _open(source_url), _open(target_url)
    total = transfer.inventory(source)
    copied = _run_transfer(lambda tick: transfer.copy(source, target, force=force,
                                                      progress=tick),
                           total.responses + total.users + total.audit, "copying")
    click.echo(f"copied {copied.responses} responses, {copied.users} accounts, "
               f"{copied.audit} audit entries; checksum {copied.checksum[:16]} verified")


@store_group.command("backup", with_appcontext=False)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--store", "url", default=None, help="Store URL (default: the configured one).")
def store_backup(path: str, url: str | None) -> None:
    """Write a consistent compressed snapshot (JSON lines) to PATH."""
    from formkit.storage import transfer

    store = _open(url) if url else _store_of_app()
    found = transfer.backup(store, path)
    click.echo(f"backed up {found.responses} responses, {found.users} accounts, "
               f"{found.audit} audit entries to {path}")


@store_group.command("restore", with_appcontext=False)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "url", default=None, help="Store URL (default: the configured one).")
@click.option("--force", is_flag=True, help="Add to a store that is not empty.")
def store_restore(path: str, url: str | None, force: bool) -> None:
    """Restore a snapshot made by `formkit store backup` into any store."""
    from formkit.storage import StoreError, transfer

    store = _open(url) if url else _store_of_app()
    try:
        header, _items = transfer.read_backup(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    total = header["responses"] + header["users"] + header["audit"]
    restored = _run_transfer(lambda tick: transfer.restore(store, path, force=force,
                                                           progress=tick), total, "restoring")
    click.echo(f"restored {restored.responses} responses, {restored.users} accounts, "
               f"{restored.audit} audit entries; checksum verified")


@store_group.command("vacuum")
@click.option("--older-than", "days", type=click.IntRange(min=1), default=None,
              help="Age in days of the empty drafts to remove (default: the "
                   "DRAFT_RETENTION_DAYS setting, 30).")
def store_vacuum(days: int | None) -> None:
    """Remove abandoned empty drafts and orphaned temporary files."""
    from formkit.storage import StoreError
    from formkit.vacuum import vacuum

    days = current_app.config["DRAFT_RETENTION_DAYS"] if days is None else days
    try:
        report = vacuum(current_app._get_current_object(), days)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"removed {report.drafts} empty drafts untouched for {days} days and "
               f"{report.temp_files} orphaned temporary files")


for _command in (*COMMANDS, i18n):
    main.add_command(_command)
main.add_command(team_group)


if __name__ == "__main__":  # pragma: no cover
    main()
