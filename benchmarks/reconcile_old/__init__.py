"""The reconciliation engine as it was before issue 18, frozen for comparisons."""
