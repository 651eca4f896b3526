"""Steps for the pipelines corpus builders already use.

* :mod:`cleaner.integrations.datatrove`: :class:`~cleaner.integrations.datatrove.CleanerStep`
  and :class:`~cleaner.integrations.datatrove.CleanerDedupStep`, datatrove
  pipeline steps (``pip install 'cleaner[datatrove]'``);
* :mod:`cleaner.integrations.hf`: :func:`~cleaner.integrations.hf.clean_batch`
  for ``datasets.Dataset.map(..., batched=True)`` (``pip install 'cleaner[hf]'``).

Importing this package imports neither datatrove nor datasets; the first
module does when it is imported (its steps are datatrove classes), the
second never needs to (a batch is a dict of lists).
"""
