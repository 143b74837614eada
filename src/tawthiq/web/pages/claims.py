"""Claims: figures by category, place and period; conflicting figures side by side."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from tawthiq import vocabulary as V
from tawthiq.analyse import claims as analyse
from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.pages.common import reader, source_label

MAX_CLAIMS = 5000


def _plain(claim, quotes) -> dict:
    place = claim.place
    return {
        "quantity": claim.quantity, "quantity_high": claim.quantity_high, "qualifier": claim.qualifier,
        "category": claim.category, "place": place.pk if place else (claim.place_text or "").casefold(),
        "place_label": str(place) if place else claim.place_text,
        "period_start": claim.period_start, "period_end": claim.period_end,
        "source": claim.document.publisher_id if claim.document_id and claim.document.publisher_id else (
            claim.attributed_source_id or claim.document_id),
        "source_label": source_label(claim), "claim": claim, "quotes": quotes.get(claim.pk, []),
    }


@reader
def claim_list(request):
    user = request.user
    f = {k: request.GET.get(k, "").strip() for k in ("category", "governorate", "year")}
    claims = access.visible_claims(user).exclude(review_state=M.ReviewState.REJECTED).select_related(
        "place", "document__publisher", "attributed_source")
    if f["category"]:
        claims = claims.filter(category=f["category"])
    if f["governorate"]:
        claims = claims.filter(place__governorate=f["governorate"])
    if f["year"].isdigit():
        year = f["year"]  # ISO prefixes compare as strings: "2012-05" <= "2012-99", "2013" >= "2012"
        claims = claims.filter(
            Q(period_start__startswith=year) | Q(period_start__lte=year + "-99", period_end__gte=year)
        )
    claims = list(claims.order_by("category", "pk")[:MAX_CLAIMS])
    quotes: dict[int, list[str]] = {}
    for claim_id, quote in access.visible_evidence(user).filter(claim_id__in=[c.pk for c in claims]).values_list("claim_id", "quote"):
        quotes.setdefault(claim_id, []).append(quote)
    plain = [_plain(c, quotes) for c in claims]
    governorates = (access.visible_places(user).exclude(governorate="").values_list("governorate", flat=True)
                    .distinct().order_by("governorate"))
    return render(request, "tawthiq/claims.html", {
        "rows": analyse.figures_table(plain), "conflicts": analyse.conflicting_figures(plain), "filters": f,
        "categories": list(V.EVENT_TYPES), "governorates": governorates, "truncated": len(claims) >= MAX_CLAIMS,
    })


@reader
def claim_detail(request, pk: int):
    user = request.user
    claim = get_object_or_404(access.visible_claims(user).select_related("place", "document__publisher", "attributed_source"), pk=pk)
    access.log_protected_view(user, claim, request.path)
    evidence = access.visible_evidence(user).filter(claim=claim)
    return render(request, "tawthiq/claim.html", {"claim": claim, "evidence": evidence, "source": source_label(claim)})
