"""Off-site pages, one module per area (see ``zhifa.offsite.urls``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse


@login_required
def index_view(request):
    """The module's landing page: the review queue when it exists, else the stations."""
    for name in ("offsite:review_list", "offsite:station_list"):
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return redirect("home")
