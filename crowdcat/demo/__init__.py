"""The demo project: content, generated scans and a loader that fills every pipeline stage."""
