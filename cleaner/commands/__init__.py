"""The subcommands of the ``cleaner`` command, one module each."""
