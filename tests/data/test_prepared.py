"""Prepared statements: compiled once, run straight on the driver, same values as SQLAlchemy."""
from __future__ import annotations

import sqlalchemy as sa

from crowdcat.data.prepared import Prepared, _dollar_placeholders
from crowdcat.models import Project

PROJECTS = Project.__table__


def test_placeholders_become_numbers_a_repeated_name_keeps_its_own():
    sql, names = _dollar_placeholders(
        "SELECT %(a)s, %(b_1)s, %(a)s WHERE x LIKE 'p%%' AND y %% 2 = %(c)s")
    assert sql == "SELECT $1, $2, $1 WHERE x LIKE 'p%' AND y % 2 = $3"
    assert names == ("a", "b_1", "c")


def _long_statement() -> sa.Select:
    """A statement longer than psycopg's 4 kB cache limit, a name used twice, a % in it."""
    padding = [sa.literal_column(f"'{'柱' * 40}{n}'").label(f"pad_{n}") for n in range(120)]
    slug = sa.cast(sa.bindparam("slug"), sa.String)
    return sa.select(
        PROJECTS.c.id, (slug + "|" + slug).label("twice"),
        sa.literal_column("7 % 4").label("rest"),
        sa.literal_column("'100%'").label("percent"), *padding,
    ).where(PROJECTS.c.slug == slug)


def test_a_long_statement_gives_the_same_rows_on_both_databases(session, factory):
    project = factory.project()
    session.commit()
    prepared = Prepared(_long_statement)
    assert len(prepared.compiled(session.get_bind().dialect).sql.encode()) > 8192
    for _run in range(3):  # psycopg prepares the statement on the server after a few runs
        row = prepared(session, slug=project.slug).one()
        assert row.id == project.id
        assert row.twice == f"{project.slug}|{project.slug}"
        assert row.rest == 3 and row.percent == "100%" and row.pad_119.endswith("119")
    assert prepared(session, slug="no-such-project").all() == []
