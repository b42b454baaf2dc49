"""The token REST API under ``/api/v1`` and its OpenAPI document.

Owns: API tokens (:mod:`.tokens`), the blueprint and its one checkpoint (:mod:`.views`,
:mod:`.access`), problem-details errors (:mod:`.problems`) and the OpenAPI description
(:mod:`.openapi`). May import the store, the registry, :mod:`formkit.flow`,
:mod:`formkit.review` and :mod:`formkit.outbox.notifications`; nothing imports it but
the application factory, the CLI and the admin token page.
"""
