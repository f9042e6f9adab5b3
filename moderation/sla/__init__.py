"""The SLA: clock, minute sweep, notifications, outcomes and reports."""
