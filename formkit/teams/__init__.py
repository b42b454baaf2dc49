"""Community teams: a team's shared, living workspace (issue 18).

This package owns teams and the people in them (:mod:`.roster`), how community members
sign in without a password (one-time links, :mod:`.links`; their server-side sessions,
:mod:`.identity`), the team space under ``/t/<slug>/`` with its one access checkpoint
(:mod:`.access`, :mod:`.views`) and its panels (:mod:`.panels`), a team's activity in
the audit log (:mod:`.activity`), finding peers (:mod:`.peers`) — and cycles and living
responses (the modules that build on these). See ``docs/teams.md``.
"""
