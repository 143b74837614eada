"""The home page: counts by event type, a timeline by month, counts by governorate."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import Length, Substr
from django.shortcuts import render
from django.utils.safestring import mark_safe

from tawthiq.analyse.dashboard import month_series, month_ticks, top_with_rest
from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.charts import bar_chart, column_chart
from tawthiq.web.pages.common import reader

TOP_GOVERNORATES = 15


@reader
def dashboard(request):
    user = request.user
    events = access.visible_events(user).exclude(review_state=M.ReviewState.REJECTED)
    by_type = [(row["type"].replace("_", " "), row["n"]) for row in
               events.values("type").annotate(n=Count("pk")).order_by("-n", "type")]
    # Grouped on the date as stated ("2012-03..."): plain text, fast on both databases.
    # Events dated to the year only have no month and are counted apart.
    by_month = {dt.date(int(row["month"][:4]), int(row["month"][5:7]), 1): row["n"] for row in
                events.annotate(stated=Length("date")).filter(stated__gte=7).annotate(month=Substr("date", 1, 7))
                .values("month").annotate(n=Count("pk"))}
    months = month_series(by_month)
    series = [(m.strftime("%b %Y"), n) for m, n in months]
    by_governorate = top_with_rest(
        [(row["place__governorate"] or "unknown", row["n"]) for row in
         events.values("place__governorate").annotate(n=Count("pk"))], TOP_GOVERNORATES)
    totals = {
        "documents": access.visible_documents(user).filter(is_current=True).count(),
        "persons": access.visible_canonical_persons(user).count(),
        "events": events.count(),
        "claims": access.visible_claims(user).exclude(review_state=M.ReviewState.REJECTED).count(),
        "to review": sum(
            qs.filter(review_state=M.ReviewState.SUGGESTED).count()
            for qs in (access.visible_persons(user), access.visible_events(user), access.visible_claims(user))
        ),
    }
    return render(request, "tawthiq/dashboard.html", {
        "totals": totals,
        "type_chart": mark_safe(bar_chart(by_type, "Events by type")),
        "month_chart": mark_safe(column_chart(series, "Events by month", month_ticks([m for m, _ in months]))),
        "governorate_chart": mark_safe(bar_chart(by_governorate, "Events by governorate")),
        "undated": events.filter(date_sort__isnull=True).count(),
        "year_only": events.annotate(stated=Length("date")).filter(stated=4).count(),
    })
