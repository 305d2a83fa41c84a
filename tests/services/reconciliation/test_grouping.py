"""Grouping rules through reconcile(): numbers, loose keys, containment, shown spelling, blanks."""

from crowdcat.services.reconciliation.grouping import shown_spellings
from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote, reconcile

LOCALITY = FieldRule("locality", "long_text", fuzzy_threshold=85)
COLLECTOR = FieldRule("collector", "text", blank_values=("s.n.", "unknown"))
NUMBER = FieldRule("number", "text", loose=False, blank_values=("none",))
TITLE = FieldRule("title", "text", fold_variants=True, contain=True)
DOC_NO = FieldRule("doc_no", "text", loose=False, contain=False)


def one_field(rule: FieldRule, *values: str, agree: int = 2, maximum: int = 5):
    """Reconcile a single field typed as ``values`` by successive volunteers."""
    page_votes = [Vote(f"v{i}", {rule.key: v}) for i, v in enumerate(values, start=1)]
    result = reconcile(Rules((rule,), agree, maximum), page_votes)
    return result, result.fields[rule.key]


def test_numbers_that_differ_are_never_grouped_by_similarity() -> None:
    right = "Sandy loam, N 29.4769, W 86.6196"
    _, field = one_field(LOCALITY, right, right, "Sandy loam, N 24.4769, W 87.6196")
    assert (field.status, field.value, field.how) == ("majority", right, "exact 2/3")
    assert [g.votes for g in field.groups] == [2, 1]
    _, field = one_field(LOCALITY, "關於民國三十七年度田賦清冊", "關於民國三十六年度田賦清冊")
    assert field.status == "conflict"


def test_a_similarity_group_is_at_most_a_majority_and_lists_its_members() -> None:
    a, b = "Sandy loam over granite, N 29.4769", "Sandy loam over granit, N 29.4769"
    _, field = one_field(LOCALITY, a, b, a)
    assert (field.status, field.value, field.how) == ("majority", a, "fuzzy 3/3")
    assert field.groups[0].spellings == {a: 2, b: 1}


def test_values_equal_but_for_punctuation_or_joiners_are_unanimous() -> None:
    _, field = one_field(COLLECTOR, "J. K. Smith", "J K Smith", "J.K. Smith")
    assert (field.status, field.how) == ("unanimous", "loose 3/3")
    _, field = one_field(COLLECTOR, "A. Li, B. Wu", "A. Li & B. Wu", "A. Li and B. Wu")
    assert (field.status, field.how) == ("unanimous", "loose 3/3")
    _, field = one_field(TITLE, "關於辦理戶口普查、登記的呈", "關於辦理戶口普查 登記的呈")
    assert (field.status, field.how) == ("unanimous", "loose 2/2")


def test_a_field_can_opt_out_of_the_loose_key() -> None:
    _, field = one_field(NUMBER, "12-3", "123")
    assert field.status == "conflict"
    _, field = one_field(NUMBER, "A-12", "A12")
    assert field.status == "conflict"
    _, field = one_field(COLLECTOR, "A-12", "A12")
    assert field.status == "unanimous"
    assert FieldRule("n", "integer", loose=True).loose is False  # text kinds only


def test_a_truncated_reading_proposes_the_most_complete_one() -> None:
    full = "Burned oak scrub, plot 7"
    _, field = one_field(LOCALITY, "Burned oak scrub", full, "Burned oak scrub")
    assert (field.status, field.value, field.how) == ("majority", full, "contained 3/3")
    assert field.groups[0].spellings == {full: 1, "Burned oak scrub": 2}
    _, field = one_field(TITLE, "關於辦理戶口普查的代電", "辦理戶口普查代電")
    assert (field.status, field.value, field.how) == (
        "majority", "關於辦理戶口普查的代電", "contained 2/2"
    )
    _, field = one_field(TITLE, "為請撥經費事呈", "請撥經費呈", "為請撥經費事呈")
    assert (field.value, field.how) == ("為請撥經費事呈", "contained 3/3")


def test_containment_is_per_field_and_never_cuts_a_number() -> None:
    _, field = one_field(DOC_NO, "府秘字第一二三號之一", "府秘字第一二三號")
    assert field.status == "conflict"
    plain_text = FieldRule("title", "text")
    _, field = one_field(plain_text, "關於辦理戶口普查的代電", "辦理戶口普查代電")
    assert field.status == "conflict"
    _, field = one_field(LOCALITY, "Township T34S R 42 E, sec. 9", "Township T34S R 4")
    assert field.status == "conflict"


def test_the_shown_spelling_is_the_commonest_then_the_medoid_never_code_point_order() -> None:
    typo = "Flowers yellos in dense racemes"
    right = "Flowers yellow in dense racemes"
    other = "Flowers yellow in dense racemse"
    _, field = one_field(LOCALITY, typo, right, other)
    assert field.value == right  # the closest to the two others, though "yellos" sorts first
    _, field = one_field(LOCALITY, typo, right, right)
    assert field.value == right
    typed = ["1948.5.10", "民國37年5月10日", "民國三十七年五月十日"]
    keys = [("1948-05-10", False)] * 3
    assert next(iter(shown_spellings(typed, keys, range(3)))) == "民國37年5月10日"


def test_a_blank_majority_does_not_drop_a_lone_number() -> None:
    page, field = one_field(COLLECTOR, "", "38620", "")
    assert (field.status, page.verdict) == ("conflict", "needs_more")
    page, field = one_field(COLLECTOR, "", "38620", "", maximum=3)
    assert (field.status, page.verdict) == ("conflict", "conflict")  # a reviewer decides
    page, field = one_field(COLLECTOR, "", "38620", "", "")
    assert (field.status, field.how, page.verdict) == ("blank", "exact 3/4", "done")
    page, field = one_field(COLLECTOR, "", "s.n.", "")
    assert (field.status, field.how) == ("blank", "blank_words 3/3")
    level = FieldRule("level", "select", choices=("機密", "普通"))
    _, field = one_field(level, "", "無", "")  # not a choice: no value a blank majority loses
    assert field.status == "blank"
    _, field = one_field(level, "", "機密", "")
    assert field.status == "conflict"
    page, field = one_field(COLLECTOR, "", "38620", "38620")
    assert (field.status, field.value) == ("majority", "38620")


def test_how_names_the_rule_and_the_agreeing_count() -> None:
    _, field = one_field(COLLECTOR, "Smith", "Smith", "Jones")
    assert field.how == "exact 2/3"
    _, field = one_field(FieldRule("date", "date"), "民國37年5月10日", "1948-05-10")
    assert field.how == "normalized 2/2"
    _, field = one_field(COLLECTOR, "Smith", "Jones")
    assert field.how == "undecided 1/2"
    rules = Rules((COLLECTOR,), agree=2, maximum=5)
    tie = [Vote("a", {"collector": "Smith"}, 1.2), Vote("b", {"collector": "Smith"}, 1.0)]
    tie += [Vote("c", {"collector": "Jones"}, 0.5), Vote("d", {"collector": "Jones"}, 0.6)]
    field = reconcile(rules, tie).fields["collector"]
    assert (field.value, field.status, field.how) == ("Smith", "majority", "weighted 2/4")
