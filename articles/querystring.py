"""Query strings in one canonical form: the parameters a view reads, nothing else.

A public page is cached per URL and its links copy the current query string; a query
string of unknown parameters would otherwise make every link of the page carry them
and every variant a separate cache entry. Each public view says which parameters it
reads (`query_parameters`, a tuple of names); links and cache keys keep only those."""

from django.http import QueryDict


def canonical_query(query, names):
    """A new mutable QueryDict holding, of `query` (a QueryDict), only the parameters
    in `names` (an iterable of str), in that order, each once with the value the view
    reads (QueryDict.get: the last one given); an empty value is left out, as the view
    treats it as absent."""
    canonical = QueryDict(mutable=True)
    for name in dict.fromkeys(names):
        value = query.get(name)
        if value not in (None, ""):
            canonical[name] = value
    return canonical
