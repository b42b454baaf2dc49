"""Teams and their shared, living work: teams, people, one-time sign-in links, cycles,
living responses (revisions) and the team space (``docs/teams.md``).

May import the core (schema, flow, store, views' shared functions); the core imports
nothing from here except through ``create_app`` and the built-in plugins.
"""
