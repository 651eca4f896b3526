"""The text rules, one module each (``cleaner.rules.width``, ...).

Each module declares its rule once as ``RULE`` (a :class:`cleaner.rule.Rule`);
:mod:`cleaner.registry` lists them in pipeline order.  Importing one rule
module does not load the others.
"""
