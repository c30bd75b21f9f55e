"""ikkan (一気通貫): B2B marketing KPIs end to end."""

__version__ = "0.1.0"
