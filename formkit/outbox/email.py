"""Email: composed in the recipient's language (HTML and plain text, with a link to the
other language), queued in the outbox, sent through SMTP by Flask-Mailman.

Settings (``FORMKIT_MAIL_*``): ``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS``,
``MAIL_USE_SSL``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``. With no
``MAIL_SERVER`` nothing breaks: emails wait in the outbox until one is set.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from jinja2 import TemplateNotFound

from formkit import clock
from formkit.outbox.queue import enqueue
from formkit.storage import Message

KIND = "email"
mail = Mail()


def init_app(app: Flask) -> None:
    mail.init_app(app)


def mail_configured(app: Flask | None = None) -> bool:
    """Whether an SMTP server is set (emails are sent, not only queued)."""
    return bool((app or current_app).config.get("MAIL_SERVER"))


def _template(name: str, form_id: str | None, ext: str) -> str:
    """A form's own template (a plugin's ``email/<form>/<name>``) before formkit's."""
    candidates = [f"email/{form_id}/{name}.{ext}"] if form_id else []
    candidates.append(f"email/{name}.{ext}")
    return current_app.jinja_env.select_template(candidates).name


#: how each language offers the other, written in that other language.
OTHER_LANGUAGE = {"en": ("fr", "Version française\u00a0:"), "fr": ("en", "English version:")}


def with_language(url: str, lang: str) -> str:
    """``url`` opened in ``lang`` (the site remembers the choice)."""
    parts = urlsplit(url)
    query = urlencode([*((k, v) for k, v in parse_qsl(parts.query) if k != "lang"),
                       ("lang", lang)])
    return urlunsplit(parts._replace(query=query))


def compose(name: str, locale: str, context: dict[str, Any],
            form_id: str | None = None, link: str | None = None) -> dict[str, str]:
    """Subject, text and HTML of email template ``name`` in ``locale``.

    ``email/<name>.txt`` holds the subject on its first line, then the body;
    ``email/<name>.html`` the HTML body. A plugin overrides them for its form with
    ``email/<form id>/<name>.txt`` and ``.html`` in its templates. ``link``, the email's
    main link, is also offered in the other language."""
    if link and locale in OTHER_LANGUAGE:
        other, label = OTHER_LANGUAGE[locale]
        context = {**context, "other_link": with_language(link, other), "other_lang": other,
                   "other_label": label}
    with force_locale(locale):
        text = render_template(_template(name, form_id, "txt"), locale=locale, **context)
        try:
            html = render_template(_template(name, form_id, "html"), locale=locale,
                                   **context)
        except TemplateNotFound:
            html = None
    subject, _sep, body = text.partition("\n")
    organization = current_app.config["ORGANIZATION_NAME"]
    return {"subject": f"{subject.strip()} – {organization}", "text": body.strip() + "\n",
            "html": html or "", "locale": locale}


def send_email(to: str, template: str, context: dict[str, Any], *, locale: str, key: str,
               form_id: str | None = None, response_id: str | None = None,
               after_submit: str | None = None, link: str | None = None,
               reply_to: str | None = None) -> bool:
    """Queue an email to ``to`` from ``template`` (see :func:`compose`) in ``locale``.

    ``key`` is the idempotency id: the same key twice sends once. ``after_submit`` (a
    response id) holds the email until that response is submitted. ``reply_to``: the
    address answers go to (a person who agreed to share it). Returns whether a new
    message was queued."""
    payload = {"to": to, **compose(template, locale, context, form_id, link)}
    if reply_to:
        payload["reply_to"] = reply_to
    return enqueue(f"{KIND}:{key}", KIND, payload, recipient=to.lower(), form_id=form_id,
                   response_id=response_id, after_submit=after_submit)


def email_message(to: str, template: str, context: dict[str, Any], *, locale: str, key: str,
                  form_id: str | None = None, link: str | None = None) -> Message:
    """The message :func:`send_email` would queue, for queuing many at once
    (:func:`formkit.outbox.queue.enqueue_many`)."""
    payload = {"to": to, **compose(template, locale, context, form_id, link)}
    return Message(id=f"{KIND}:{key}", kind=KIND, payload=payload, next_at=clock.now(),
                   recipient=to.lower(), form_id=form_id)


def deliver(payload: dict[str, Any], message_id: str) -> None:
    """Send one queued email; raises on any failure (the worker retries)."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or \
        f"no-reply@{current_app.config['MAIL_SERVER']}"
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["text"], from_email=sender,
        to=[payload["to"]], reply_to=[payload["reply_to"]] if payload.get("reply_to") else None,
        headers={"Content-Language": payload.get("locale", "en"),
                 # receivers (and people) can tell a repeated delivery from a new email
                 "X-Formkit-Message-Id": message_id,
                 "Auto-Submitted": "auto-generated"})
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send(fail_silently=False)
