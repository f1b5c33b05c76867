"""``python -m eventhub`` is the ``eventhub`` command."""

from eventhub.console import main

main()
