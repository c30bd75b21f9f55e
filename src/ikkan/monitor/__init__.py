"""Monitoring: actual vs target, pacing, bottleneck, anomalies, readiness. Pure logic.

calendar (business days/hours), status (achievement, RAG), pacing, comparison (MoM/YoY),
benchmarks + benchmark_data, bottleneck (exact gap decomposition), drilldown, anomaly,
checklist (+ checklist_checks).
"""
