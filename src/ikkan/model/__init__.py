"""The KPI tree domain: pure Python, no files, no SQL, no clock."""
