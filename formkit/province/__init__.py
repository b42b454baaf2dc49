"""The provincial team's view across teams: figures of one cycle for the province or a
region (``/admin/teams/figures``) and the provincial report PDF with the same figures.

The core owns the choice (cycle, region, team to compare), who may see what, reading
the chosen cycles' responses in one pass, and the page and PDF around the sections;
each form's plugin contributes its own sections through ``formkit_provincial_sections``
(:mod:`formkit.province.scope`).
"""
