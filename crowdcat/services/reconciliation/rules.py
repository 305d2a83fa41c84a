"""A project's compiled reconciliation rules: one FieldRule per keyed field, cached by content."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crowdcat.services.reconciliation.voting import FieldRule, Rules


@dataclass(frozen=True)
class ProjectRules:
    """A project's compiled reconciliation rules, one FieldRule per keyed field."""

    project_id: int
    agree: int
    maximum: int
    weighted: bool
    fields: dict[str, FieldRule]

    def for_page(self, page: Any) -> Rules:
        """The rules of one page: prefilled (imported) fields are fixed, not voted."""
        fixed = prefilled(page)
        fields = tuple(rule for key, rule in self.fields.items() if key not in fixed)
        return Rules(fields=fields, agree=self.agree, maximum=self.maximum)


def prefilled(page: Any) -> dict[str, str]:
    """The page's non-empty imported values."""
    return {k: str(v) for k, v in (page.prefill or {}).items() if v is not None and str(v).strip()}


@lru_cache(maxsize=64)
def _compiled(signature: str) -> dict[str, FieldRule]:
    """FieldRules for a field signature; cached so their normalizer caches live on."""
    return {
        key: FieldRule.from_options(key, kind, options)
        for key, kind, options in json.loads(signature)
    }


def rules_for(project: Any) -> ProjectRules:
    """Compile a project's field specs into reconciliation rules (cached by their content)."""
    signature = json.dumps([
        [spec.key, spec.kind.value, (spec.options or {}) | {"choices": spec.choices or []}]
        for spec in project.keyed_fields
    ], sort_keys=True, ensure_ascii=False)
    return ProjectRules(project.id, project.agree_needed, project.max_submissions,
                        project.weighted_votes, _compiled(signature))
