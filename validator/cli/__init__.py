"""Command line: `nianbao` and its commands (one module per group, registered on one app)."""

from validator.cli import baseline, batch, check, config_cmd, serve  # noqa: F401 - registers the commands
from validator.cli.app import app


def main():
    app()
