"""Keying: handing volunteers the next page, holding it for them, and taking their submissions.

assignment (next page, reservations, the race-free claim), next_by_token (the API's next page
on PostgreSQL in one statement), submission (validate, store, reconcile), validation (values
per field kind), stats and contributions (what volunteers see of their own work).
"""
