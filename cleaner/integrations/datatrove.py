"""datatrove pipeline steps: clean ``doc.text``, drop repeated paragraphs.

``pip install 'cleaner[datatrove]'``, then put the steps in a pipeline::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerDedupStep, CleanerStep

    LocalPipelineExecutor(pipeline=[
        JsonlReader("raw/"),
        CleanerStep(drop_empty=True),          # options of cleaner.explain
        CleanerDedupStep(),                    # options of cleaner dedup
        JsonlWriter("clean/"),
    ], tasks=4).run()

:class:`CleanerStep` is a formatter: each document on its own, any number of
tasks.  :class:`CleanerDedupStep` drops the paragraphs that repeat ones
earlier in the same task (:func:`cleaner.dedup_records`): it reads all of
its task's documents before the first comes out, so it dedups each task's
shard, and the whole corpus only with ``tasks=1`` -- or with an ``index``
that the tasks share, run one after another (``workers=1``): each drops
what the tasks before it kept.  Parallel tasks across shards is datatrove's
model of several stages that exchange signatures through files (its own
MinHash dedup works that way); ``cleaner dedup`` on the written output is
the other way.

Both record their counts in the step's stats, as datatrove's own steps do:
``total``, ``forwarded``, ``dropped`` (with ``dropped_empty``), ``changed``,
``edits_<rule>`` (edits per rule), ``suggestions``; the dedup step counts
``dropped_paragraphs``.  Importing this module imports datatrove.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.typeshelper import StatHints
except ModuleNotFoundError as exc:  # pragma: no cover - the extra is in the test extra
    if not (exc.name or "").startswith("datatrove"):
        raise
    raise ModuleNotFoundError("cleaner.integrations.datatrove needs datatrove: pip install 'cleaner[datatrove]'", name=exc.name) from None

from ..config import Config, make_config
from ..dedup.corpus import DedupOptions
from ..pipeline import Explanation, explain
from ..streams import dedup_records

__all__ = ["CleanerDedupStep", "CleanerStep"]


class CleanerStep(PipelineStep):  # type: ignore[misc]  # datatrove ships no type hints
    """Clean each document's ``text`` with :func:`cleaner.explain`.

    ``config`` and ``options`` are those of :func:`cleaner.explain`, checked
    when the step is built.  ``drop_empty`` drops a document that cleaning
    emptied (counted as ``dropped_empty``).  ``edits_metadata``, a key, keeps
    each document's edits and suggestions in its ``metadata`` under that key
    (``{"edits": [...], "suggestions": [...]}``, report rows: JSON), so that
    a writer saves them beside the text.

    >>> from datatrove.data import Document
    >>> step = CleanerStep(only=["width"], edits_metadata="cleaner")
    >>> docs = list(step.run(iter([Document(text="今天,我们去公园。", id="1")])))
    >>> docs[0].text, docs[0].metadata["cleaner"]["edits"][0]["rule"], step.stats["edits_width"].total
    ('今天，我们去公园。', 'width', 1)
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, *, config: Config | None = None, drop_empty: bool = False, edits_metadata: str | None = None, **options: Any) -> None:
        super().__init__()
        self.config = make_config(base=config, **options)
        self.drop_empty = drop_empty
        self.edits_metadata = edits_metadata

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        """Clean each document of ``data`` in order (``rank`` and
        ``world_size`` are datatrove's: every document stands alone)."""
        for doc in data or ():
            self.stat_update(StatHints.total)
            with self.track_time():
                r = explain(doc.text, config=self.config)
            self._count(r)
            if self.drop_empty and doc.text.strip() and not r.text.strip():
                self.stat_update(StatHints.dropped, "dropped_empty")
                continue
            doc.text = r.text
            if self.edits_metadata is not None:
                doc.metadata[self.edits_metadata] = {"edits": [e.to_dict() for e in r.edits], "suggestions": [s.to_dict() for s in r.suggestions]}
            self.stat_update(StatHints.forwarded)
            yield doc

    def _count(self, r: Explanation) -> None:
        """A document's edits per rule and its suggestions, in the stats."""
        if r.edits:
            self.stat_update("changed")
        for rule, n in sorted(r.counts().items()):
            self.stat_update(f"edits_{rule}", value=n)
        if r.suggestions:
            self.stat_update("suggestions", value=len(r.suggestions))


class CleanerDedupStep(PipelineStep):  # type: ignore[misc]
    """Drop the paragraphs (``level="document"``: the documents) that repeat
    earlier ones among this task's documents (:func:`cleaner.dedup_records`,
    with the options of ``cleaner dedup``, checked when the step is built).

    The task's documents are read before the first comes out (held on disk
    in a temporary folder under ``workdir``, about 150 bytes per paragraph
    in memory); a document's notes name the one it repeats by its ``id``.
    ``drop_empty`` drops a document left with no text.  ``index``, the path
    of an SQLite index (``cleaner dedup --index``), carries what each task
    kept to the tasks after it, so that tasks run one after another
    (``workers=1``) dedup across the whole corpus; it admits one task at a
    time (a second one open at once fails: "the index is in use").

    >>> from datatrove.data import Document
    >>> para = "第二段的内容也够长，同样参与比较。"
    >>> step = CleanerDedupStep()
    >>> docs = [Document(text="第一段的内容足够长，不会被跳过。\\n\\n" + para, id="a"), Document(text="新的一段，应当保留。\\n\\n" + para, id="b")]
    >>> [d.text for d in step.run(iter(docs))], step.stats["dropped_paragraphs"].total
    (['第一段的内容足够长，不会被跳过。\\n\\n第二段的内容也够长，同样参与比较。', '新的一段，应当保留。'], 1)
    """

    name = "🧹 cleaner dedup"
    type = "🫂 - DEDUPS"

    def __init__(
        self,
        *,
        level: str = "paragraph",
        dedup_threshold: float = 90.0,
        dedup_min_chars: int = 12,
        dedup_keep: str = "first",
        numbers: bool = False,
        drop_empty: bool = False,
        workdir: str | None = None,
        index: str | None = None,
    ) -> None:
        super().__init__()
        self.options = DedupOptions(
            level=level, dedup_threshold=dedup_threshold, dedup_min_chars=dedup_min_chars, dedup_keep=dedup_keep, numbers=numbers
        )
        self.drop_empty = drop_empty
        self.workdir = workdir
        self.index = index

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        """The documents of this task without their repeats, in order."""
        o = self.options
        records = ({"id": doc.id, "text": doc.text, "doc": doc} for doc in data or ())
        outcomes = dedup_records(
            records, id_field="id", level=o.level, dedup_threshold=o.dedup_threshold, dedup_min_chars=o.dedup_min_chars,
            dedup_keep=o.dedup_keep, numbers=o.numbers, drop_empty=self.drop_empty, with_edits=True, workdir=self.workdir,
            index=self.index,
        )
        try:
            while True:
                with self.track_time():  # the first document waits for the whole task's matching
                    outcome = next(outcomes, None)
                if outcome is None:
                    return
                rec, res = outcome
                self.stat_update(StatHints.total)
                if res.edits and o.level == "paragraph":
                    self.stat_update("dropped_paragraphs", value=len(res.edits))
                if rec is None:
                    self.stat_update(StatHints.dropped, "dropped_empty" if o.level == "paragraph" else "dropped_duplicate")
                    continue
                doc = rec["doc"]  # a copy, read back from disk
                doc.text = rec["text"]
                self.stat_update(StatHints.forwarded)
                yield doc
        finally:
            outcomes.close()  # its temporary files go now, even when the pipeline stops early
