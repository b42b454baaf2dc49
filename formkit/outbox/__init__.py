"""The work that happens later, reliably: the outbox and its worker.

Owns: durable messages kept in the store (:class:`formkit.storage.Message`), the
worker that delivers them with retries, exponential backoff and a dead-letter list, the
deliverers by kind (email here; webhooks in :mod:`formkit.webhooks`), composing emails,
and the notifications formkit sends on its own (receipts, coordinator alerts, daily digests).

May import: ``formkit.storage``, ``formkit.clock``, ``formkit.i18n``, ``formkit.state``,
``formkit.conditions`` and Flask. Views and plugins use :func:`send_email` and
:func:`formkit.outbox.notifications.before_submit`; nothing here imports a view.

Why a hand-written worker rather than a job-queue library: the queue must live in the
store formkit already has, TinyDB included (the queue libraries need PostgreSQL, Redis
or a broker), and be written in the same request as the event that causes it.
"""

from formkit.outbox.email import mail_configured, send_email
from formkit.outbox.worker import WorkerRun, run_forever, run_once

__all__ = ["WorkerRun", "mail_configured", "run_forever", "run_once", "send_email"]
