"""Fuzzing every public query parameter: whatever a reader or a bot sends, the answer is
a page or a 4xx, never a 5xx. 10,000 query strings under HYPOTHESIS_PROFILE=ci (what
.ci/run sets), 1,000 otherwise."""

import os
import secrets
from urllib.parse import urlencode

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.models import Article
from tests.factories import at, make_article

EXAMPLES = 10_000 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 1_000
PARAMETERS = ["q", "region", "tag", "byline", "date", "from", "to", "page", "sort", "x"]
PATHS = [
    "/articles/", "/articles/export.json", "/", "/regions/iraq/", "/tags/security/",
    "/feed/", "/regions/iraq/feed/", "/articles/2020/", "/articles/2020/03/",
]  # fmt: skip

plausible = st.sampled_from(
    ["iraq", "nineveh", "security", "kurdistan-24", "2020-03-09", "2020-02-30", "1", "2",
     "99999999999999999999", "-1", "0", "1e9", "", " ", "\x00", "’", "😀", "%", "'", '"',
     "a" * 5000, "2020-3-9", "09/03/2020", "9999-12-31", "0001-01-01", "-", "or", "!("]
)  # fmt: skip
values = st.one_of(plausible, st.text(max_size=60), st.integers().map(str))
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6)


class FuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_article(
            "Fuzz target", regions=["makhmour"], tags=["Security"], bylines=["Kurdistan 24"],
            published_at=at("2020-03-09 12:00"),
        )  # fmt: skip
        # A headline no fuzzer can type (Hypothesis draws strings from the test's own
        # source too): a page echoing the query back must not look like a leak.
        cls.unpublished = f"Draft {secrets.token_hex(8)}"
        make_article(cls.unpublished, status=Article.Status.DRAFT, tags=["Security"])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(path=st.sampled_from(PATHS), params=query_strings)
    def test_no_query_string_makes_a_server_error(self, path, params):
        query = urlencode(params)
        response = Client().get(f"{path}?{query}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code < 500, f"{path}?{query}"
        assert self.unpublished.encode() not in body
