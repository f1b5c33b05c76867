"""The ``eventhub`` command: Flask's command line bound to ``create_app``, from any folder.

``eventhub db upgrade``, ``eventhub run``, ``eventhub routes`` are Flask's and Flask-Migrate's;
eventhub's own commands (``eventhub demo``, ``eventhub create-organiser``, ``eventhub mails``…)
sit at the top as well as under ``eventhub eventhub …``, where ``flask --app wsgi eventhub …``
has them in a source checkout.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from eventhub import cli
from eventhub.startup import create_app_or_exit

main = FlaskGroup(
    name="eventhub",
    help="eventhub: exhibitor applications, QR passes, calendar feeds and results reports.",
    create_app=create_app_or_exit,
)
for _name, _command in cli.group.commands.items():
    main.add_command(_command, _name)
