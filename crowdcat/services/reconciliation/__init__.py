"""Reconciliation: from several volunteers' submissions to one proposed entry, field by field.

normalization (Chinese-aware equality keys, numerals, Republic-era dates), voting (the pure
field-by-field vote), rules (a project's compiled rules), entries (reconcile a page and move
it on), agreement and field_agreement (volunteers' history, the agreement chart), facts
(values stamped at approval for the export), offline_csv (reconciling other platforms' CSVs).
"""
