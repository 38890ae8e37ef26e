"""Small query expressions shared by list pages."""

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet) -> Coalesce:
    """COUNT(*) of `rows` (filtered on an OuterRef) as a scalar subquery.

    Unlike `Count("relation")` it adds no join and no GROUP BY to the outer query, so a
    paginated list counts for the rows of its page only and its COUNT(*) stays a plain count.
    """
    counted = rows.order_by().annotate(row_count=Func("pk", function="COUNT")).values("row_count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
