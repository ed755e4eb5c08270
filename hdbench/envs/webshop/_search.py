"""BM25 product search on tantivy, in place of the original's pyserini/Lucene index.

Same query semantics for the agent as the original: a document is the lower-cased title,
description, first bullet point and option text of a product (``convert_product_file_format.py``);
a query is a bag of words (any matching word counts, BM25-ranked); the top 50 come back
(``SEARCH_RETURN_N``). The analyzer mirrors Lucene's English analyzer (lower-case, English stop
words, Snowball/Porter stemming). Differences: tantivy's BM25 uses k1=1.2, b=0.75 where pyserini
defaults to k1=0.9, b=0.4; score ties are broken by catalogue order.

tantivy was chosen over bm25s on measured speed (``benchmarks/bench_webshop.py``, 2 shared cores,
one process, 2026-11-24): index build 0.2 / 2.1 / 16.5 s at 10k / 100k / 1.18M products against
bm25s's 0.3 / 5.4 / 48.9 s; median query 0.20 / 0.92 / 8.2 ms against 0.27 / 0.80 / 9.4 ms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import tantivy

from hdbench.schema import Product

log = logging.getLogger(__name__)

SEARCH_RETURN_N = 50
"""How many results a search returns (the original's ``SEARCH_RETURN_N``)."""
MAX_QUERY_TERMS = 256
"""Query terms kept (Lucene refuses more than 1024 clauses; a 10 kB query is cut here instead)."""
ANALYZER = "webshop_en"


def document_text(product: Product) -> str:
    """What the index sees of a product, as the original's ``convert_product_file_format.py``."""
    options = ", and ".join(f"{o.name}: {', '.join(o.values)}" for o in product.customization_options)
    first_bullet = product.small_description[0] if product.small_description else ""
    return " ".join([product.name, product.full_description, first_bullet, options]).lower()


def _analyzer() -> tantivy.TextAnalyzer:
    """Lucene-English-like analysis: simple tokens, lower case, stop words, English stemmer."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _schema() -> tantivy.Schema:
    """A stored row number and an indexed, unstored text field."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("row", stored=True, indexed=False, fast=True)
    builder.add_text_field("contents", stored=False, tokenizer_name=ANALYZER)
    return builder.build()


class SearchIndex:
    """An in-memory BM25 index over a catalogue; ``search`` returns asins, best first."""

    def __init__(self, asins: Sequence[str], documents: Iterable[str], threads: int = 1) -> None:
        """Index ``documents`` (one per asin, same order) with ``threads`` writer threads."""
        self.asins = list(asins)
        self._analyzer = _analyzer()
        self._index = tantivy.Index(_schema())
        self._index.register_tokenizer(ANALYZER, _analyzer())
        writer = self._index.writer(heap_size=max(50_000_000 * threads, 50_000_000), num_threads=threads)
        for row, text in enumerate(documents):
            writer.add_document(tantivy.Document(row=row, contents=text))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()
        log.debug("indexed %d products", self._searcher.num_docs)

    @classmethod
    def from_products(cls, products: Sequence[Product], threads: int = 1) -> SearchIndex:
        """Index a catalogue."""
        return cls([p.asin for p in products], (document_text(p) for p in products), threads)

    def query_terms(self, query: str) -> list[str]:
        """The analysed terms of a query (stemmed, stop words dropped), at most ``MAX_QUERY_TERMS``.

        Each term is one SHOULD clause, as Lucene's query parser makes them, so a repeated word
        counts twice and no character of the query is syntax.
        """
        return self._analyzer.analyze(query[: MAX_QUERY_TERMS * 40])[:MAX_QUERY_TERMS]

    def search(self, query: str, k: int = SEARCH_RETURN_N) -> list[str]:
        """The asins of the ``k`` best products for ``query`` (empty for a query with no words)."""
        terms = self.query_terms(query)
        if not terms:
            return []
        schema = self._index.schema
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "contents", t)) for t in terms]
        # count=False: no total hit count, which lets tantivy skip non-competitive documents
        hits = self._searcher.search(tantivy.Query.boolean_query(clauses), k + 10, count=False).hits
        rows = sorted((-score, self._searcher.doc(addr)["row"][0]) for score, addr in hits)
        return [self.asins[row] for _, row in rows[:k]]
