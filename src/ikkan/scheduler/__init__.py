"""The scheduler: import → refresh → alerts → delivery on a cron schedule, run by exactly
one process at a time through a lease row in the warehouse."""
