"""``python -m ikkan`` runs the CLI (with its error boundary)."""

from ikkan.cli.main import run

run()
