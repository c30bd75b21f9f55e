"""``ikkan refresh`` as a package, one module per job (the façade imports ``run``):

- ``run``: the use case: read the mark, decide full or incremental, measure, derive, write.
- ``changes``: the refresh's mark and what changed since (imports, event-day digest).
- ``sources``: which tables each measured node reads (so which changes touch it).
- ``sql``: the compiled-SQL cache shared between runs.
- ``funnel``: the lead funnel table (one row per lead, a column per stage entry).
- ``window``: views that restrict reads to the periods recomputed.
- ``measure``: metric nodes → SQL → kpi rows (day parts for additive metrics).
- ``rollup``: day parts stored between refreshes, rolled up to every grain.
- ``derive``: formula nodes from their inputs' values.
- ``phases``: wall and CPU seconds per phase, for ``RefreshReport.phases``.

Kept free of imports so a module here importing a sibling is no circle through this file.
"""
