"""Alerts: rules in ikkan.yml, their pure evaluation, backtests and the lifecycle.

- ``rules``: the ``alerts:`` section of ``ikkan.yml`` (pydantic);
- ``checks``: cross-references (node, source, dimension) reported at their YAML line;
- ``conditions``: one rule on one observation → a finding (pure);
- ``observe``: observations read from kpi_values, the plan and import_log;
- ``backtest``: how often a rule would have fired over past periods;
- ``lifecycle``: ok → pending → firing → recovering → resolved, on an injected clock (pure);
- ``history``: the state and transition history tables in the warehouse.
"""
