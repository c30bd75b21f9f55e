.PHONY: help demo test test-fast lint format bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

demo:  ## install, create the demo project in ./demo, import its exports, show plan and status, serve the dashboard (sign in with the printed admin password)
	@bash scripts/bootstrap.sh
	@uv run ikkan init demo --demo --force
	@uv run ikkan --project demo ingest
	@uv run ikkan --project demo refresh
	@uv run ikkan --project demo plan
	@uv run ikkan --project demo status
	@uv run ikkan --project demo serve

test:  ## install and run the whole test suite (PostgreSQL and browser tests included)
	@bash scripts/bootstrap.sh --test
	@uv run pytest -n 2 --dist loadfile -q

test-fast:  ## tests without PostgreSQL and the browser
	@uv run pytest -n 2 --dist loadfile -q -m "not postgres and not browser"

lint:  ## ruff, ruff format --check, mypy
	@uv run ruff check src tests
	@uv run ruff format --check src tests
	@uv run mypy

format:  ## format the code
	@uv run ruff check --fix src tests
	@uv run ruff format src tests
