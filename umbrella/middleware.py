"""Request guards that hold for every page, the admin included.

`refuse_nul_in_query`: a NUL character (`%00`) in a query parameter is refused with 400 before
any view runs. PostgreSQL cannot hold NUL in text, so a NUL reaching a filter (a `?q=` search,
an admin list filter or autocomplete term, any FilterSet field) made the query fail with a
500 there, while SQLite answered. No page takes NUL as input, so one check here covers every
present and future free-text parameter — including those of third-party admins (django-axes,
auth) whose list filters pass the raw value to the database. Form fields in POST bodies are
refused by Django's own `ProhibitNullCharactersValidator` on every `CharField`, so bodies (and
file uploads, which must stay unparsed until the view chooses its upload handlers) are left
alone.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"


def refuse_nul_in_query(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                return HttpResponseBadRequest(
                    f"The address contains a NUL character (%00) in the query parameter "
                    f"{name.replace(NUL, '%00')!r}; no page accepts one. Remove it and try again.",
                    content_type="text/plain; charset=utf-8",
                )
        return get_response(request)

    return middleware
