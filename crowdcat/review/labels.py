"""Translated labels for statuses, actions and reasons shown on review pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTRY_STATUS_LABELS = {
    "keying": _l("Being keyed"),
    "review": _l("Ready for review"),
    "conflict": _l("Conflict"),
    "approved": _l("Approved"),
    "rejected": _l("Not a catalog entry"),
}
FIELD_STATUS_LABELS = {
    "unanimous": _l("Unanimous"),
    "majority": _l("Majority"),
    "conflict": _l("Conflict"),
    "blank": _l("Blank"),
}
# How a field was decided (crowdcat/services/reconciliation/results.py), shown with its count.
HOW_LABELS = {
    "exact": _l("typed identically"),
    "normalized": _l("equal after normalization"),
    "loose": _l("equal ignoring punctuation"),
    "fuzzy": _l("similar text"),
    "contained": _l("shorter readings contained"),
    "weighted": _l("decided by weights"),
    "blank_words": _l("blank words"),
    "undecided": _l("undecided"),
}
REJECT_LABELS = {
    "blank": _l("Blank page"),
    "illegible": _l("Illegible"),
    "not_catalog": _l("Not a file to describe"),
}
ACTION_LABELS = {
    "entry.approve": _l("Approved"),
    "entry.correct": _l("Corrected"),
    "entry.send_back": _l("Sent back for more keying"),
    "entry.reject": _l("Marked as not a catalog entry"),
    "entry.reopen": _l("Reopened"),
    "entry.regroup": _l("Pages changed"),
}
# Keys of audit before/after dicts other than field keys.
CHANGE_LABELS = {
    "status": _l("Status"),
    "page_status": _l("Page status"),
    "page_wanted": _l("Submissions wanted"),
    "why": _l("Reason"),
    "reviewer_id": _l("Reviewer"),
    "reviewed_at": _l("Reviewed at"),
    "images": _l("Pages (image ids)"),
}
