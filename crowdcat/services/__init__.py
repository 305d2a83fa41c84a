"""The domain: what crowdcat does, as feature packages free of Flask request globals.

keying/ (next page, holds, submissions), reconciliation/ (equality, voting, entries),
review/ (decisions and the queue), export/ (CSV and JSON Lines), scans/ (import, images,
storage), projects/ (settings, fields, templates, snapshots), accounts/ (users, API tokens).
Shared by all: errors (what a user can cause), audit (the record of decisions) and access
(who may see a page). Services take the session and the actor as arguments and flush;
the request or CLI command around them commits once.
"""
